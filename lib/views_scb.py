"""View models over SCB's helårsekvivalenter: trends per förbund against Riket, and the reports' own HÅE
figures beside SCB's for the same kommun and period."""

from __future__ import annotations

import polars as pl

from lib import geo
from lib.data import Dataset
from lib.format import fmt_decimal, fmt_int
from lib.schema import FINDINGS_SCHEMA
from lib.views import names

TOTAL_LABEL = "Förbundet totalt (beräknat)"
TREND_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "Serie": pl.String,  # a member kommun, Riket or TOTAL_LABEL
    "kommun_kod": pl.String,
    "År": pl.Int32,
    "Åldersgrupp": pl.String,
    "Andel (%)": pl.Float64,
    "HÅE": pl.Float64,
    "Folkmängd": pl.Float64,
    "Beräknad": pl.Boolean,
    "Anmärkning": pl.String,
    "Hela året": pl.Boolean,  # False: a year so far (fewer than 12 months), never joined to the whole years
}


FROM_MONTHS = "medel av årets 12 månader, beräknat ur SCB:s månadstabell"
KEY = ["kommun_kod", "region", "year", "age_band"]


def year_means(scb: pl.DataFrame) -> pl.DataFrame:
    """The dashboard's yearly figures from SCB's monthly table: per kommun (or Riket), year and age band, the mean
    of the months of HÅE and of Folkmängd, and ``months``: how many months had both (12 for a whole year). SCB's
    monthly share cannot be averaged into a yearly one; the share is mean HÅE ÷ mean population."""
    m = scb.filter(pl.col("month").is_not_null() & pl.col("metric").is_in(["hae_totalt", "folkmangd"]))
    if m.height == 0:
        return pl.DataFrame(
            schema={
                **{k: scb.schema[k] for k in KEY},
                "hae_totalt": pl.Float64,
                "folkmangd": pl.Float64,
                "months": pl.UInt32,
            }
        )
    wide = m.pivot(on="metric", index=[*KEY, "month"], values="value", aggregate_function="first")
    for col in ("hae_totalt", "folkmangd"):
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(col))
    both = wide.filter(pl.col("hae_totalt").is_not_null() & pl.col("folkmangd").is_not_null())
    return both.group_by(KEY).agg(
        pl.col("hae_totalt").mean(), pl.col("folkmangd").mean(), pl.len().cast(pl.UInt32).alias("months")
    )


def yearly_shares(scb: pl.DataFrame, partial: bool = False) -> pl.DataFrame:
    """One row per kommun (or Riket), year and age band: hae_totalt, folkmangd, SCB's hae_andel, and ``share``:
    SCB's share where it states one, else computed from the counts (``share_computed``). Yearly values SCB
    publishes (a file) come first; a year only in the monthly table is the mean of its 12 months
    (``from_months``, ``months``); a year with fewer months is left out unless ``partial``."""
    y = scb.filter(pl.col("month").is_null() & pl.col("metric").is_in(["hae_totalt", "folkmangd", "hae_andel"]))
    wide = (
        y.pivot(on="metric", index=KEY, values="value", aggregate_function="first")
        if y.height
        else pl.DataFrame(schema={k: scb.schema[k] for k in KEY})
    )
    for col in ("hae_totalt", "folkmangd", "hae_andel"):
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(col))
    wide = wide.select(*KEY, "hae_totalt", "folkmangd", "hae_andel").with_columns(
        pl.lit(None, pl.UInt32).alias("months"), pl.lit(False).alias("from_months")
    )
    means = year_means(scb)
    if not partial:
        means = means.filter(pl.col("months") == 12)
    means = means.join(wide.select(KEY), on=KEY, how="anti", nulls_equal=True).select(
        *KEY,
        "hae_totalt",
        "folkmangd",
        pl.lit(None, pl.Float64).alias("hae_andel"),
        "months",
        pl.lit(True).alias("from_months"),
    )
    both = pl.concat([wide, means.cast(wide.schema)]) if means.height else wide
    computed = pl.when(pl.col("folkmangd") > 0).then(100 * pl.col("hae_totalt") / pl.col("folkmangd"))
    return both.with_columns(
        pl.coalesce(pl.col("hae_andel"), computed).alias("share"),
        (pl.col("hae_andel").is_null() & computed.is_not_null()).alias("share_computed"),
    ).sort(KEY)


