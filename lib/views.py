"""View models: the tables the pages show, computed from the dataset (pure, no Streamlit)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import polars as pl

from lib.data import Dataset
from lib.derive import best_copy, copy_order
from lib.pyvalues import map_values
from lib.registry import METRICS, OUTCOME_DEFINITIONS

LATEST = "senaste"


def names(ds: Dataset) -> dict[str, str]:
    """Slug → short Swedish name, in the registry's order."""
    return dict(zip(ds.forbund["forbund"], ds.forbund["short_name"], strict=True))


_LATEST: dict[int, tuple[pl.DataFrame, Mapping[str, int]]] = {}


def latest_years(ds: Dataset) -> Mapping[str, int]:
    """Each förbund's latest annual report year (once per documents table: views ask for it per förbund)."""
    docs = ds.documents
    hit = _LATEST.get(id(docs))
    if hit is not None and hit[0] is docs:
        return hit[1]
    reports = docs.filter(pl.col("type") == "årsredovisning")
    latest = MappingProxyType(  # read-only: every caller shares it
        {r["forbund"]: r["year"] for r in reports.group_by("forbund").agg(pl.max("year")).iter_rows(named=True)}
    )
    if len(_LATEST) > 16:
        _LATEST.clear()
    _LATEST[id(docs)] = (docs, latest)  # the frame is kept so its id cannot be reused while cached
    return latest


def year_options(ds: Dataset) -> list[int]:
    """Years for which at least one förbund has an equity ratio from actual figures, newest first."""
    f = ds.figures.filter((pl.col("metric") == "eget_kapital_andel") & (pl.col("basis") == "härledd"))
    return sorted(set(f["year"].to_list()), reverse=True)


def resolve_year(ds: Dataset, slug: str, choice: str) -> int:
    return latest_years(ds)[slug] if choice == LATEST else int(choice)


def coverage_text(ds: Dataset) -> str:
    """ "4 förbund, årsredovisningar 2022–2023 och 1 verksamhetsplan"."""
    docs = ds.documents
    ar = docs.filter(pl.col("type") == "årsredovisning")["year"]
    vp = docs.filter(pl.col("type") == "verksamhetsplan").height
    years = f"{ar.min()}–{ar.max()}" if ar.min() != ar.max() else f"{ar.min()}"
    plans = f" och {vp} verksamhetsplan{'er' if vp != 1 else ''}" if vp else ""
    return f"{ds.forbund.height} förbund, årsredovisningar {years}{plans}"


_INDEX: dict[int, tuple[pl.DataFrame, dict]] = {}


def _index(figures: pl.DataFrame) -> dict[tuple, list[dict]]:
    """Figures grouped for pick(), built once per frame (a 43 000-figure dataset is filtered 0 times)."""
    hit = _INDEX.get(id(figures))
    if hit is not None and hit[0] is figures:
        return hit[1]
    idx: dict[tuple, list[dict]] = defaultdict(list)
    for r in figures.iter_rows(named=True):
        if r["kommun"] is None:
            idx[(r["forbund"], r["year"], r["metric"], r["period"], r["item"], r["basis"])].append(r)
    for rows in idx.values():
        rows.sort(key=copy_order)
    if len(_INDEX) > 16:
        _INDEX.clear()
    _INDEX[id(figures)] = (figures, idx)  # the frame is kept so its id cannot be reused while cached
    return idx


_BY_ID: dict[int, tuple[pl.DataFrame, dict]] = {}


def figures_by_id(figures: pl.DataFrame) -> dict[str, dict]:
    """figure_id → figure, built once per frame."""
    hit = _BY_ID.get(id(figures))
    if hit is not None and hit[0] is figures:
        return hit[1]
    out = {r["figure_id"]: r for r in figures.iter_rows(named=True)}
    if len(_BY_ID) > 16:
        _BY_ID.clear()
    _BY_ID[id(figures)] = (figures, out)
    return out


