"""The UI edge's shared memo: one view per dataset and arguments, and old datasets let go."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.scb_fixture import load_fixtures
from tests.test_app import PAGES
from ui import common


def test_a_view_is_built_once_per_dataset_and_old_datasets_are_forgotten(monkeypatch):
    calls = []

    def build(ds, slugs):
        calls.append((ds, tuple(slugs)))
        return [ds, *slugs]

    first, second, third = object(), object(), object()
    current = [first]
    monkeypatch.setattr(common, "dataset", lambda: current[0])
    common._RECENT_DATASETS.clear()
    view = common._view(build, ["sydnarke"])
    assert common._view(build, ["sydnarke"]) is view  # a list argument is keyed as a tuple
    assert common._view(build, ["jamtland"]) is not view
    assert len(calls) == 2
    current[0] = second
    assert common._view(build, ["sydnarke"]) == [second, "sydnarke"]  # a new dataset: built again
    current[0] = third
    common._view(build, ["sydnarke"])
    assert not any(owner is first for owner, _ in common._MEMO.values())  # only the two latest are kept
    assert any(owner is second for owner, _ in common._MEMO.values())
    assert len(calls) == 4


def test_a_chart_over_many_forbund_draws_the_extremes_and_says_so():
    import polars as pl

    from lib.views import capped, hidden_text

    df = pl.DataFrame(
        {
            "slug": [f"f{i:02d}" for i in range(30)] + ["f00"],
            "Andel (%)": [float(i) for i in range(30)] + [99.0],  # f00's second row carries its highest value
        }
    ).with_columns(pl.when(pl.col("slug") == "f05").then(None).otherwise(pl.col("Andel (%)")).alias("Andel (%)"))
    drawn = capped(df, "Andel (%)", n=3)
    # Top: f00 (by its 99), f29, f28; bottom: f01, f02, f03 (f05 has no value and is never an extreme).
    assert sorted(set(drawn["slug"])) == ["f00", "f01", "f02", "f03", "f28", "f29"]
    assert drawn.filter(pl.col("slug") == "f00").height == 2  # all of a förbund's rows stay together
    assert hidden_text(df, drawn, "andel") == (
        "Diagrammet visar de 3 högsta och 3 lägsta av 30 förbund (andel); alla står i tabellen under diagrammet."
    )
    few = df.filter(pl.col("slug").is_in(["f01", "f02"]))
    assert capped(few, "Andel (%)", n=3) is few and hidden_text(few, few, "andel") == ""


@pytest.mark.parametrize(
    "page, params, scb",
    [
        *((p, {}, False) for p in PAGES.values()),
        ("pages/karta.py", {}, False),
        ("pages/hae.py", {}, True),  # the SCB trend and the comparison with the reports
        ("pages/karta.py", {"matt": "hae"}, True),
    ],
)
def test_a_rerun_adds_nothing_to_the_shared_memo(page, params, scb, tmp_path, monkeypatch):
    """Tables, displays and charts are derived from the cached views, so a rerun finds them all: a frame made
    afresh in a page and then shown would miss the memo on every rerun and push useful entries out of it."""
    if scb:
        load_fixtures(tmp_path)
        monkeypatch.setenv("FINSAM_SCB_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.run()
    before = set(common._MEMO)
    at.run()
    assert not at.exception, at.exception
    assert set(common._MEMO) - before == set()
