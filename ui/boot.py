"""Once-per-process server concerns of the entry points: whole imports, the router on the first request, the heap.

Every entry point imports this module first. Importing it imports numpy, pandas and pyarrow in full,
under Python's import lock, before any page code runs: plotly looks them up in ``sys.modules`` without
importing them, so on a cold server with several sessions at once, one session's chart found numpy
half-imported by another session's table ("partially initialized module 'numpy' has no attribute
'ndarray'") and its visitor saw an error instead of the page. Sessions that arrive while this module
is being imported wait for it to finish.

Streamlit decides once per process whether an app "uses the pages directory" (the old multipage
mode): the flag is true while a ``pages/`` folder exists and no script has yet called
``st.navigation``. On the first request after a start it therefore runs a page file directly, or
shows "Page not found" for a path it does not know, without our router and its shared controls.
Every entry point calls :func:`ensure_router` first: if it finds that mode it switches it off and
reruns, so the same URL is served by ``st.navigation`` as every later request is.
"""

from __future__ import annotations

import gc
import threading

import numpy  # noqa: F401  (imported whole before any page runs: see above)
import pandas  # noqa: F401
import pyarrow  # noqa: F401
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_frozen = False
_freeze_lock = threading.Lock()


def ensure_router() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
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
