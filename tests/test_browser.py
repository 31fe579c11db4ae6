"""What a person sees: the app served by Streamlit and opened in headless Chromium (Debian's)."""

from __future__ import annotations

import csv
import io
import re
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


def click_when_still(page, locator, timeout: float = 30_000) -> None:
    """Click ``locator`` once it has stopped moving. An expander lays out its table after it opens; on a busy
    machine Playwright's click could land where the button was a moment before (on the table), and the
    download never started (CI, 1 in 5 tries with both cores busy; 0 in 30 after waiting like this)."""
    last, still, step = None, 0, 150
    for _ in range(int(timeout // step)):
        box = locator.bounding_box()
        still = still + 1 if box and box == last else 0
        if still >= 3:
            break
        last = box
        page.wait_for_timeout(step)
    locator.click()


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


RAW = re.compile(r"(?<![\w-])(None|nan|NaN|null|true|false|True|False)(?![\w-])")
BROKEN_WORDS = """() => {
  const out = [];
  const main = document.querySelector('[data-testid=stMain]');
  for (const h of main.querySelectorAll('h1, h2, h3')) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.textContent))) {
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
        if (tops.size > 1) out.push(m[0] + ' (' + h.tagName + ': ' + h.textContent.slice(0, 60) + ')');
      }
    }
  }
  return out;
}"""
TEXT_OUTSIDE_CHART = """() => {
  const out = [];
  for (const chart of document.querySelectorAll('[data-testid=stPlotlyChart]')) {
    const plot = chart.querySelector('.js-plotly-plot');
    if (!plot) continue;
    const box = plot.getBoundingClientRect();
    for (const t of plot.querySelectorAll('svg text')) {
      const b = t.getBoundingClientRect();
      if (!t.textContent.trim() || b.width === 0) continue;
      if (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1) {
        out.push(t.textContent);
      }
    }
  }
  return out;
}"""


def what_people_see(page) -> None:
    """What a person would call a bug even when the numbers are right: raw values, a heading broken inside a
    word, Plotly's toolbar over the chart, a chart's text cut at its edge."""
    text = page.locator("[data-testid='stMain']").inner_text()
    cells = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-testid=stDataFrame] td, [data-testid=stDataFrame] th'))"
        ".map(c => c.innerText)"
    )
    assert RAW.findall(text + "\n" + "\n".join(cells)) == []
    assert page.evaluate(BROKEN_WORDS) == []
    assert page.locator(".modebar").count() == 0
    assert page.evaluate(TEXT_OUTSIDE_CHART) == []


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
    what_people_see(page)
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
    page.locator(".st-key-meny").get_by_role("link", name="Eget kapital").click()
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
        click_when_still(page, page.get_by_role("button", name="CSV (Excel)").first)
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
    assert row["Andel (%)"] == "57,9"  # rounded as a share is printed, never 57,9158…
    assert row["Andel enligt rapporten (%)"] == "57"
    assert row["Över taket"] == "ja"
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
    what_people_see(page)
    shot(page, f"profil_{size}")
    page.context.close()
    page = context_for(browser, viewport).new_page()
    page.goto(f"{server}/kallor?forbund=solleftea")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=45_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=45_000)
    no_errors(page)
    assert page.get_by_role("heading", name="Avvikelser att kontrollera").is_visible()
    what_people_see(page)
    shot(page, f"kallor_{size}")
    page.context.close()


def test_briefing_download(server, browser):
    page = open_page(browser, f"{server}/profil?forbund=sodra-lappland", downloads=True)
    with page.expect_download(timeout=60_000) as info:
        click_when_still(page, page.get_by_role("button", name="Ladda ned styrelseunderlag (PDF)"))
    download = info.value
    assert download.suggested_filename == "styrelseunderlag_sodra-lappland_2023.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_ranking_reads_highest_first_with_the_excess(server, browser, size):
    page = open_page(browser, f"{server}/eget_kapital", DESKTOP if size == "desktop" else PHONE)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    names = chart.evaluate(
        """c => Array.from(c.querySelectorAll('svg text'))
             .filter(t => /\\(20\\d\\d\\)$/.test(t.textContent))
             .map(t => [t.getBoundingClientRect().top, t.textContent])
             .sort((a, b) => a[0] - b[0]).map(x => x[1])"""
    )
    assert names == ["Södra Lappland (2023)", "Jämtland (2022)", "Sollefteå (2023)", "Sydnärke (2023)"]
    text = chart.inner_text().replace("\u00a0", " ")
    if size == "desktop":
        assert "57,9 % · 37,9 p.e. · 1 422 600 kr över taket" in text
    else:
        assert "57,9 % · 1,4 mkr över" in text and "20,6 % · 18 tkr över" in text
    page.context.close()


def test_the_png_button_gives_a_titled_slide(server, browser):
    from PIL import Image

    page = open_page(browser, f"{server}/eget_kapital?forbund=sydnarke&forbund=jamtland", downloads=True)
    page.get_by_text("Tabell och nedladdning").first.click()
    with page.expect_download(timeout=90_000) as info:
        click_when_still(page, page.get_by_role("button", name="Bild (PNG)").first)
    image = Image.open(info.value.path()).convert("L")
    assert image.size == (3200, 1800)  # 16:9 at twice the size
    w, h = image.size
    assert image.crop((0, 0, w // 2, h // 10)).getextrema()[0] < 100  # a title
    assert image.crop((0, h - h // 14, w // 2, h)).getextrema()[0] < 200  # a source line
    assert all(
        image.crop(box).getextrema()[0] > 235 for box in ((0, 0, 8, h), (w - 8, 0, w, h), (0, h - 8, w, h))
    )  # nothing reaches an edge
    image.save(SHOTS / "png_download_eget_kapital.png")
    page.context.close()
