"""Tests only: a signed-in user at the Streamlit edge, for the browser tests of the editor pages.

The browser tests put this folder on the test server's PYTHONPATH (never the app's) and set
FINSAM_TEST_EDITOR; Python then runs this file at start-up and ``st.user`` is that user. With
FINSAM_TEST_EDITOR=cookie each browser session is signed in as the address in its cookie
``finsam_test_editor`` (none: not signed in), so that one server serves the whole role matrix. The
secrets ([auth], [editors]) come from a temporary file given to the server, so the roles are
checked exactly as in production: only the sign-in itself is faked.
"""

import os

_email = os.environ.get("FINSAM_TEST_EDITOR")
if _email == "cookie":
    import streamlit as st

    class _FromCookie:
        """The session's user, read from its cookie at every access (one server, many identities)."""

        @staticmethod
        def _address():
            try:
                return st.context.cookies.get("finsam_test_editor") or None
            except Exception:
                return None

        @property
        def is_logged_in(self):
            return bool(self._address())

        @property
        def email(self):
            return self._address()

        def to_dict(self):
            e = self._address()
            return {"email": e, "email_verified": True, "iss": "https://login.example.se"} if e else {}

        def get(self, key, default=None):
            return self.to_dict().get(key, default)

        def __getattr__(self, name):
            return self.to_dict().get(name)

    st.user = _FromCookie()
elif _email:
    import streamlit as st

    class _SignedIn(dict):
        is_logged_in = True
        email = _email
        email_verified = True

        def __getattr__(self, name):
            return self.get(name)

    st.user = _SignedIn(email=_email, is_logged_in=True, email_verified=True, iss="https://login.example.se")
