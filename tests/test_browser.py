"""What a person sees: the app served by Streamlit and opened in headless Chromium (Debian's)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import ROOT, served

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "screenshots"
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server():
    yield from served()


# A phone's browser says it is one; the app then draws its charts for the narrow screen.
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def context_for(browser, viewport=DESKTOP, **options):
    if viewport == PHONE:
        options |= {"user_agent": PHONE_AGENT, "is_mobile": True, "has_touch": True}
    return browser.new_context(viewport=viewport, locale="sv-SE", **options)


def open_page(browser, url: str, viewport=DESKTOP, downloads: bool = False):
    context = context_for(browser, viewport, accept_downloads=downloads)
    page = context.new_page()
    page.goto(url)
    wait_ready(page)
    return page


def wait_ready(page, timeout: float = 45_000) -> None:
    """The script has finished: charts are drawn and the running indicator is gone."""
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(500)


def no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0


def shot(page, name: str) -> None:
    """Save the whole page: Streamlit scrolls an inner container, so grow the viewport to its height."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def tags(page) -> list[str]:
    return page.locator(
        "[data-testid='stSidebar'] [data-testid='stMultiSelect'] [data-tag] > span[title]"
    ).all_inner_texts()


@pytest.mark.parametrize("path", ["/", "/eget_kapital", "/kostnader", "/deltagare", "/hae"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_page_shows_a_chart_and_no_error(server, browser, path, size):
    page = open_page(browser, server + path, DESKTOP if size == "desktop" else PHONE)
    no_errors(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    assert chart.is_visible()
    box = chart.bounding_box()
    viewport = page.viewport_size
    assert box["width"] > 200 and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
    expected = {"/": "57,9", "/eget_kapital": "57,9", "/kostnader": "20,2", "/deltagare": "63,2", "/hae": "13,7"}
    assert expected[path] in page.locator("[data-testid='stPlotlyChart']").all_inner_texts().__str__()
    shot(page, f"{path.strip('/') or 'oversikt'}_{size}")
    page.context.close()


def test_deep_link_opens_exactly_that_view(server, browser):
    link = f"{server}/eget_kapital?forbund=solleftea&ar=2022&vy=kronor"
    page = open_page(browser, link)
    no_errors(page)
    assert page.evaluate("location.href") == link
    assert tags(page) == ["Sollefteå"]
    assert page.get_by_role("heading", name="Eget kapital och taket i kronor").is_visible()
    assert "Sollefteå (2022)" in page.locator("[data-testid='stPlotlyChart']").first.inner_text()
    shot(page, "deep_link_solleftea_kronor")
    page.context.close()


def test_bad_link_gives_a_notice_and_a_working_page(server, browser):
    page = open_page(browser, f"{server}/eget_kapital?forbund=sydnarke&forbund=%3Cb%3Ex%3C%2Fb%3E&ar=abc")
    no_errors(page)
    text = page.locator("[data-testid='stAlertContainer']").all_inner_texts()
    assert any("Förbund: värdet ”<b>x</b>” finns inte" in t for t in text)  # shown as text, not bold
    assert any("År: värdet ”abc” finns inte" in t for t in text)
    assert tags(page) == ["Sydnärke"]
    assert page.evaluate("location.search") == "?forbund=sydnarke"
    page.context.close()


def test_moving_between_pages_keeps_the_selection(server, browser):
    page = open_page(browser, f"{server}/?forbund=sydnarke&forbund=jamtland")
    page.locator("[data-testid='stSidebarNav']").get_by_text("Eget kapital").click()
    page.wait_for_url("**/eget_kapital**")
    wait_ready(page)
    assert tags(page) == ["Sydnärke", "Jämtland"]
    assert "forbund=sydnarke&forbund=jamtland" in page.evaluate("location.search")
    chart_text = page.locator("[data-testid='stPlotlyChart']").first.inner_text()
    assert "Sydnärke (2023)" in chart_text and "Södra Lappland" not in chart_text
    page.context.close()


def test_csv_download_is_swedish_excel(server, browser):
    page = open_page(browser, f"{server}/eget_kapital?forbund=sodra-lappland", downloads=True)
    page.get_by_text("Tabell och nedladdning").first.click()
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV (Excel)").first.click()
    download = info.value
    assert download.suggested_filename == "eget-kapital-andel_sodra-lappland_senaste.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1
    row = rows[0]
    assert (row["Förbund"], row["År"], row["Eget kapital (kr)"], row["Medlemsbidrag (kr)"]) == (
        "Södra Lappland",
        "2023",
        "2173000",
        "3752000",
    )
    assert row["Andel (%)"].startswith("57,915")
    assert row["Andel enligt rapporten (%)"] == "57"
    page.context.close()


def test_embedded_view_shows_the_linked_view_without_controls(server, browser):
    page = open_page(browser, f"{server}/eget_kapital?forbund=sydnarke&embed=true")
    no_errors(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first.inner_text()
    assert "Sydnärke (2023)" in chart and "Jämtland" not in chart
    assert "embed=true" in page.evaluate("location.search")
    shot(page, "embed_sydnarke")
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_profile_and_sources_pages(server, browser, size):
    viewport = DESKTOP if size == "desktop" else PHONE
    page = open_page(browser, f"{server}/profil?forbund=solleftea", viewport)
    no_errors(page)
    assert page.get_by_role("heading", name="Samordningsförbundet i Sollefteå").is_visible()
    assert page.get_by_role("button", name="Ladda ned styrelseunderlag (PDF)").is_visible()
    shot(page, f"profil_{size}")
    page.context.close()
    page = context_for(browser, viewport).new_page()
    page.goto(f"{server}/kallor?forbund=solleftea")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=45_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=45_000)
    no_errors(page)
    assert page.get_by_role("heading", name="Avvikelser att kontrollera").is_visible()
    shot(page, f"kallor_{size}")
    page.context.close()


def test_briefing_download(server, browser):
    page = open_page(browser, f"{server}/profil?forbund=sodra-lappland", downloads=True)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Ladda ned styrelseunderlag (PDF)").click()
    download = info.value
    assert download.suggested_filename == "styrelseunderlag_sodra-lappland_2023.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    page.context.close()
