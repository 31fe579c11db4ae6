"""Python functions over a column's values, applied outside Polars' thread pool: never ``map_elements``.

Why: Polars runs a Python callback (``map_elements``, ``map_batches``) on its shared worker pool,
where each task must take the GIL. Some Polars calls hold the GIL while they wait for that same pool
(``DataFrame.to_pandas``, which ``st.dataframe`` calls on every table; the class of bug is
pola-rs/polars#26821). In the server, with several sessions at once, a callback and such a call
meet: the workers wait for the GIL, the GIL's holder waits for the workers, and the whole process,
its event loop included, stops for good. Measured here: ten sessions opening the overview together
froze the server every time. So code that runs in the server keeps Python out of Polars: values go
out to Python, are mapped there, and come back as a Series (the tables are small), and pure
expressions replace callbacks where they can. ``tests/test_concurrency.py`` holds both to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl


def map_values(series: pl.Series, fn: Callable[[Any], Any], dtype: pl.DataType, skip_nulls: bool = True) -> pl.Series:
    """``fn`` over every value of ``series`` in Python; nulls stay null unless ``skip_nulls`` is False."""
    values = [None if v is None and skip_nulls else fn(v) for v in series.to_list()]
    return pl.Series(series.name, values, dtype=dtype)
