"""View models for the cost page: the three-way split, the mapping behind it, and budget use."""

from __future__ import annotations

import polars as pl

from lib.data import Dataset
from lib.derive import representatives
from lib.registry import COST_CATEGORIES, SPLIT_CATEGORY
from lib.views import findings_by_figure, flags_for, names, pick, resolve_year

CATEGORY_LABELS = {
    "administration": "Administration",
    "individinriktat": "Individinriktade insatser",
    "strukturovergripande": "Strukturövergripande insatser",
    "ej_fordelad": "Ej fördelbar",
}

SPLIT_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    **{f"{CATEGORY_LABELS[c]} (kr)": pl.Float64 for c in COST_CATEGORIES},
    **{f"{CATEGORY_LABELS[c]} (%)": pl.Float64 for c in COST_CATEGORIES},
    "Summa kategorier (kr)": pl.Float64,
    "Verksamhetens kostnader (kr)": pl.Float64,
    "Fördelning": pl.String,
    "Avvikelser": pl.String,
    "figure_ids": pl.List(pl.String),
}


def cost_split(ds: Dataset, slugs: list[str], choice: str) -> pl.DataFrame:
    """Per förbund and year: the amount and share of each category; how the split was obtained."""
    nm = names(ds)
    index = findings_by_figure(ds)
    rows = []
    for slug in slugs:
        year = resolve_year(ds, slug, choice)
        parts = {c: pick(ds.figures, slug, year, m) for c, m in COST_CATEGORIES.items()}
        if not any(parts.values()):
            continue
        total = sum(p["value"] for p in parts.values() if p)
        costs = pick(ds.figures, slug, year, "verksamhetens_kostnader", bases=("utfall",))
        printed = any(p and p["derived_from"] is None for p in parts.values())
        n_rows = ds.mappings.filter(
            (pl.col("forbund") == slug) & (pl.col("year") == year) & (pl.col("category") != SPLIT_CATEGORY)
        ).height
        ids = [p["figure_id"] for p in parts.values() if p] + ([costs["figure_id"]] if costs else [])
        row = {
            "Förbund": nm[slug],
            "slug": slug,
            "År": year,
            "Summa kategorier (kr)": total,
            "Verksamhetens kostnader (kr)": costs["value"] if costs else None,
            "Fördelning": "tryckt i rapporten" if printed else f"mappad från {n_rows} rader i rapporten",
            "Avvikelser": " • ".join(flags_for(ds, ids, index)) or None,
            "figure_ids": ids,
        }
        for c in COST_CATEGORIES:
            p = parts[c]
            row[f"{CATEGORY_LABELS[c]} (kr)"] = p["value"] if p else None
            row[f"{CATEGORY_LABELS[c]} (%)"] = 100 * p["value"] / total if p and total else None
        rows.append(row)
    return pl.DataFrame(rows, schema=SPLIT_COLUMNS)


def mapping_rows(ds: Dataset, slug: str, year: int) -> pl.DataFrame:
    """The reported rows behind one förbund-year's split: amount, category and the reason."""
    m = ds.mappings.filter((pl.col("forbund") == slug) & (pl.col("year") == year))
    return m.select(
        pl.col("reported_row").alias("Rad i rapporten"),
        pl.col("amount_kr").alias("Belopp (kr)"),
        pl.col("category")
        .replace_strict({**CATEGORY_LABELS, SPLIT_CATEGORY: "Delas upp (se raderna under)"}, default=pl.col("category"))
        .alias("Kategori"),
        pl.col("reason").alias("Skäl"),
        pl.col("section").alias("Avsnitt"),
        pl.col("line").alias("Rad"),
    )


BUDGET_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Rad": pl.String,
    "Budget (kr)": pl.Float64,
    "Utfall (kr)": pl.Float64,
    "Förbrukat (%)": pl.Float64,
    "Outnyttjat (kr)": pl.Float64,
    "Dokument": pl.String,
    "Avvikelser": pl.String,
    "figure_ids": pl.List(pl.String),
}


def budget_use(ds: Dataset, slugs: list[str], choice: str) -> pl.DataFrame:
    """Outcome against budget per row or insats, both taken from the same report (its own budget)."""
    nm = names(ds)
    index = findings_by_figure(ds)
    f = ds.figures.filter(pl.col("derived_from").is_null() & pl.col("forbund").is_in(slugs))
    rows = []
    for slug in slugs:
        year = resolve_year(ds, slug, choice)
        mine = f.filter(
            (pl.col("forbund") == slug)
            & (pl.col("year") == year)
            & (
                (pl.col("metric") == "drift_kostnad")
                | ((pl.col("metric") == "verksamhetens_kostnader") & pl.col("item").is_null())
            )
        )
        docs = ds.documents.filter(pl.col("type") == "årsredovisning")["document"].to_list()
        mine = mine.filter(pl.col("document").is_in(docs))
        subtotals = set(mine["part_of"].drop_nulls().to_list())
        for (document, metric, item), grp in mine.group_by(["document", "metric", "item"], maintain_order=True):
            by = {b: representatives(grp.filter(pl.col("basis") == b)) for b in ("utfall", "budget")}
            if by["utfall"].height == 0 or by["budget"].height == 0:
                continue
            if (metric == "drift_kostnad" and item is None) or item in subtotals:
                continue  # totals and sub-totals: the rows under them are listed instead
            u, b = by["utfall"].row(0, named=True), by["budget"].row(0, named=True)
            if u["value"] == 0 and b["value"] == 0:
                continue
            label = item or "Verksamhetens kostnader totalt"
            rows.append(
                {
                    "Förbund": nm[slug],
                    "slug": slug,
                    "År": year,
                    "Rad": label,
                    "Budget (kr)": b["value"],
                    "Utfall (kr)": u["value"],
                    "Förbrukat (%)": 100 * u["value"] / b["value"] if b["value"] else None,
                    "Outnyttjat (kr)": b["value"] - u["value"],
                    "Dokument": document,
                    "Avvikelser": " • ".join(flags_for(ds, [u["figure_id"], b["figure_id"]], index)) or None,
                    "figure_ids": [u["figure_id"], b["figure_id"]],
                }
            )
    df = pl.DataFrame(rows, schema=BUDGET_COLUMNS)
    # Sub-rows of a row also listed (Sollefteå's "Summa insatser") stay; the total goes last per förbund.
    return (
        df.with_columns((pl.col("Rad") == "Verksamhetens kostnader totalt").alias("_t"))
        .sort("Förbund", "_t", "Förbrukat (%)")
        .drop("_t")
    )
