"""View models for one förbund's profile: key numbers with rank and comparison, members, findings, all figures."""

from __future__ import annotations

import polars as pl

from lib.checks import CHECK_LABELS
from lib.data import Dataset
from lib.derive import representatives
from lib.format import fmt_decimal, fmt_kr, fmt_pct
from lib.registry import METRICS
from lib.views import latest_years, locator_expr, names, pick

# (metric, bases to try, higher is "more") — ranks are positions, not judgements.
KEY_METRICS: list[tuple[str, tuple[str, ...]]] = [
    ("medlemsbidrag", ("utfall", "härledd")),
    ("verksamhetens_kostnader", ("utfall",)),
    ("arets_resultat", ("utfall",)),
    ("eget_kapital", ("utfall", "härledd")),
    ("eget_kapital_andel", ("härledd",)),
    ("kostnad_administration_andel", ("härledd",)),
    ("deltagare", ("utfall", "härledd")),
]

KEY_COLUMNS = {
    "Mått": pl.String,
    "metric": pl.String,
    "Enhet": pl.String,
    "År": pl.Int32,
    "Värde": pl.Float64,
    "Året före": pl.Float64,
    "Placering": pl.String,
    "Snitt övriga förbund": pl.Float64,
    "Snittet omfattar": pl.String,  # "3 förbund, 2022–2023": an average says which years it mixes
    "Jämförbart förbund": pl.String,
    "Jämförbart förbunds värde": pl.Float64,
    "figure_ids": pl.List(pl.String),
}


def profile_year(ds: Dataset, slug: str, choice: str) -> int:
    return latest_years(ds)[slug] if choice == "senaste" else int(choice)


def peer(ds: Dataset, slug: str, choice: str) -> str | None:
    """The förbund whose medlemsbidrag is closest (a simple, stated peer rule)."""
    mine = pick(ds.figures, slug, profile_year(ds, slug, choice), "medlemsbidrag")
    if mine is None:
        return None
    best, gap = None, None
    for other in names(ds):
        if other == slug:
            continue
        theirs = pick(ds.figures, other, profile_year(ds, other, choice), "medlemsbidrag")
        if theirs is not None and (gap is None or abs(theirs["value"] - mine["value"]) < gap):
            best, gap = other, abs(theirs["value"] - mine["value"])
    return best


def key_numbers(ds: Dataset, slug: str, choice: str) -> pl.DataFrame:
    """This year and the year before, the position among all förbund, the others' unweighted average, a peer."""
    nm = names(ds)
    year = profile_year(ds, slug, choice)
    buddy = peer(ds, slug, choice)
    rows = []
    for metric, bases in KEY_METRICS:
        mine = pick(ds.figures, slug, year, metric, bases=bases)
        before = pick(ds.figures, slug, year - 1, metric, bases=bases)
        values, years = {}, {}
        for other in nm:
            other_year = profile_year(ds, other, choice)
            r = pick(ds.figures, other, other_year, metric, bases=bases)
            if r is not None:
                values[other] = r["value"]
                years[other] = other_year
        others = [v for k, v in values.items() if k != slug]
        spread = sorted({y for k, y in years.items() if k != slug})
        span = f"{spread[0]}–{spread[-1]}" if len(spread) > 1 else f"{spread[0]}" if spread else ""
        ranked = sorted(values, key=lambda k: -values[k])
        rows.append(
            {
                "Mått": METRICS[metric].label,
                "metric": metric,
                "Enhet": METRICS[metric].unit,
                "År": year,
                "Värde": mine["value"] if mine else None,
                "Året före": before["value"] if before else None,
                "Placering": f"{ranked.index(slug) + 1} av {len(ranked)} (högst först)" if slug in values else None,
                "Snitt övriga förbund": sum(others) / len(others) if others else None,
                "Snittet omfattar": f"{len(others)} förbund, {span}" if others else None,
                "Jämförbart förbund": nm[buddy] if buddy else None,
                "Jämförbart förbunds värde": values.get(buddy) if buddy else None,
                "figure_ids": [x["figure_id"] for x in (mine, before) if x],
            }
        )
    return pl.DataFrame(rows, schema=KEY_COLUMNS)


