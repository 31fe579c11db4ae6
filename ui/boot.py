"""Make the router (app.py) run even on a server's very first request.

Streamlit decides once per process whether an app "uses the pages directory" (the old multipage
mode): the flag is true while a ``pages/`` folder exists and no script has yet called
``st.navigation``. On the first request after a start it therefore runs a page file directly, or
shows "Page not found" for a path it does not know, without our router and its shared controls.
Every entry point calls :func:`ensure_router` first: if it finds that mode it switches it off and
reruns, so the same URL is served by ``st.navigation`` as every later request is.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_router() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
