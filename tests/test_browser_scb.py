"""The HÅE page on real SCB series, in a browser: a server that fetches TAB1386 itself at start (in the
background, from the stand-in SCB of tests/scb_standin.py) shows every förbund's trend over five whole years, a
year so far apart, and the monthly view; a server without network says where SCB data would come from."""

from __future__ import annotations

import pytest

from tests.conftest import served
from tests.scb_standin import StandIn
from tests.test_browser import DESKTOP, PHONE, context_for, no_errors, shot, what_people_see

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def standin():
    with StandIn() as s:
        yield s


@pytest.fixture(scope="module")
def server(standin, tmp_path_factory):
    env = {
        "FINSAM_SCB_API": standin.url,
        "FINSAM_SCB_REFRESH": "on",
        "FINSAM_SCB_DIR": str(tmp_path_factory.mktemp("scb")),
    }
    yield from served(env=env)


def settle(page, timeout: float = 60_000) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(700)


def open_hae(browser, server, viewport, slugs: str):
    page = context_for(browser, viewport).new_page()
    for _ in range(20):  # the server fetches in the background at start; a page never waits for it
        page.goto(f"{server}/hae?{slugs}")
        page.get_by_role("heading", name="Helårsekvivalenter", exact=True).wait_for(timeout=60_000)
        settle(page)
        if page.get_by_text("månad för månad, 2021-07–2024-06").count():
            return page
        page.wait_for_timeout(1500)
    raise AssertionError("SCB-data kom aldrig fram: " + page.locator("[data-testid='stMain']").inner_text()[:600])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_forbund_has_its_scb_trend_and_the_monthly_view(browser, server, standin, viewport):
    slugs = "forbund=sodra-lappland&forbund=solleftea&forbund=jamtland&forbund=sydnarke"
    page = open_hae(browser, server, viewport, slugs)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    assert "SCB-data hämtade" in text and "(tabell TAB1386, månader 2019M01–2024M06)" in text
    for name in ("Södra Lappland", "Sollefteå", "Jämtland", "Sydnärke"):
        assert f"{name}: andel år för år" in text
        assert f"{name}: månad för månad, 2021-07–2024-06" in text
    assert "dashboardens beräkning" in text
    if viewport == DESKTOP:  # a phone's chart has no legend: its table names the series
        legend = " ".join(page.locator(".legendtext").evaluate_all("ts => ts.map(t => t.textContent)"))
        assert "Förbundet totalt (beräknat), 20–64 år" in legend and "Riket, 20–64 år" in legend
    no_errors(page)
    page.wait_for_timeout(1000)  # the last chart's layout settles before headings are measured
    what_people_see(page)
    shot(page, f"hae-scb-{'desktop' if viewport == DESKTOP else 'phone'}")
    page.context.close()


def test_a_server_without_network_says_where_scb_data_would_come_from(browser, tmp_path_factory):
    env = {
        "FINSAM_SCB_API": "http://127.0.0.1:9/api/v2",  # nothing listens: as a machine without network
        "FINSAM_SCB_REFRESH": "on",
        "FINSAM_SCB_DIR": str(tmp_path_factory.mktemp("scb-none")),
    }
    for url in served(env=env):
        page = context_for(browser, DESKTOP).new_page()
        for _ in range(20):
            page.goto(f"{url}/kallor")
            page.get_by_role("heading", name="Källor och datakvalitet").wait_for(timeout=60_000)
            settle(page)
            if page.get_by_text("SCB kunde inte nås").count():
                break
            page.wait_for_timeout(1000)
        text = page.locator("[data-testid='stMain']").inner_text().replace("\u200b", "")  # no live link
        assert "Inga SCB-data från tabell TAB1386: SCB kunde inte nås (inget nätverk?)" in text
        assert "De hämtas från http://127.0.0.1:9/api/v2 när servern når SCB" in text
        no_errors(page)
        page.context.close()
