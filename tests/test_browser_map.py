"""The map of Sweden and SCB's HÅE trend as a person sees them (desktop and 390 px phone), on the SCB fixtures."""

from __future__ import annotations

import pytest

from tests.conftest import served
from tests.scb_fixture import load_fixtures
from tests.test_browser import DESKTOP, PHONE, no_errors, open_page, shot, tags, what_people_see

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    scb_dir = tmp_path_factory.mktemp("scb")
    load_fixtures(scb_dir)
    yield from served(env={"FINSAM_SCB_DIR": str(scb_dir)})


def legend(page) -> list[str]:
    return page.locator("[data-testid='stPlotlyChart'] .legendtext").evaluate_all("ts => ts.map(t => t.textContent)")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_map_shows_every_class_and_no_data_apart(server, browser, size):
    page = open_page(browser, server + "/karta", DESKTOP if size == "desktop" else PHONE)
    no_errors(page)
    # 290 kommuner: Jämtland 8, Södra Lappland 7 over the ceiling (> 30 %), Sollefteå 20–30 %, Sydnärke 10–20 %.
    # Every class stays in the legend, also an empty one: the same legend every year.
    assert legend(page) == [
        *("högst 10 % (0)", "10–20 % (4)", "20–30 % (1)", "över 30 % (15)"),
        *("Måttet saknas i rapporten (0)", "Förbundet saknar publicerad årsredovisning (0)"),
        "Kommun utan samordningsförbund i registret (270)",
    ]
    assert page.locator("[data-testid='stPlotlyChart'] path.choroplethlocation").count() == 290 + 21
    what_people_see(page)
    shot(page, f"karta_{size}")
    page.context.close()


def test_the_map_link_keeps_the_measure_and_shows_scb_hae(server, browser):
    page = open_page(browser, server + "/karta?matt=hae&ar=2023")
    no_errors(page)
    # SCB's 2023 20–64 shares of Södra Lappland's seven kommuner (the fixture): 12,0–14,6 %.
    assert legend(page) == ["högst 8 % (0)", "8–11 % (0)", "11–14 % (6)", "över 14 % (1)", "Ingen uppgift (283)"]
    assert "matt=hae" in page.url
    # The whole source under the map, SCB's table and date included (not cut short).
    assert "helårsekvivalenter: SCB, Statistikdatabasen, tabell HE0000T02 (fil hae_20-64.px), hämtad 2024-04-12" in (
        page.locator("[data-testid='stMain']").inner_text()
    )
    shot(page, "karta_hae_desktop")
    page.context.close()


def test_clicking_a_kommun_selects_its_forbund(server, browser):
    page = open_page(browser, server + "/karta")
    # Östersund is Jämtland's: click the middle of its shape.
    target = page.locator("[data-testid='stPlotlyChart'] path.choroplethlocation").nth(_index_of(page, "2380"))
    target.click(force=True)
    page.wait_for_function("() => location.search.includes('forbund=jamtland')", timeout=30_000)
    assert tags(page) == ["Jämtland"]
    page.get_by_text("Valt förbund: Jämtland").wait_for(timeout=30_000)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=stPlotlyChart] .legendtext'))"
        ".some(t => t.textContent === 'Valt förbund (svart kant)')",
        timeout=30_000,
    )
    shot(page, "karta_vald_desktop")
    page.context.close()


def _index_of(page, code: str) -> int:
    """The position of a kommun's shape among the drawn ones (traces in legend order, locations in table order)."""
    return page.evaluate(
        """code => {
          const gd = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
          let i = 0;
          for (const t of gd.data) {
            const at = (t.locations || []).indexOf(code);
            if (at >= 0) return i + at;
            i += (t.locations || []).length;
          }
          return -1;
        }""",
        code,
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_hae_trend_from_scb(server, browser, size):
    page = open_page(browser, server + "/hae?forbund=sodra-lappland", DESKTOP if size == "desktop" else PHONE)
    no_errors(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Utveckling enligt SCB" in main
    assert "SCB, Statistikdatabasen, tabell HE0000T02 (fil hae_20-64.px), hämtad 2024-04-12" in main
    assert "2 uppgifter i rapporterna skiljer sig från SCB:s" in main
    what_people_see(page)
    shot(page, f"hae_scb_{size}")
    page.context.close()
