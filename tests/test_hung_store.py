"""A database that accepts connections and never answers (issue 27): the store gives up after its connect
timeout, and the dashboard pays that once, then backs off, showing the curated data with a notice."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from lib.store import Store, StoreUnavailable
from lib.store.store import CONNECT_TIMEOUT_S
from tests.conftest import ROOT


@pytest.fixture
def hung_url():
    """A PostgreSQL URL whose server accepts and never says a word (only loopback is contacted)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"postgresql+psycopg://finsam@127.0.0.1:{srv.getsockname()[1]}/finsam"
    stop.set()
    thread.join(2)
    for c in held:
        c.close()
    srv.close()


def test_the_store_gives_up_on_a_server_that_never_answers(hung_url):
    start = time.monotonic()
    with pytest.raises(StoreUnavailable, match="svarar inte"):
        Store.open(hung_url).revision()
    assert time.monotonic() - start < CONNECT_TIMEOUT_S + 2


def test_a_hung_store_costs_the_first_page_its_timeout_once_then_nothing(hung_url, monkeypatch):
    monkeypatch.setenv("FINSAM_STORE_URL", hung_url)
    from ui import published

    published._down.clear()
    timings, notices = [], []
    for _ in range(3):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        start = time.monotonic()
        at.run()
        timings.append(time.monotonic() - start)
        assert not at.exception
        notices.append([i.value for i in at.info if i.value.startswith("Publicerade rapporter kan inte visas just nu")])
    assert timings[0] >= CONNECT_TIMEOUT_S - 0.5  # it was asked once …
    assert max(timings[1:]) < timings[0] - CONNECT_TIMEOUT_S + 1.5  # … and not again within the back-off
    assert all(notices), notices  # every page says why the published reports are not shown
    assert published._down and next(iter(published._down.values()))[1] == 10.0
    published._down.clear()
