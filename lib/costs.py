"""The cost-category mapping: which reported row went to which category, with what amount, and why."""

from __future__ import annotations

import polars as pl

from lib.registry import COST_CATEGORIES, SPLIT_CATEGORY

_JOIN = ["document", "year", "metric", "section", "item"]


def mapped_rows(figures: pl.DataFrame, mappings: pl.DataFrame) -> pl.DataFrame:
    """Mapping rows joined to the outcome figures they name (categories that count, not 'uppdelad')."""
    return with_amounts(figures, mappings).filter(
        pl.col("category").is_in(list(COST_CATEGORIES)) & pl.col("value").is_not_null()
    )


def with_amounts(figures: pl.DataFrame, mappings: pl.DataFrame) -> pl.DataFrame:
    """Every mapping row with the amount it maps (null when the named figure is missing)."""
    outcome = figures.filter((pl.col("basis") == "utfall") & pl.col("derived_from").is_null()).select(
        *_JOIN,
        "forbund",
        "figure_id",
        "value",
        "precision",
        "unit",
        "basis",
        "label",
        "line",
        "period",
        "item_kind",
        "kommun",
        "age_band",
        "definition",
        "qualifier",
        "page",
        "part_of",
        "printed",
        "printed_unit",
        "derived_from",
        "note",
    )
    # Printed splits (Södra Lappland) are mapped by metric with an empty item.
    outcome = outcome.with_columns(pl.col("item").fill_null(""))
    return (
        mappings.with_columns(pl.col("item").fill_null(""))
        .join(outcome.drop("forbund"), on=_JOIN, how="left")
        .with_columns(pl.when(pl.col("item") == "").then(None).otherwise(pl.col("item")).alias("item"))
    )


def unmapped_rows(figures: pl.DataFrame, mappings: pl.DataFrame) -> pl.DataFrame:
    """Outcome rows in a mapped table (same document, section, year, metric) that no mapping row names."""
    mapped_tables = mappings.select("document", "section", "year", "metric").unique()
    named = mappings.select(*_JOIN).with_columns(pl.col("item").fill_null(""))
    candidates = figures.filter(
        (pl.col("basis") == "utfall") & pl.col("item").is_not_null() & pl.col("derived_from").is_null()
    ).join(mapped_tables, on=["document", "section", "year", "metric"], how="semi")
    return candidates.join(named, on=_JOIN, how="anti")


def mapping_table(figures: pl.DataFrame, mappings: pl.DataFrame) -> pl.DataFrame:
    """The mapping as users see it: reported row, amount in kr, category, reason, source line."""
    df = with_amounts(figures, mappings)
    return df.select(
        "forbund",
        "year",
        "document",
        "section",
        "line",
        pl.coalesce("item", "label").alias("reported_row"),
        "item",
        "metric",
        pl.col("value").alias("amount_kr"),
        "category",
        "reason",
        (pl.col("category") == SPLIT_CATEGORY).alias("split_further"),
    ).sort("forbund", "year", "document", "line")
