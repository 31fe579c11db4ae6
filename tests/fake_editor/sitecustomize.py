"""Tests only: a signed-in editor at the Streamlit edge, for the browser test of the import page.

tests/test_browser_import.py puts this folder on the test server's PYTHONPATH (never the app's) and
sets FINSAM_TEST_EDITOR; Python then runs this file at start-up and ``st.user`` is that editor. The
secrets ([auth], [editors]) come from a temporary file given to the server, so the editors list is
checked exactly as in production: only the sign-in itself is faked.
"""

import os

_email = os.environ.get("FINSAM_TEST_EDITOR")
if _email:
    import streamlit as st

    class _SignedIn(dict):
        is_logged_in = True
        email = _email
        email_verified = True

        def __getattr__(self, name):
            return self.get(name)

    st.user = _SignedIn(email=_email, is_logged_in=True, email_verified=True, iss="https://login.example.se")