def scb_trend(ds: Dataset, scb: pl.DataFrame, slugs: list[str]) -> pl.DataFrame:
    """Per förbund: each member kommun's share over the years, Riket's, and the förbund's total (sum of HÅE ÷
    sum of population over all member kommuner, shown only when SCB has every one of them that year)."""
    if scb.height == 0:
        return pl.DataFrame(schema=TREND_COLUMNS)
    nm = names(ds)
    wide = yearly_shares(scb, partial=True)
    rows = []
    for slug in slugs:
        members = ds.kommuner.filter(pl.col("forbund") == slug)
        codes = members["kommun_kod"].to_list()
        if not codes:
            continue
        mine = wide.filter(pl.col("kommun_kod").is_in([*codes, geo.RIKET_CODE]))
        for r in mine.iter_rows(named=True):
            whole = r["months"] is None or r["months"] == 12
            rows.append(
                {
                    "Förbund": nm[slug],
                    "slug": slug,
                    "Serie": r["region"],
                    "kommun_kod": r["kommun_kod"],
                    "År": r["year"],
                    "Åldersgrupp": r["age_band"],
                    "Andel (%)": r["share"],
                    "HÅE": r["hae_totalt"],
                    "Folkmängd": r["folkmangd"],
                    "Beräknad": r["share_computed"] or r["from_months"],
                    "Anmärkning": _note(r),
                    "Hela året": whole,
                }
            )
        kommuner_only = mine.filter(pl.col("kommun_kod") != geo.RIKET_CODE)
        for (year, band, months), grp in kommuner_only.group_by(
            "year", "age_band", pl.col("months").fill_null(12), maintain_order=True
        ):
            have = grp.filter(pl.col("hae_totalt").is_not_null() & pl.col("folkmangd").is_not_null())
            whole = set(have["kommun_kod"].to_list()) == set(codes)
            so_far = f"; hittills i år ({months} mån)" if months != 12 else ""
            total, pop = have["hae_totalt"].sum(), have["folkmangd"].sum()
            rows.append(
                {
                    "Förbund": nm[slug],
                    "slug": slug,
                    "Serie": TOTAL_LABEL,
                    "kommun_kod": None,
                    "År": year,
                    "Åldersgrupp": band,
                    "Andel (%)": 100 * total / pop if whole and pop else None,
                    "HÅE": total if whole else None,
                    "Folkmängd": pop if whole else None,
                    "Beräknad": True,
                    "Anmärkning": (
                        f"summa HÅE ÷ summa folkmängd för {len(codes)} medlemskommuner"
                        if whole
                        else f"SCB har {have.height} av {len(codes)} medlemskommuner: ingen summa"
                    )
                    + so_far,
                    "Hela året": months == 12,
                }
            )
    df = pl.DataFrame(rows, schema=TREND_COLUMNS)
    order = pl.when(pl.col("Serie") == "Riket").then(2).when(pl.col("Serie") == TOTAL_LABEL).then(1).otherwise(0)
    return df.with_columns(order.alias("_o")).sort("slug", "Åldersgrupp", "_o", "Serie", "År").drop("_o")


def _note(r: dict) -> str | None:
    if r["from_months"] and r["months"] != 12:
        return f"hittills i år ({r['months']} mån), medel av månaderna ur SCB:s månadstabell"
    if r["from_months"]:
        return FROM_MONTHS
    if r["share_computed"]:
        return "beräknad ur SCB:s antal"
    return None if r["share"] is not None else "SCB redovisar inget värde"


MONTHLY_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "Serie": pl.String,
    "kommun_kod": pl.String,
    "Månad": pl.Date,
    "Åldersgrupp": pl.String,
    "Andel (%)": pl.Float64,
    "HÅE": pl.Float64,
    "Folkmängd": pl.Float64,
    "Beräknad": pl.Boolean,
    "Anmärkning": pl.String,
}
MONTHS_SHOWN = 36


