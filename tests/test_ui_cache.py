"""The UI edge's shared memo: one view per dataset and arguments, and old datasets let go."""

from __future__ import annotations

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