def contributions(ds: Dataset, slug: str, year: int) -> pl.DataFrame:
    """Each member's contribution as the report lists it (one table, the notes preferred)."""
    f = ds.figures.filter(
        (pl.col("forbund") == slug)
        & (pl.col("year") == year)
        & (pl.col("metric") == "medlemsbidrag")
        & (pl.col("item_kind") == "medlem")
        & pl.col("derived_from").is_null()
        & (pl.col("basis") == "utfall")
    )
    if f.height == 0:
        return pl.DataFrame(
            schema={
                "Medlem": pl.String,
                "Bidrag (kr)": pl.Float64,
                "Andel (%)": pl.Float64,
                "Rad": pl.Int32,
                "figure_ids": pl.List(pl.String),
            }
        )
    # Several tables may list contributions; take the one with the most members, then the finest precision.
    best = (
        f.group_by("section")
        .agg(pl.len().alias("n"), pl.min("precision").alias("p"))
        .sort(["n", "p"], descending=[True, False])["section"][0]
    )
    t = representatives(f.filter(pl.col("section") == best)).sort("value", descending=True)
    total = t["value"].sum()
    return t.select(
        pl.col("item").alias("Medlem"),
        pl.col("value").alias("Bidrag (kr)"),
        (100 * pl.col("value") / total).alias("Andel (%)"),
        pl.col("line").alias("Rad"),
        pl.concat_list(pl.col("figure_id")).alias("figure_ids"),
    )


def document_names(ds: Dataset) -> dict[str, str]:
    """document id → how a person names it: "årsredovisning 2023" (with the förbund where ids would clash)."""
    out = {}
    for r in ds.documents.iter_rows(named=True):
        out[r["document"]] = f"{r['type']} {r['year']}"
    return out


def readable_documents(ds: Dataset, text: pl.Expr) -> pl.Expr:
    """Document ids in a finding's text ("[sydnarke-ar-2023]", "sodra-lappland-vp-2024 rad 537") as names."""
    for doc, name in sorted(document_names(ds).items(), key=lambda kv: -len(kv[0])):
        text = text.str.replace_all(f"[{doc}]", f"[{name}]", literal=True).str.replace_all(doc, name, literal=True)
    return text


def findings_table(ds: Dataset, slugs: list[str] | None = None, checks: list[str] | None = None) -> pl.DataFrame:
    """Findings as people read them: both values, the difference and both sources."""
    f = ds.findings
    if slugs is not None:
        f = f.filter(pl.col("forbund").is_in(slugs))
    if checks:
        f = f.filter(pl.col("check").is_in(checks))
    nm = names(ds)
    return f.select(
        pl.col("forbund").replace_strict(nm, default=pl.col("forbund")).alias("Förbund"),
        pl.col("year").alias("År"),
        pl.col("check").replace_strict(CHECK_LABELS, default=pl.col("check")).alias("Kontroll"),
        pl.col("severity").alias("Allvar"),
        readable_documents(ds, pl.col("description")).alias("Beskrivning"),
        pl.col("expected").alias("Väntat"),
        pl.col("found").alias("Angivet"),
        pl.col("difference").alias("Skillnad"),
        pl.col("unit").alias("Enhet"),
        pl.col("sources").alias("Källor"),
        "figure_ids",
    )