def monthly_trend(ds: Dataset, scb: pl.DataFrame, slugs: list[str], last: int = MONTHS_SHOWN) -> pl.DataFrame:
    """The last ``last`` months of SCB's monthly table per förbund: each member kommun's share (SCB's own monthly
    share where it gives one), Riket's, and the förbund's total (sum of HÅE ÷ sum of population, computed, only
    for a month SCB has every member kommun)."""
    m = scb.filter(pl.col("month").is_not_null() & pl.col("metric").is_in(["hae_totalt", "folkmangd", "hae_andel"]))
    if m.height == 0:
        return pl.DataFrame(schema=MONTHLY_COLUMNS)
    wide = m.pivot(on="metric", index=[*KEY, "month"], values="value", aggregate_function="first")
    for col in ("hae_totalt", "folkmangd", "hae_andel"):
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(col))
    periods = sorted(set(wide.select("year", "month").rows()))[-last:]
    key = pl.col("year").cast(pl.Int64) * 100 + pl.col("month").cast(pl.Int64)
    wide = wide.filter(key.is_in([y * 100 + mo for y, mo in periods]))
    wide = wide.with_columns(pl.date(pl.col("year"), pl.col("month"), 1).alias("Månad"))
    computed = pl.when(pl.col("folkmangd") > 0).then(100 * pl.col("hae_totalt") / pl.col("folkmangd"))
    wide = wide.with_columns(
        pl.coalesce(pl.col("hae_andel"), computed).alias("share"), pl.col("hae_andel").is_null().alias("computed")
    )
    nm = names(ds)
    parts = []
    for slug in slugs:
        codes = ds.kommuner.filter(pl.col("forbund") == slug)["kommun_kod"].to_list()
        mine = wide.filter(pl.col("kommun_kod").is_in([*codes, geo.RIKET_CODE]))
        if not codes or mine.filter(pl.col("kommun_kod") != geo.RIKET_CODE).height == 0:
            continue
        parts.append(
            mine.select(
                pl.lit(nm[slug]).alias("Förbund"),
                pl.lit(slug).alias("slug"),
                pl.col("region").alias("Serie"),
                "kommun_kod",
                "Månad",
                pl.col("age_band").alias("Åldersgrupp"),
                pl.col("share").alias("Andel (%)"),
                pl.col("hae_totalt").alias("HÅE"),
                pl.col("folkmangd").alias("Folkmängd"),
                pl.col("computed").alias("Beräknad"),
                pl.when(pl.col("computed")).then(pl.lit("beräknad ur SCB:s antal")).alias("Anmärkning"),
            )
        )
        members = mine.filter(pl.col("kommun_kod") != geo.RIKET_CODE)
        total = members.group_by("Månad", "age_band").agg(
            pl.col("hae_totalt").drop_nulls().len().alias("n"), pl.col("hae_totalt").sum(), pl.col("folkmangd").sum()
        )
        whole = pl.col("n") == len(codes)
        parts.append(
            total.select(
                pl.lit(nm[slug]).alias("Förbund"),
                pl.lit(slug).alias("slug"),
                pl.lit(TOTAL_LABEL).alias("Serie"),
                pl.lit(None, pl.String).alias("kommun_kod"),
                "Månad",
                pl.col("age_band").alias("Åldersgrupp"),
                pl.when(whole).then(100 * pl.col("hae_totalt") / pl.col("folkmangd")).alias("Andel (%)"),
                pl.when(whole).then(pl.col("hae_totalt")).alias("HÅE"),
                pl.when(whole).then(pl.col("folkmangd")).alias("Folkmängd"),
                pl.lit(True).alias("Beräknad"),
                pl.when(whole)
                .then(pl.lit(f"summa HÅE ÷ summa folkmängd för {len(codes)} medlemskommuner"))
                .otherwise(pl.lit("SCB saknar någon medlemskommun: ingen summa"))
                .alias("Anmärkning"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=MONTHLY_COLUMNS)
    df = pl.concat([p.cast(MONTHLY_COLUMNS) for p in parts])
    order = pl.when(pl.col("Serie") == "Riket").then(2).when(pl.col("Serie") == TOTAL_LABEL).then(1).otherwise(0)
    return df.with_columns(order.alias("_o")).sort("slug", "Åldersgrupp", "_o", "Serie", "Månad").drop("_o")


COMPARE_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "Kommun": pl.String,
    "Period": pl.String,
    "Mått": pl.String,
    "Rapporten": pl.Float64,
    "SCB": pl.Float64,
    "Skillnad": pl.Float64,
    "Bedömning": pl.String,
    "figure_ids": pl.List(pl.String),
}
COMPARED = {
    "hae_totalt": ("Totalt (HÅE)", 0.5),
    "folkmangd": ("Folkmängd", 0.5),
    "hae_andel": ("Andel (%)", 0.05 + 1e-9),
}


def report_vs_scb(ds: Dataset, scb: pl.DataFrame, slugs: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The reports' printed HÅE totals, populations and shares beside SCB's for the same kommun, year and age
    band; and a finding (FINDINGS_SCHEMA, check "hae_scb") for each that differs beyond the printed rounding.
    Categories are not compared: SCB's table and the reports group etableringsersättning differently."""
    nm = names(ds)
    f = ds.figures.filter(
        pl.col("forbund").is_in(slugs)
        & pl.col("kommun").is_not_null()
        & pl.col("derived_from").is_null()
        & pl.col("metric").is_in(list(COMPARED))
    )
    if f.height == 0:
        return pl.DataFrame(schema=COMPARE_COLUMNS), pl.DataFrame(schema=FINDINGS_SCHEMA)
    wide = yearly_shares(scb) if scb.height else None
    rows, findings = [], []
    for r in f.sort("forbund", "year", "kommun", "metric").iter_rows(named=True):
        label, tol = COMPARED[r["metric"]]
        code = geo.RIKET_CODE if r["kommun"] == "Riket" else (geo.lookup(r["kommun"]) or (None,))[0]
        period = f"{'Helår' if r['period'] == 'helår' else 'Första halvåret'} {r['year']}, {r['age_band']} år"
        scb_value, verdict = None, ""
        if wide is None:
            verdict = "inga SCB-data inlästa"
        elif r["period"] != "helår":
            verdict = "ej jämförbar: SCB:s årstabell har inga halvårsvärden"
        elif code is None:
            verdict = "kommunen finns inte i SCB:s kommunlista"
        else:
            hit = wide.filter(
                (pl.col("kommun_kod") == code) & (pl.col("year") == r["year"]) & (pl.col("age_band") == r["age_band"])
            )
            scb_value = hit[r["metric"]][0] if hit.height else None
            if scb_value is None:
                verdict = "SCB redovisar inget värde"
            elif abs(scb_value - r["value"]) <= tol:
                verdict = "stämmer"
            else:
                verdict = "skiljer sig"
                fmt = fmt_decimal if r["metric"] == "hae_andel" else fmt_int
                findings.append(
                    {
                        "forbund": r["forbund"],
                        "year": r["year"],
                        "check": "hae_scb",
                        "severity": "motsägelse",
                        "description": (
                            f"{label} för {r['kommun']} ({period}): rapporten {fmt(r['value'])}, SCB {fmt(scb_value)}"
                            + (" (medel av SCB:s 12 månader)" if hit["from_months"][0] else "")
                        ),
                        "expected": scb_value,
                        "found": r["value"],
                        "difference": r["value"] - scb_value,
                        "tolerance": tol,
                        "unit": "%" if r["metric"] == "hae_andel" else "HÅE",
                        "figure_ids": [r["figure_id"]],
                        "sources": None,
                    }
                )
        rows.append(
            {
                "Förbund": nm[r["forbund"]],
                "slug": r["forbund"],
                "Kommun": r["kommun"],
                "Period": period,
                "Mått": label,
                "Rapporten": r["value"],
                "SCB": scb_value,
                "Skillnad": None if scb_value is None else r["value"] - scb_value,
                "Bedömning": verdict,
                "figure_ids": [r["figure_id"]],
            }
        )
    return pl.DataFrame(rows, schema=COMPARE_COLUMNS), pl.DataFrame(findings, schema=FINDINGS_SCHEMA)
