"""Many sessions at once against a real server: every session gets every page, with no error.

The load script's protocol client (scripts/load_test.py) speaks Streamlit's WebSocket protocol as the
browser does, without drawing, so 25 sessions take seconds. A single session never showed what
concurrent ones did: the server freezing (lib/pyvalues.py) and, on a cold server, pages failing on a
half-imported numpy (ui/boot.py); this test saw both.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.conftest import ROOT
from tests.localserver import ServerDidNotStart, serve

sys.path.insert(0, str(ROOT / "scripts"))
import load_test  # the load script, from scripts/ (put on the path above)


@pytest.fixture(scope="module")
def server():
    try:
        with serve() as srv:
            yield srv
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))


def test_one_session_draws_every_page(server):
    result = asyncio.run(load_test.run_protocol(server.port, 1, timeout_s=60))
    assert result.errors == []
    assert list(result.by_page) == [stop.menu for stop in load_test.TOUR]


def test_twenty_five_sessions_at_once_on_a_cold_server_all_get_every_page():
    # Cold: the first sessions of a process import the libraries while others already draw (ui/boot.py).
    try:
        with serve() as cold:
            result = asyncio.run(load_test.run_protocol(cold.port, 25, timeout_s=60))
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))
    assert result.errors == []
    assert {page: len(times) for page, times in result.by_page.items()} == {stop.menu: 25 for stop in load_test.TOUR}


def test_a_page_that_does_not_exist_is_reported_as_an_error(server, monkeypatch):
    # The client must be able to fail: a tour with an unknown page is not a clean run.
    monkeypatch.setattr(load_test, "TOUR", [load_test.Stop("Finns inte", "Finns inte", "finns_inte")])
    result = asyncio.run(load_test.run_protocol(server.port, 1, timeout_s=60))
    assert "Finns inte: sidan hittades inte" in result.errors


def test_a_page_drawn_after_the_timeout_is_slow_not_an_error(server):
    # Slow is measured, not hidden: every page counts as slow against a threshold no page can meet,
    # and keeps its time, while only a page never drawn (give_up_s) would be an error.
    result = asyncio.run(load_test.run_protocol(server.port, 1, timeout_s=1e-9, give_up_s=60))
    assert result.errors == []
    assert result.slow == [stop.menu for stop in load_test.TOUR]
    assert len(result.times) == len(load_test.TOUR)


def test_nginx_in_front_of_two_processes_serves_every_session_and_keeps_each_on_one(tmp_path):
    """The scale-out deployment (deploy/nginx.conf.template): every page for every session, through nginx, and a
    browser's requests stay with one process (the cookie the first response sets)."""
    import shutil
    import urllib.request

    if shutil.which("nginx") is None and not __import__("os").path.exists("/usr/sbin/nginx"):
        pytest.skip("nginx finns inte här (scripts/test.sh installerar Debians nginx)")
    from nginx_front import nginx_front

    with nginx_front(2) as front:
        first = urllib.request.urlopen(f"{front.url}/")
        cookie = first.headers.get("Set-Cookie", "")
        assert cookie.startswith("finsam_backend=") and "HttpOnly" in cookie
        key = cookie.split(";")[0]
        again = urllib.request.urlopen(urllib.request.Request(f"{front.url}/", headers={"Cookie": key}))
        assert again.headers.get("Set-Cookie", "").split(";")[0] == key  # the same key: the same process
        result = asyncio.run(load_test.run_protocol(front.port, 6, timeout_s=90))
    assert result.errors == []
    assert {page: len(times) for page, times in result.by_page.items()} == {stop.menu: 6 for stop in load_test.TOUR}
