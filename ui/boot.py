"""Once-per-process server concerns of the entry points: whole imports, the router on the first request, the heap.

Every entry point imports this module first. Importing it imports numpy, pandas and pyarrow in full,
under Python's import lock, before any page code runs: plotly looks them up in ``sys.modules`` without
importing them, so on a cold server with several sessions at once, one session's chart found numpy
half-imported by another session's table ("partially initialized module 'numpy' has no attribute
'ndarray'") and its visitor saw an error instead of the page. Sessions that arrive while this module
is being imported wait for it to finish.

Streamlit decides per run whether to use the old pages-folder mode ("multipage v1"): a process-wide
flag, true from the first session of a process when a ``pages/`` folder exists until some script calls
``st.navigation``. A run that starts while it is true never runs ``app.py``'s router: Streamlit's
``_mpa_v1`` builds a menu of the raw files in ``pages/`` (the editors' import page included) and runs
the page file directly. On a cold server several visitors start together, so several runs begin in
that mode; switching the flag off when one of them reaches our code does not help the others, which
are already inside ``_mpa_v1`` (measured: 9 of 12 links opened at once lost their view).

So the decision is made per run, not per process. Every entry point calls :func:`ensure_router`
first: it switches the flag off for all runs to come and, when *this* run was started by ``_mpa_v1``
(its caller on the stack), reruns it. The rerun keeps the link (query string and page: page url
paths equal file names, so the old mode's page is the router's page), and runs the router.
"""

from __future__ import annotations

import gc
import sys
import threading

import numpy  # noqa: F401  (imported whole before any page runs: see above)
import pandas  # noqa: F401
import pyarrow  # noqa: F401
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_frozen = False
_freeze_lock = threading.Lock()


def started_by_old_multipage_mode() -> bool:
    """Whether this script run was started by Streamlit's pages-folder mode (``_mpa_v1`` is a caller)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1" and "scriptrunner" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def ensure_router() -> None:
    """Never the pages-folder mode: off for every later run, and this run again through the router."""
    PagesManager.uses_pages_directory = False
    if started_by_old_multipage_mode():
        st.rerun()


def freeze_long_lived_heap() -> bool:
    """Move the objects that live as long as the process out of the garbage collector's sight, once.

    Streamlit runs a full ``gc.collect(2)`` after every script run (``runner.postScriptGC``), holding
    the GIL, so every other session waits. A full collection walks every tracked object, and almost
    all of them are the libraries' own (plotly, pandas, pyarrow) and the dataset, which are never
    garbage: measured here it took about 50 ms per run, as much as a page itself. Called after the
    dataset is loaded, ``gc.freeze()`` leaves the post-run collection only what sessions create.
    Only the first call freezes: later ones would also freeze sessions' objects, which could then
    never be collected. Returns whether this call froze.
    """
    global _frozen
    with _freeze_lock:
        if _frozen:
            return False
        gc.collect()  # what is already garbage is freed, not frozen
        gc.freeze()
        _frozen = True
        return True
