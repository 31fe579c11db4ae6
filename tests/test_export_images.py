"""Exported chart images as a board member gets them: a title, a subtitle, a source line, 16:9, nothing clipped.

Each chart of the dashboard is exported the way the PNG button does (lib.charts.export_figure) and rendered
with kaleido and Debian's Chromium; the images are saved under test-output/exports/ for a person to look at.
"""

from __future__ import annotations

import io
import shutil

import pytest

from lib import charts, views, views_costs, views_hae, views_participants
from lib.charts import SLIDE, export_figure
from lib.downloads import png_bytes
from tests.conftest import ROOT

OUT = ROOT / "test-output" / "exports"
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium finns inte på den här maskinen")


def _charts(ds, slugs):
    """(name, figure, title, figure ids) for every chart the pages draw, on this selection."""
    out = []
    ranking = views.equity_ranking(ds, slugs, "senaste")
    ids = [f for x in ranking["figure_ids"].to_list() for f in x]
    out.append(("ranking", charts.equity_ranking_chart(ranking), "Eget kapital i andel av medlemsbidraget", ids))
    out.append(("kronor", charts.equity_kronor_chart(ranking), "Eget kapital och taket i kronor", ids))
    trend = views.equity_trend(ds, slugs)
    ceilings = {s: c.pct for s, c in views.ceilings(ds).items()}
    out.append(("trend", charts.equity_trend_chart(trend, ceilings), "Eget kapital över åren", []))
    split = views_costs.cost_split(ds, slugs, "senaste")
    if split.height:
        out.append(("split", charts.cost_split_chart(split), "Kostnadsfördelning", []))
        out.append(("admin", charts.admin_share_chart(split), "Administrationens andel", []))
    use = views_costs.budget_use(ds, slugs, "senaste")
    if use.height:
        out.append(("budget", charts.budget_use_chart(use), "Hur mycket av budgeten användes?", []))
    people = views_participants.participants(ds, slugs, "senaste", True)
    if people.height:
        out.append(("people", charts.participants_chart(people, label_col="Insats"), "Deltagare per insats", []))
    results = views_participants.outcomes(ds, slugs, "senaste")
    if results.height:
        out.append(("outcomes", charts.outcomes_chart(results), "Resultat för avslutade deltagare", []))
    hae = views_hae.hae_table(ds, slugs)
    if hae.height:
        out.append(("hae", charts.hae_share_chart(hae), "Helårsekvivalenter", []))
    return out


def _blank(strip) -> bool:
    return strip.getextrema()[0] > 235  # nothing darker than the background's anti-aliasing


@pytest.mark.parametrize("selection", ["alla", "sodra-lappland"])
def test_every_chart_exports_as_a_titled_sourced_slide_with_nothing_clipped(dataset, selection):
    from PIL import Image

    slugs = list(views.names(dataset)) if selection == "alla" else [selection]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, fig, title, ids in _charts(dataset, slugs):
        source = views.source_line(dataset, ids, "2026-11-26")
        png = png_bytes(export_figure(fig, title=title, subtitle="Undertitel", source=source), *SLIDE)
        (OUT / f"{selection}_{name}.png").write_bytes(png)
        image = Image.open(io.BytesIO(png)).convert("L")
        assert image.size == (SLIDE[0] * 2, SLIDE[1] * 2), name  # 16:9, rendered at twice the size
        w, h = image.size
        edge = 8
        for side, box in {
            "vänster": (0, 0, edge, h),
            "höger": (w - edge, 0, w, h),
            "överkant": (0, 0, w, edge),
            "nederkant": (0, h - edge, w, h),
        }.items():
            assert _blank(image.crop(box)), f"{name}: något når bildens {side} kant (avklippt?)"
        assert not _blank(image.crop((0, 0, w // 2, h // 10))), f"{name}: rubriken saknas"
        assert not _blank(image.crop((0, h - h // 14, w // 2, h))), f"{name}: källraden saknas"


def test_the_export_leaves_room_for_the_longest_label(dataset):
    ranking = views.equity_ranking(dataset, list(views.names(dataset)), "senaste")
    fig = export_figure(charts.equity_ranking_chart(ranking), title="T", source="Källa: x")
    longest = max(len(label) for label in ranking["Förbund"]) + len(" (2023)")
    assert fig.layout.margin.l >= longest * 17 * 0.6  # computed from the labels, not a fixed margin
    assert fig.layout.annotations[-1].text == "Källa: x"
    assert fig.layout.width / fig.layout.height == 16 / 9
