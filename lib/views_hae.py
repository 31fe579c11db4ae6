"""View models for helårsekvivalenter: share and benefit categories per kommun and Riket, per period and age band."""

from __future__ import annotations

import polars as pl

from lib.data import Dataset
from lib.registry import HAE_CATEGORIES, METRICS
from lib.views import names


def period_key(year: int, period: str, band: str) -> str:
    """URL-safe id of a (year, period, age band) series: "2023-halvar1-20-65"."""
    return f"{year}-{'helar' if period == 'helår' else 'halvar1'}-{band.replace('–', '-')}"


def period_label(year: int, period: str, band: str) -> str:
    return f"{'Första halvåret' if period == 'halvår 1' else 'Helår'} {year}, {band} år"


HAE_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "Kommun": pl.String,
    "Period": pl.String,
    "period_key": pl.String,
    "År": pl.Int32,
    "Åldersgrupp": pl.String,
    "Andel (%)": pl.Float64,
    "Andel beräknad (%)": pl.Float64,
    "Totalt (HÅE)": pl.Float64,
    "Folkmängd": pl.Float64,
    **{f"{METRICS[m].label} (HÅE)": pl.Float64 for m in HAE_CATEGORIES},
    "figure_ids": pl.List(pl.String),
}


def hae_table(ds: Dataset, slugs: list[str]) -> pl.DataFrame:
    """One row per förbund, kommun (or Riket) and period series, with share and categories."""
    nm = names(ds)
    f = ds.figures.filter(pl.col("forbund").is_in(slugs) & pl.col("kommun").is_not_null())
    rows = []
    for (slug, kommun, year, period, band), grp in f.group_by(
        ["forbund", "kommun", "year", "period", "age_band"], maintain_order=True
    ):
        get = {}
        for r in grp.iter_rows(named=True):
            key = (r["metric"], r["derived_from"] is None)
            get.setdefault(key, r)
        computed = get.get(("hae_andel", False))
        stated = get.get(("hae_andel", True))
        total, pop = get.get(("hae_totalt", True)), get.get(("folkmangd", True))
        row = {
            "Förbund": nm[slug],
            "slug": slug,
            "Kommun": kommun,
            "Period": period_label(year, period, band),
            "period_key": period_key(year, period, band),
            "År": year,
            "Åldersgrupp": band,
            # SCB's printed share comes from unrounded counts: show it; ours from rounded counts is the check.
            "Andel (%)": (stated or computed)["value"] if (stated or computed) else None,
            "Andel beräknad (%)": computed["value"] if computed else None,
            "Totalt (HÅE)": total["value"] if total else None,
            "Folkmängd": pop["value"] if pop else None,
            "figure_ids": [r["figure_id"] for r in grp.iter_rows(named=True)],
        }
        for m in HAE_CATEGORIES:
            c = get.get((m, True))
            row[f"{METRICS[m].label} (HÅE)"] = c["value"] if c else None
        rows.append(row)
    df = pl.DataFrame(rows, schema=HAE_COLUMNS)
    # Riket last as the reference; series in time order.
    return (
        df.with_columns((pl.col("Kommun") == "Riket").alias("_riket"))
        .sort("slug", "_riket", "Kommun", "År")
        .drop("_riket")
    )


def hae_periods(df: pl.DataFrame) -> dict[str, str]:
    """period_key → label, newest first."""
    p = df.select("period_key", "Period", "År").unique().sort("År", descending=True)
    return dict(zip(p["period_key"], p["Period"], strict=True))


def hae_change(df: pl.DataFrame) -> pl.DataFrame:
    """Share per kommun in each series side by side, with the difference — marked as not comparable
    when the series differ in period length or age band (they always do in the seeds)."""
    periods = df.select("period_key", "Period", "År", "Åldersgrupp").unique().sort("År")
    if periods.height < 2:
        return pl.DataFrame()
    first, last = periods.row(0, named=True), periods.row(-1, named=True)
    wide = df.pivot(on="period_key", index=["Förbund", "Kommun"], values="Andel (%)")
    same_length = ("Helår" in first["Period"]) == ("Helår" in last["Period"])
    comparable = first["Åldersgrupp"] == last["Åldersgrupp"] and same_length
    return wide.select(
        "Förbund",
        "Kommun",
        pl.col(first["period_key"]).alias(f"{first['Period']} (%)"),
        pl.col(last["period_key"]).alias(f"{last['Period']} (%)"),
        (pl.col(last["period_key"]) - pl.col(first["period_key"])).alias("Skillnad (procentenheter)"),
        pl.lit("jämförbar" if comparable else "ej jämförbar: olika periodlängd och åldersgrupp").alias("Jämförbarhet"),
    )
