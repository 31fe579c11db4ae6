"""Many sessions at once in one server process: Polars must never wait on Python, nor Python on Polars.

See lib/pyvalues.py for the deadlock this guards against: a Python callback on Polars' worker pool
while another thread holds the GIL and waits for that pool (``to_pandas``, as ``st.dataframe`` does).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from lib.derive import _SECTION_RANK, section_rank, section_rank_expr
from lib.pyvalues import map_values
from tests.conftest import ROOT

# What a page run does, from many script threads at once: CSV for a download, a table for st.dataframe.
WORKLOAD = textwrap.dedent(
    """
    import threading
    import polars as pl
    from lib.downloads import swedish_csv

    part = pl.DataFrame(
        {**{f"f{i}": [1.5, 2.25, None] * 20 for i in range(6)},
         **{f"s{i}": ["x", "yå", None] * 20 for i in range(8)},
         "n": [1, 2, 3] * 20}
    )
    wide = pl.concat([part] * 8, rechunk=False)  # many columns in several chunks: converted in parallel

    def session():
        for _ in range(60):
            swedish_csv(wide)
            wide.to_pandas()

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("klart")
    """
)


def test_concurrent_downloads_and_tables_do_not_deadlock():
    # A deadlock freezes the whole interpreter (no thread gets the GIL back), so it runs in a child process.
    try:
        done = subprocess.run([sys.executable, "-c", WORKLOAD], cwd=ROOT, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise AssertionError("låsning: åtta trådar med CSV och tabeller blev inte klara på 120 s") from None
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "klart"


CALLBACKS = re.compile(r"\.(map_elements|map_batches|map_rows|map_groups)\(")


def test_no_python_callbacks_inside_polars_in_code_the_server_runs():
    files = [ROOT / "app.py", *(p for d in ("lib", "ui", "pages") for p in (ROOT / d).rglob("*.py"))]
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CALLBACKS.search(line)
    ]
    assert offenders == []


SECTIONS = st.lists(st.sampled_from([*_SECTION_RANK, "x", " ", "Ö", "NOT"])).map("".join)


@given(st.one_of(st.none(), st.text(max_size=40), SECTIONS))
def test_section_rank_expression_equals_the_python_function(section):
    got = pl.DataFrame({"section": [section]}, schema={"section": pl.String}).select(section_rank_expr())
    assert got.item() == (None if section is None else section_rank(section))


def test_map_values_keeps_nulls_and_order():
    s = pl.Series("v", [2.5, None, 1.0])
    out = map_values(s, lambda v: f"<{v}>", pl.String)
    assert out.to_list() == ["<2.5>", None, "<1.0>"]
    assert out.name == "v" and out.dtype == pl.String
    assert map_values(s, lambda v: v is None, pl.Boolean, skip_nulls=False).to_list() == [False, True, False]