def all_figures(ds: Dataset, slug: str, query: str = "") -> pl.DataFrame:
    """Every figure of a förbund as people read it (the value in its unit, the document by name, where it stands,
    how a derived value was made), searchable by any of it, e.g. "kansli", "2022" or "rad 1 186"."""
    docs = ds.documents.select(
        "document", (pl.col("type").str.to_titlecase() + pl.lit(" ") + pl.col("year").cast(pl.String)).alias("_doc")
    )
    f = ds.figures.filter(pl.col("forbund") == slug).join(docs, on="document", how="left", maintain_order="left")
    values = [
        fmt_kr(v) if u == "kr" else fmt_pct(v, 2 if v is not None and round(v, 1) != v else 1) if u == "%" else
        f"{fmt_decimal(v, 0 if v is None or v == int(v) else 1)} {u}"
        for v, u in zip(f["value"], f["unit"], strict=True)
    ]  # fmt: skip
    out = f.with_columns(pl.Series("_value", values, dtype=pl.String)).select(
        pl.col("year").alias("År"),
        pl.col("metric")
        .replace_strict({m: v.label for m, v in METRICS.items()}, default=pl.col("metric"))
        .alias("Mått"),
        pl.col("item").fill_null("").alias("Post/insats"),
        pl.col("kommun").fill_null("").alias("Kommun"),
        pl.col("_value").alias("Värde"),
        pl.col("basis").alias("Grund"),
        pl.col("_doc").fill_null("").alias("Dokument"),
        pl.when(pl.col("derived_from").is_null()).then(locator_expr()).otherwise(pl.lit("")).alias("Var i rapporten"),
        pl.col("label").fill_null("").alias("Etikett i rapporten"),
        pl.col("printed").fill_null("").alias("Tryckt"),
        pl.when(pl.col("derived_from").is_not_null())
        .then(pl.lit("härledd: ") + pl.col("note").fill_null("beräknad ur förbundets uppgifter"))
        .otherwise(pl.lit("tryckt"))
        .alias("Härledd eller tryckt"),
        pl.col("line").alias("_line"),
    )
    q = query.strip().lower()
    if q:
        hay = (
            pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in out.columns if c != "_line"], separator=" ")
            .str.to_lowercase()
            .str.replace_all("\u00a0", " ", literal=True)
        )
        # "rad 1186" finds "rad 1 186": digits are compared without their thousands spaces too.
        bare = q.replace(" ", "")
        squeezed = hay.str.replace_all(" ", "", literal=True)
        out = out.filter(hay.str.contains(q, literal=True) | squeezed.str.contains(bare, literal=True))
    return out.sort("År", "Mått", "Dokument", "_line", descending=[True, False, False, False], nulls_last=True).drop(
        "_line"
    )


def document_contributions(ds: Dataset) -> pl.DataFrame:
    """What each document contributed: how many printed figures, by group, and how many findings touch it."""
    stated = ds.figures.filter(pl.col("derived_from").is_null())
    groups = stated.with_columns(
        pl.col("metric").replace_strict({m: v.group for m, v in METRICS.items()}, default="övrigt").alias("grupp")
    )
    counts = groups.group_by("document", "grupp").len().pivot(on="grupp", index="document", values="len").fill_null(0)
    touched = (
        ds.findings.with_row_index("_finding")
        .explode("figure_ids")
        .with_columns(pl.col("figure_ids").str.split(":").list.first().alias("document"))
        .group_by("document")
        .agg(pl.col("_finding").n_unique().alias("Avvikelser"))
    )
    docs = ds.documents.select(
        "document",
        pl.col("forbund").replace_strict(names(ds), default=pl.col("forbund")).alias("Förbund"),
        pl.col("type").alias("Typ"),
        pl.col("year").alias("År"),
        pl.col("title").alias("Titel"),
        pl.col("adopted").cast(pl.String).fill_null("anges inte").alias("Fastställd"),
        pl.col("source_file").alias("Fil"),
        pl.col("provenance").alias("Ursprung"),
    )
    total = stated.group_by("document").len().rename({"len": "Uppgifter"})
    return (
        docs.join(total, on="document", how="left")
        .join(counts, on="document", how="left")
        .join(touched, on="document", how="left")
        .with_columns(pl.col("Avvikelser").fill_null(0))
    )


HISTORY_ACTIONS = {
    "registrera": "Registrerade förbundet",
    "publicera": "Publicerade",
    "ersätt": "Ersatte med ny version",
    "dra tillbaka": "Drog tillbaka",
    "register": "Ändrade förbundsregistret",
}


def publication_history(ds: Dataset) -> pl.DataFrame:
    """The store's append-only log as people read it, newest first."""
    h = ds.history.filter(pl.col("action").is_in(list(HISTORY_ACTIONS)))
    return h.sort("id", descending=True).select(
        pl.col("at").str.slice(0, 16).str.replace("T", " ").alias("Tid (UTC)"),
        pl.col("action").replace_strict(HISTORY_ACTIONS, default=pl.col("action")).alias("Händelse"),
        pl.col("forbund").replace_strict(names(ds), default=pl.col("forbund")).alias("Förbund"),
        pl.col("document").fill_null("").alias("Dokument"),
        pl.col("version").cast(pl.String).fill_null("").alias("Version"),
        pl.col("editor").alias("Redaktör"),
        pl.col("comment").fill_null("").alias("Kommentar"),
    )