def pick(
    figures: pl.DataFrame,
    forbund: str,
    year: int,
    metric: str,
    *,
    bases: tuple[str, ...] = ("utfall", "härledd"),
    item: str | None = None,
    period: str = "helår",
) -> dict | None:
    """The figure shown for a förbund-year-metric: the first basis in ``bases`` that has one."""
    idx = _index(figures)
    for basis in bases:
        rows = idx.get((forbund, year, metric, period, item, basis))
        if rows:
            return best_copy(rows)
    return None


def findings_by_figure(ds: Dataset, severities: tuple[str, ...] = ("motsägelse",)) -> dict[str, list[str]]:
    """figure_id → the findings that involve it (for ⚠ marks; 1-kr rounding slips only in the sources)."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in ds.findings.filter(pl.col("severity").is_in(list(severities))).iter_rows(named=True):
        for fid in r["figure_ids"]:
            out[fid].append(r["description"])
    return out


def stated_inputs(ds: Dataset, figure_ids: list[str]) -> list[str]:
    """Follow derived_from down to the printed figures a value rests on."""
    by_id = figures_by_id(ds.figures)
    out: list[str] = []
    stack = list(figure_ids)
    seen: set[str] = set()
    while stack:
        fid = stack.pop(0)
        if fid in seen or fid not in by_id:
            continue
        seen.add(fid)
        derived = by_id[fid]["derived_from"]
        if derived:
            stack.extend(derived.split(" + "))
        else:
            out.append(fid)
    return out


def flags_for(ds: Dataset, figure_ids: list[str], index: dict[str, list[str]] | None = None) -> list[str]:
    """Descriptions of findings touching any printed figure behind these ids."""
    index = findings_by_figure(ds) if index is None else index
    seen: list[str] = []
    for fid in [*figure_ids, *stated_inputs(ds, figure_ids)]:
        for d in index.get(fid, []):
            if d not in seen:
                seen.append(d)
    return seen


SOURCE_KEY = ["forbund", "year", "period", "metric", "basis", "item", "kommun", "age_band"]


def sources_table(ds: Dataset, figure_ids: list[str]) -> pl.DataFrame:
    """Every printed copy of the figures behind the shown ones, with where to find it and any finding."""
    ids = stated_inputs(ds, figure_ids)
    stated = ds.figures.filter(pl.col("derived_from").is_null())
    keys = stated.filter(pl.col("figure_id").is_in(ids)).select(SOURCE_KEY).unique()
    copies = stated.join(keys, on=SOURCE_KEY, how="semi", nulls_equal=True)
    index = findings_by_figure(ds, ("motsägelse", "avrundning"))
    docs = ds.documents.select("document", pl.col("title").alias("Dokument"), "provenance")
    with_docs = copies.join(docs, on="document", how="left")
    flagged = map_values(with_docs["figure_id"], lambda f: " • ".join(index.get(f, [])) or None, pl.String)
    return (
        with_docs.with_columns(
            flagged.alias("Avvikelse"),
            pl.when(pl.col("printed_unit").is_in(["kr", "tkr", "mkr"]))
            .then(pl.concat_str(pl.col("printed"), pl.lit(" "), pl.col("printed_unit")))
            .otherwise(pl.col("printed"))
            .alias("Tryckt värde"),
        )
        .select(
            pl.col("forbund").replace_strict(names(ds), default=pl.col("forbund")).alias("Förbund"),
            pl.col("year").alias("År"),
            pl.col("metric")
            .replace_strict({m: v.label for m, v in METRICS.items()}, default=pl.col("metric"))
            .alias("Mått"),
            "Tryckt värde",
            "Dokument",
            locator_expr().alias("Var i rapporten"),
            pl.col("section").alias("Avsnitt"),
            pl.col("label").alias("Etikett i rapporten"),
            provenance_expr().alias("Ursprung"),
            "Avvikelse",
            pl.col("line").alias("_line"),
        )
        .unique()
        .sort("Förbund", "År", "Mått", "Dokument", "_line")
        .drop("_line")
    )


REVIEW_NOTE = r"(rättad vid granskning, förslaget var [^;]+|tillagd för hand vid granskningen[^;]*)"


def locator_expr() -> pl.Expr:
    """ "s. 22, rad 1 136" (page where the report pins it), else "rad 1 136"."""
    return pl.concat_str(
        pl.when(pl.col("page").is_not_null()).then(pl.format("s. {}, ", pl.col("page"))).otherwise(pl.lit("")),
        pl.lit("rad "),
        grouped_int(pl.col("line")),
    )


def forbund_year_expr() -> pl.Expr:
    """ "Södra Lappland (2023)": a row of a table that has one förbund and year per row."""
    return pl.format("{} ({})", pl.col("Förbund"), pl.col("År")).alias("Förbund (år)")


def grouped_int(n: pl.Expr) -> pl.Expr:
    """1136 → "1 136" (thousands with a no-break space, as lib.format.fmt_int), in Polars: no Python callback
    runs inside the engine (see tests/test_concurrency.py)."""
    thousands = (n // 1000).cast(pl.String)
    rest = (n % 1000).cast(pl.String).str.zfill(3)
    return pl.when(n >= 1000).then(pl.concat_str(thousands, pl.lit("\u00a0"), rest)).otherwise(n.cast(pl.String))


def provenance_expr() -> pl.Expr:
    """ "kurerad i data/ …" or "inläst från x.pdf, granskad av … 2026-11-26", and what the review changed."""
    change = pl.col("note").str.extract(REVIEW_NOTE, 1)
    return (
        pl.when(change.is_not_null())
        .then(pl.concat_str(pl.col("provenance"), pl.lit("; "), change))
        .otherwise(pl.col("provenance"))
    )


@dataclass(frozen=True)
class Ceiling:
    pct: float
    basis: str
    document: str
    line: int
    label: str

    def source(self, ds: Dataset) -> str:
        if not self.document:  # set when the förbund was registered, without a report line behind it
            return self.label
        title = ds.documents.filter(pl.col("document") == self.document)["title"].to_list()
        return f"{title[0] if title else self.document}, rad {self.line}: ”{self.label}”"


def ceilings(ds: Dataset) -> dict[str, Ceiling]:
    return {
        r["forbund"]: Ceiling(
            r["ceiling_pct"], r["ceiling_basis"], r["ceiling_document"], r["ceiling_line"], r["ceiling_label"]
        )
        for r in ds.forbund.iter_rows(named=True)
    }


# -- eget kapital --------------------------------------------------------------------------------

EQUITY_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Eget kapital (kr)": pl.Float64,
    "Medlemsbidrag (kr)": pl.Float64,
    "Andel (%)": pl.Float64,
    "Andel enligt rapporten (%)": pl.Float64,
    "Tak (%)": pl.Float64,
    "Takbelopp (kr)": pl.Float64,
    "Överskjutande kapital (kr)": pl.Float64,
    "Över taket": pl.Boolean,
    "Avvikelser": pl.String,
    "Källa": pl.String,
    "figure_ids": pl.List(pl.String),
}


def short_source(ds: Dataset, rows: list[dict | None]) -> str:
    """'Årsredovisning 2023, rad 41, 85' for the printed figures behind a value."""
    printed: list[dict] = []
    by_id = figures_by_id(ds.figures)
    for r in rows:
        if r is None:
            continue
        if r["derived_from"]:
            printed += [by_id[i] for i in stated_inputs(ds, [r["figure_id"]]) if i in by_id]
        else:
            printed.append(r)
    kinds = dict(zip(ds.documents["document"], ds.documents["type"], strict=True))
    years = dict(zip(ds.documents["document"], ds.documents["year"], strict=True))
    parts: dict[str, list[str]] = {}
    for r in printed:
        doc = f"{kinds.get(r['document'], r['document']).capitalize()} {years.get(r['document'], '')}".strip()
        parts.setdefault(doc, []).append(str(r["line"]))
    return "; ".join(f"{doc}, rad {line_ranges([int(x) for x in lines])}" for doc, lines in parts.items())


def source_line(ds: Dataset, figure_ids: list[str], today: str) -> str:
    """The foot of an exported chart: the documents behind its figures, and where and when it was made."""
    by_id = figures_by_id(ds.figures)
    docs = list(dict.fromkeys(by_id[i]["document"] for i in stated_inputs(ds, figure_ids) if i in by_id))
    titles = dict(zip(ds.documents["document"], ds.documents["title"], strict=True))
    years = dict(zip(ds.documents["document"], ds.documents["year"], strict=True))
    if len(docs) <= 3:
        what = "; ".join(titles.get(d, d) for d in docs)
    else:
        span = sorted({years[d] for d in docs if d in years})
        what = f"{len(docs)} dokument från förbunden ({span[0]}–{span[-1]}); dokument och rad står i tabellen"
    return f"Källa: {what}. Finsam-jämförelsen, {today}." if what else f"Källa: Finsam-jämförelsen, {today}."


def line_ranges(lines: list[int]) -> str:
    """[27, 1284, 1285, 1286] → "27, 1284–1286"."""
    out: list[str] = []
    for n in sorted(set(lines)):
        if out and out[-1].split("–")[-1] == str(n - 1):
            out[-1] = out[-1].split("–")[0] + f"–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def equity_ranking(ds: Dataset, slugs: list[str], choice: str) -> pl.DataFrame:
    """One row per förbund: eget kapital ÷ medlemsbidrag for its year, against its ceiling; highest first."""
    rows = []
    index = findings_by_figure(ds)
    ceil = ceilings(ds)
    nm = names(ds)
    for slug in slugs:
        year = resolve_year(ds, slug, choice)
        share = pick(ds.figures, slug, year, "eget_kapital_andel", bases=("härledd",))
        if share is None:
            continue
        ek = pick(ds.figures, slug, year, "eget_kapital")
        mb = pick(ds.figures, slug, year, "medlemsbidrag")
        stated = pick(ds.figures, slug, year, "eget_kapital_andel", bases=("utfall",))
        c = ceil[slug]
        amount = mb["value"] * c.pct / 100 if mb else None
        ids = [share["figure_id"], *([stated["figure_id"]] if stated else [])]
        rows.append(
            {
                "Förbund": nm[slug],
                "slug": slug,
                "År": year,
                "Eget kapital (kr)": ek["value"] if ek else None,
                "Medlemsbidrag (kr)": mb["value"] if mb else None,
                "Andel (%)": share["value"],
                "Andel enligt rapporten (%)": stated["value"] if stated else None,
                "Tak (%)": c.pct,
                "Takbelopp (kr)": amount,
                "Överskjutande kapital (kr)": max(0.0, ek["value"] - amount) if ek and amount is not None else None,
                "Över taket": share["value"] > c.pct,
                "Avvikelser": " • ".join(flags_for(ds, ids, index)) or None,
                "Källa": short_source(ds, [ek, mb]),
                "figure_ids": ids,
            }
        )
    df = pl.DataFrame(rows, schema=EQUITY_COLUMNS)
    return df.sort("Andel (%)", descending=True)


TREND_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Typ": pl.String,
    "Andel (%)": pl.Float64,
    "Eget kapital (kr)": pl.Float64,
    "Medlemsbidrag (kr)": pl.Float64,
    "Dokument": pl.String,
    "figure_ids": pl.List(pl.String),
}
KIND_LABELS = {"utfall": "Utfall", "härledd": "Härledd", "budget": "Budget", "plan": "Plan"}


def equity_trend(ds: Dataset, slugs: list[str]) -> pl.DataFrame:
    """Equity ratio over the years: Utfall (from printed figures), Härledd (from rolled-back ones), Budget, Plan."""
    nm = names(ds)
    stated_ids = set(ds.figures.filter(pl.col("derived_from").is_null())["figure_id"].to_list())
    by_id = figures_by_id(ds.figures)
    rows = []
    shares = ds.figures.filter(
        pl.col("forbund").is_in(slugs)
        & (pl.col("metric") == "eget_kapital_andel")
        & pl.col("derived_from").is_not_null()
    )
    for r in shares.iter_rows(named=True):
        inputs = r["derived_from"].split(" + ")
        if r["basis"] == "härledd":
            kind = "utfall" if all(i in stated_ids for i in inputs) else "härledd"
        else:
            kind = r["basis"]
        ek = next((by_id[i] for i in inputs if by_id.get(i, {}).get("metric") == "eget_kapital"), None)
        mb = next((by_id[i] for i in inputs if by_id.get(i, {}).get("metric") == "medlemsbidrag"), None)
        rows.append(
            {
                "Förbund": nm[r["forbund"]],
                "slug": r["forbund"],
                "År": r["year"],
                "Typ": KIND_LABELS[kind],
                "Andel (%)": r["value"],
                "Eget kapital (kr)": ek["value"] if ek else None,
                "Medlemsbidrag (kr)": mb["value"] if mb else None,
                "Dokument": r["document"],
                "figure_ids": [r["figure_id"]],
            }
        )
    return pl.DataFrame(rows, schema=TREND_COLUMNS).sort("slug", "År", "Typ")


def plan_sentence(trend: pl.DataFrame, slug: str, ceiling: Ceiling) -> str | None:
    """Whether and when the planned path reaches the ceiling, in plain Swedish (None without a plan)."""
    from lib.format import fmt_pct

    plan = trend.filter((pl.col("slug") == slug) & pl.col("Typ").is_in(["Budget", "Plan"])).sort("År")
    if plan.height == 0:
        return None
    name = plan["Förbund"][0]
    first, last = plan["År"].min(), plan["År"].max()
    below = plan.filter(pl.col("Andel (%)") <= ceiling.pct)
    if below.height:
        year = below["År"][0]
        return (
            f"Enligt verksamhetsplanen når {name} taket {fmt_pct(ceiling.pct, 0)} år {year} "
            f"(planerad andel {fmt_pct(below['Andel (%)'][0])})."
        )
    end = plan.filter(pl.col("År") == last)["Andel (%)"][0]
    return (
        f"Enligt verksamhetsplanen når {name} inte taket {fmt_pct(ceiling.pct, 0)} under planperioden "
        f"{first}–{last}: år {last} är den planerade andelen {fmt_pct(end)}."
    )


# -- översikt ------------------------------------------------------------------------------------

OVERVIEW_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Medlemsbidrag (kr)": pl.Float64,
    "Kostnader (kr)": pl.Float64,
    "Årets resultat (kr)": pl.Float64,
    "Eget kapital andel (%)": pl.Float64,
    "Tak (%)": pl.Float64,
    "Över taket": pl.Boolean,
    "Administration andel (%)": pl.Float64,
    "Deltagare": pl.Float64,
    "Deltagare, anm.": pl.String,
    "Utfall andel (%)": pl.Float64,
    "Utfallets definition": pl.String,
    "Avvikelser": pl.Int64,
    "figure_ids": pl.List(pl.String),
}


def overview(ds: Dataset, slugs: list[str], choice: str) -> pl.DataFrame:
    """One row per förbund for its (latest or chosen) year: the headline numbers and the number of findings."""
    nm = names(ds)
    ceil = ceilings(ds)
    rows = []
    for slug in slugs:
        year = resolve_year(ds, slug, choice)
        got = {
            m: pick(ds.figures, slug, year, m)
            for m in ("medlemsbidrag", "verksamhetens_kostnader", "arets_resultat", "deltagare")
        }
        share = pick(ds.figures, slug, year, "eget_kapital_andel", bases=("härledd",))
        admin = pick(ds.figures, slug, year, "kostnad_administration_andel", bases=("härledd",))
        outcome, definition = None, None
        for metric, dfn in OUTCOME_DEFINITIONS.items():
            o = pick(ds.figures, slug, year, metric + "_andel", bases=("härledd", "utfall"))
            if o:
                outcome, definition = o, o["definition"] or dfn
                break
        part = got["deltagare"]
        ids = [x["figure_id"] for x in (*got.values(), share, admin, outcome) if x]
        rows.append(
            {
                "Förbund": nm[slug],
                "slug": slug,
                "År": year,
                "Medlemsbidrag (kr)": got["medlemsbidrag"]["value"] if got["medlemsbidrag"] else None,
                "Kostnader (kr)": got["verksamhetens_kostnader"]["value"] if got["verksamhetens_kostnader"] else None,
                "Årets resultat (kr)": got["arets_resultat"]["value"] if got["arets_resultat"] else None,
                "Eget kapital andel (%)": share["value"] if share else None,
                "Tak (%)": ceil[slug].pct,
                "Över taket": (share["value"] > ceil[slug].pct) if share else None,
                "Administration andel (%)": admin["value"] if admin else None,
                "Deltagare": part["value"] if part else None,
                "Deltagare, anm.": part["qualifier"] if part else None,
                "Utfall andel (%)": outcome["value"] if outcome else None,
                "Utfallets definition": definition,
                "Avvikelser": ds.findings.filter(pl.col("forbund") == slug).height,
                "figure_ids": ids,
            }
        )
    return pl.DataFrame(rows, schema=OVERVIEW_COLUMNS)


OVERVIEW_SORTS = {
    "andel": ("Eget kapital andel (%)", True),
    "forbund": ("Förbund", False),
    "medlemsbidrag": ("Medlemsbidrag (kr)", True),
    "resultat": ("Årets resultat (kr)", True),
    "administration": ("Administration andel (%)", True),
    "deltagare": ("Deltagare", True),
    "avvikelser": ("Avvikelser", True),
}


def sort_overview(df: pl.DataFrame, key: str) -> pl.DataFrame:
    column, descending = OVERVIEW_SORTS.get(key, OVERVIEW_SORTS["andel"])
    return df.sort(column, descending=descending, nulls_last=True)


CHART_CAP = 10  # a chart over many förbund shows the highest and the lowest this many; the table shows all


def capped(df: pl.DataFrame, by: str, n: int = CHART_CAP) -> pl.DataFrame:
    """The rows of the ``n`` förbund with the highest and the ``n`` with the lowest ``by`` (all of a förbund's rows
    together; förbund without a value last), or all rows when there are at most 2n förbund: 80 bars are not
    readable, the extremes are what a spot check looks for, and the table keeps every förbund."""
    order = (
        df.group_by("slug", maintain_order=True)
        .agg(pl.col(by).max().alias("_v"))
        .sort("_v", descending=True, nulls_last=True)["slug"]
        .to_list()
    )
    if len(order) <= 2 * n:
        return df
    valued = [s for s in order if s in set(df.filter(pl.col(by).is_not_null())["slug"].to_list())]
    keep = set(valued[:n]) | set(valued[-n:]) if len(valued) > 2 * n else set(order[: 2 * n])
    return df.filter(pl.col("slug").is_in(list(keep)))


def hidden_text(df: pl.DataFrame, shown: pl.DataFrame, what: str) -> str:
    """ "Diagrammet visar de 10 högsta och 10 lägsta av 80 förbund (andel); alla står i tabellen." or ""."""
    total, drawn = df["slug"].n_unique(), shown["slug"].n_unique()
    if drawn == total:
        return ""
    return (
        f"Diagrammet visar de {drawn // 2} högsta och {drawn - drawn // 2} lägsta av {total} förbund ({what}); "
        "alla står i tabellen under diagrammet."
    )
