"""Once-per-process server concerns of the entry points: run the router even on the first request, and freeze the heap.

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
