"""Charts over many förbund and unusual values: a deficit is drawn, not cut off."""

from __future__ import annotations

import polars as pl

from lib import charts
from lib.data import read_build
from lib.views import equity_ranking


def test_a_negative_equity_share_is_drawn_left_of_zero():
    ds = read_build()
    ranking = equity_ranking(ds, ["sydnarke", "solleftea"], "senaste")
    ranking = ranking.with_columns(
        pl.when(pl.col("slug") == "sydnarke").then(-42.0).otherwise(pl.col("Andel (%)")).alias("Andel (%)")
    )
    fig = charts.equity_ranking_chart(ranking)
    low, high = fig.layout.xaxis.range
    assert low == -42.0 * 1.05 and high > 20.6
    assert fig.layout.xaxis.tickvals[0] == -50
    phone = charts.for_phone(fig)
    assert phone.layout.xaxis.range[0] == -42.0 * 1.05


def test_a_deficit_is_drawn_left_of_zero_in_kronor_too():
    ds = read_build()
    ranking = equity_ranking(ds, ["sydnarke", "solleftea"], "senaste").with_columns(
        pl.when(pl.col("slug") == "sydnarke")
        .then(-100_000.0)
        .otherwise(pl.col("Eget kapital (kr)"))
        .alias("Eget kapital (kr)")
    )
    fig = charts.equity_kronor_chart(ranking)
    assert fig.layout.xaxis.range[0] == -100_000.0 * 1.05
    within = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    assert within["Sydnärke (2023)"] == -100_000.0
