"""The store at the Streamlit edge: st.connection("sql"), its revision (the dataset's cache key) and its rows.

Which database: FINSAM_STORE_URL, else ``[connections.sql]`` in .streamlit/secrets.toml (PostgreSQL
for a hosted deployment), else the SQLite file in the data folder (lib/store/settings.py). A store
that cannot be reached never stops the dashboard: the curated data is shown with a notice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path

import streamlit as st

from lib.sources import DATA_DIR, Published
from lib.store import Store, StoreUnavailable
from lib.store.schema import SchemaTooNew
from lib.store.settings import default_sqlite_path, describe, secrets_url, sqlite_url
from lib.store.store import engine_options

UNAVAILABLE = "ej tillgänglig"
_log = logging.getLogger("finsam")
_logged: set[str] = set()
REJECTED: dict[str, str] = {}  # revision → why its published rows were left out of the dataset


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file
        return {}


def configured_url() -> str | None:
    """A store set up on purpose (environment or secrets); None means the default SQLite file."""
    return os.environ.get("FINSAM_STORE_URL") or secrets_url(_secrets())


def store_url() -> str:
    return configured_url() or sqlite_url(default_sqlite_path())


def store_name() -> str:
    return describe(store_url())


def data_dir() -> Path:
    return Path(os.environ.get("FINSAM_DATA_DIR") or DATA_DIR)


@st.cache_resource(show_spinner=False)
def _store(url: str, folder: str) -> Store:
    conn = st.connection("sql", type="sql", url=url, **engine_options(url))
    return Store(conn.engine, Path(folder))


def store() -> Store:
    return _store(store_url(), str(data_dir()))


def registered() -> dict[str, dict]:
    """The förbund registered in the store with their members (also those whose documents are all withdrawn)."""
    try:
        return store().registered()
    except Exception:  # shown elsewhere; a slug check then relies on the dataset alone
        return {}


def _note(problem: str) -> None:
    if problem not in _logged:
        _logged.add(problem)
        _log.warning("Publicerade rapporter: %s", problem)


@st.cache_data(ttl=5, show_spinner=False)
def _revision(url: str) -> str:
    # The store's name is part of the key: two stores at the same count must never share a dataset.
    where = hashlib.sha256(url.encode()).hexdigest()[:8]
    if configured_url() is None and not default_sqlite_path().exists():
        return f"0:0@{where}"  # nothing published yet: the file is made by the first publication, not by a visit
    try:
        return f"{store().revision()}@{where}"
    except (StoreUnavailable, SchemaTooNew) as exc:
        _note(f"{exc} {getattr(exc, 'detail', '')}")
        return f"{UNAVAILABLE}: {exc}"
    except Exception as exc:  # a wrong URL, a missing driver: the dashboard still shows the curated data
        _note(f"{type(exc).__name__}: {exc}")
        return f"{UNAVAILABLE}: databasen för publicerade rapporter kan inte öppnas ({type(exc).__name__})"


# url → (monotonic time to ask again, the wait that led there, the revision that said why): a store that did
# not answer is asked again after 10 s, then 20, 40 … up to 5 minutes, so that a hung database costs the
# pages its connect timeout once, not every few seconds.
_down: dict[str, tuple[float, float, str]] = {}
MAX_BACKOFF_S = 300.0


def revision() -> str:
    """The store's revision, re-read at most every 5 seconds (other servers' publications show within that);
    after a failure not before the back-off has passed."""
    url = store_url()
    down = _down.get(url)
    if down and time.monotonic() < down[0]:
        return down[2]
    rev = _revision(url)
    if rev.startswith(UNAVAILABLE):
        wait = min(MAX_BACKOFF_S, down[1] * 2 if down else 10.0)
        _down[url] = (time.monotonic() + wait, wait, rev)
    else:
        _down.pop(url, None)
    return rev


def problem(rev: str | None = None) -> str:
    """Why published reports cannot be shown now ('' when they can); ``rev``: the revision already read."""
    rev = revision() if rev is None else rev
    return rev.split(": ", 1)[1] if rev.startswith(UNAVAILABLE) else REJECTED.get(rev, "")


def rows(rev: str) -> Published | None:
    """The published rows at that revision (None when the store is unavailable or empty)."""
    if rev.startswith(UNAVAILABLE) or rev.startswith("0:"):
        return None
    try:
        return store().published()
    except (StoreUnavailable, SchemaTooNew) as exc:
        _note(str(exc))
        return None


def changed() -> None:
    """After a write in this process: read the revision again now (the dataset follows it)."""
    _down.clear()
    _revision.clear()
