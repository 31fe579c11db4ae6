"""Shared fixtures: where the seeds are, and the real dataset loaded once per session."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# The store of published imports: a fresh SQLite file for this test run (inherited by the servers the
# browser tests start), never the developer's data/store/. Tests of the store make their own.
os.environ.setdefault("FINSAM_STORE_FILE", str(Path(tempfile.mkdtemp(prefix="finsam-store-")) / "test.sqlite"))
# No SCB data unless a test loads its fixtures (a developer's data/scb must not change what the tests see).
os.environ.setdefault("FINSAM_SCB_DIR", tempfile.mkdtemp(prefix="finsam-scb-"))
# No server started by a test asks SCB (there is no network to SCB here); tests of the refresh turn it on against
# the stand-in (tests/scb_standin.py).
os.environ.setdefault("FINSAM_SCB_REFRESH", "off")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def seeds_available() -> bool:
    return SEEDS.is_dir() and any(SEEDS.glob("*.txt"))


needs_seeds = pytest.mark.skipif(not seeds_available(), reason="../shared/seeds finns inte på den här maskinen")


def squash(text: str) -> str:
    """Fold the PDF extraction's spacing so that labels can be compared as printed."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def dataset():
    from lib.data import load_dataset

    return load_dataset()


# -- stores for the publish tests: SQLite always, PostgreSQL where scripts/test.sh started one ----------------

PG_URL = os.environ.get("FINSAM_TEST_PG_URL", "")
PG_MISSING = (
    "PostgreSQL finns inte här (FINSAM_TEST_PG_URL saknas): scripts/test.sh installerar och startar en; "
    "testerna mot PostgreSQL hoppas över"
)


@contextmanager
def empty_store(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty store of ``kind`` (SQLite: a file in ``folder``; PostgreSQL: a database created for
    it on the test server and dropped afterwards; skipped where that server is missing)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'publicerat.sqlite'}"
        return
    if not PG_URL:
        pytest.skip(PG_MISSING)
    from uuid import uuid4

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"finsam_{uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """An empty store of each kind, one per test (PostgreSQL: a database created and dropped for it)."""
    with empty_store(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def app_store(store_url, monkeypatch):
    """The app's store for this test (the app reads FINSAM_STORE_URL on every call), opened for the test too."""
    from lib.store import Store

    monkeypatch.setenv("FINSAM_STORE_URL", store_url)
    s = Store.open(store_url)
    yield s
    s.engine.dispose()


# -- browser tests: one server per test module, Debian's Chromium ---------------------------------------


def served(**options):
    """The URL of a server for one test module (``tests.localserver.serve`` options); skipped without Chromium
    on a developer's machine, failed in CI, failed with the reason if the server does not start."""
    from tests.localserver import CHROMIUM, ServerDidNotStart, serve

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium saknas i CI: scripts/test.sh ska installera Debians chromium")
        pytest.skip("Chromium finns inte på den här maskinen")
    try:
        with serve(**options) as srv:
            yield srv.url
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser(server):
    """Headless Chromium for the module's ``server``."""
    from playwright.sync_api import sync_playwright

    from tests.localserver import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
