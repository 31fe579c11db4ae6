"""Table schemas (dtypes, required columns, keys, allowed values) and validation at the edges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from lib.registry import AGE_BANDS, BASES, FORBUND_SLUGS, ITEM_KINDS, METRICS, PERIODS

# The compiled, tidy figures table: one row a figure.
FIGURES_SCHEMA: dict[str, pl.DataType] = {
    "figure_id": pl.String(),
    "forbund": pl.String(),
    "document": pl.String(),
    "year": pl.Int32(),
    "period": pl.String(),
    "metric": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "basis": pl.String(),
    "item": pl.String(),
    "item_kind": pl.String(),
    "part_of": pl.String(),
    "kommun": pl.String(),
    "age_band": pl.String(),
    "definition": pl.String(),
    "qualifier": pl.String(),
    "precision": pl.Float64(),
    "printed": pl.String(),
    "printed_unit": pl.String(),
    "section": pl.String(),
    "line": pl.Int32(),
    "page": pl.Int32(),
    "label": pl.String(),
    "derived_from": pl.String(),
    "note": pl.String(),
}

FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    "forbund": pl.String(),
    "year": pl.Int32(),
    "check": pl.String(),
    "severity": pl.String(),
    "description": pl.String(),
    "expected": pl.Float64(),
    "found": pl.Float64(),
    "difference": pl.Float64(),
    "tolerance": pl.Float64(),
    "unit": pl.String(),
    "figure_ids": pl.List(pl.String()),
    "sources": pl.String(),
}

MAPPINGS_SCHEMA: dict[str, pl.DataType] = {
    "forbund": pl.String(),
    "document": pl.String(),
    "year": pl.Int32(),
    "metric": pl.String(),
    "section": pl.String(),
    "item": pl.String(),
    "category": pl.String(),
    "reason": pl.String(),
    "line": pl.Int32(),
}

DOCUMENTS_SCHEMA: dict[str, pl.DataType] = {
    "document": pl.String(),
    "forbund": pl.String(),
    "type": pl.String(),
    "year": pl.Int32(),
    "title": pl.String(),
    "adopted": pl.Date(),
    "adopted_line": pl.Int32(),
    "source_file": pl.String(),
    "amounts_unit": pl.String(),
    "note": pl.String(),
}

# Added to the compiled documents table: where its figures come from.
DOCUMENT_PROVENANCE_SCHEMA: dict[str, pl.DataType] = {
    "origin": pl.String(),  # "kurerad" (data/ in git) or "publicerad" (the store)
    "version": pl.Int32(),
    "sha256": pl.String(),
    "published_by": pl.String(),
    "published_at": pl.String(),
    "provenance": pl.String(),
}

# The store's append-only log, as the Källor page shows it.
HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "at": pl.String(),
    "editor": pl.String(),
    "action": pl.String(),
    "forbund": pl.String(),
    "document": pl.String(),
    "version": pl.Int32(),
    "comment": pl.String(),
}

FORBUND_SCHEMA: dict[str, pl.DataType] = {
    "forbund": pl.String(),
    "name": pl.String(),
    "short_name": pl.String(),
    "org_nr": pl.String(),
    "org_nr_document": pl.String(),
    "org_nr_line": pl.Int32(),
    "lan": pl.String(),
    "region": pl.String(),
    "ceiling_pct": pl.Float64(),
    "ceiling_basis": pl.String(),
    "ceiling_document": pl.String(),
    "ceiling_line": pl.Int32(),
    "ceiling_label": pl.String(),
    "income_is_medlemsbidrag_document": pl.String(),
    "income_is_medlemsbidrag_line": pl.Int32(),
}

MEMBERS_SCHEMA: dict[str, pl.DataType] = {
    "forbund": pl.String(),
    "member": pl.String(),
    "kind": pl.String(),
    "document": pl.String(),
    "line": pl.Int32(),
    "label": pl.String(),
}

# Columns of a per-document source file under data/figures/ (everything is read as text).
SOURCE_COLUMNS: tuple[str, ...] = (
    "section",
    "line",
    "label",
    "metric",
    "year",
    "basis",
    "period",
    "item",
    "item_kind",
    "part_of",
    "kommun",
    "age_band",
    "definition",
    "printed",
    "printed_unit",
    "value",
    "negate",
    "qualifier",
    "page",
    "note",
)
SOURCE_REQUIRED: tuple[str, ...] = ("section", "line", "label", "metric", "year", "basis", "printed", "printed_unit")
SOURCE_KEY: tuple[str, ...] = ("section", "line", "metric", "year", "basis", "period", "item", "kommun", "age_band")


@dataclass(frozen=True)
class Problem:
    """One validation problem, located precisely enough for a person to fix it."""

    file: str
    row: int | None  # line in the file (header = 1); None for a whole-file problem
    message: str

    def __str__(self) -> str:
        where = f"{self.file} rad {self.row}" if self.row is not None else self.file
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    """Raised with every problem found, so that one run shows all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … och {len(problems) - 50} till" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} fel i data:\n{shown}{more}")


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


def check_source_row(file: str, rownum: int, row: dict[str, str], documents: set[str]) -> list[Problem]:
    """Problems with one row of a figures source file (all values are strings)."""
    out: list[Problem] = []

    def bad(msg: str) -> None:
        out.append(Problem(file, rownum, msg))

    for col in SOURCE_REQUIRED:
        if not row.get(col, "").strip():
            bad(f"kolumnen '{col}' saknar värde")
    if out:
        return out
    metric = row["metric"]
    if metric not in METRICS:
        bad(f"okänt mått '{metric}'")
        return out
    if not _is_int(row["line"]) or int(row["line"]) < 1:
        bad(f"'line' måste vara ett positivt heltal, inte '{row['line']}'")
    if not _is_int(row["year"]) or not 1990 <= int(row["year"]) <= 2100:
        bad(f"'year' måste vara ett årtal, inte '{row['year']}'")
    if row["basis"] not in BASES:
        bad(f"'basis' måste vara en av {', '.join(BASES)}, inte '{row['basis']}'")
    if row.get("period") and row["period"] not in PERIODS:
        bad(f"'period' måste vara en av {', '.join(PERIODS)}, inte '{row['period']}'")
    if row.get("item_kind") and row["item_kind"] not in ITEM_KINDS:
        bad(f"'item_kind' måste vara en av {', '.join(ITEM_KINDS)}, inte '{row['item_kind']}'")
    if row.get("item") and not row.get("item_kind"):
        bad("'item' kräver 'item_kind'")
    if row.get("age_band") and row["age_band"] not in AGE_BANDS:
        bad(f"'age_band' måste vara en av {', '.join(AGE_BANDS)}, inte '{row['age_band']}'")
    if row.get("negate") not in ("", None, "ja"):
        bad(f"'negate' får vara tom eller 'ja', inte '{row['negate']}'")
    if row.get("page") and (not _is_int(row["page"]) or int(row["page"]) < 1):
        bad(f"'page' måste vara ett positivt heltal, inte '{row['page']}'")
    unit = METRICS[metric].unit
    pu = row["printed_unit"]
    allowed = ("kr", "tkr", "mkr") if unit == "kr" else (unit,)
    if pu not in allowed:
        bad(f"'printed_unit' för {metric} måste vara {' eller '.join(allowed)}, inte '{pu}'")
    if row.get("value"):
        try:
            float(row["value"])
        except ValueError:
            bad(f"'value' måste vara ett tal skrivet med punkt, inte '{row['value']}'")
        if not row.get("note"):
            bad("ett uttryckligt 'value' kräver en 'note' som förklarar varför det tryckta talet inte kan läsas")
    if row.get("part_of") and row.get("part_of") == row.get("item"):
        bad("'part_of' kan inte peka på raden själv")
    return out


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MEMBER_KINDS = ("kommun", "region", "stat")


def slug_problem(slug: str, taken: set[str]) -> str:
    """Why a slug cannot be used ('' when it can): it names the förbund in links and must stay stable."""
    if not slug:
        return "kortnamnet i länkar (slug) saknas"
    if not SLUG.fullmatch(slug) or len(slug) > 40:
        return (
            f"'{slug}' duger inte som slug: bara a–z, 0–9 och bindestreck mellan orden, högst 40 tecken "
            "(å, ä och ö skrivs a, a och o)"
        )
    if slug in taken:
        return f"'{slug}' används redan av ett annat förbund"
    return ""


def registration_problems(row: dict[str, str], taken: set[str]) -> list[str]:
    out = []
    if len(row["name"]) < 5:
        out.append("förbundets fullständiga namn behövs")
    if not row["short_name"]:
        out.append("ett kort namn för diagrammen behövs")
    problem = slug_problem(row["forbund"], taken)
    if problem:
        out.append(problem)
    if not row["lan"]:
        out.append("länet behövs")
    try:
        pct = float(row["ceiling_pct"])
        if not 0 < pct <= 100:
            out.append("taket ska vara en andel mellan 0 och 100 %")
    except ValueError:
        out.append("taket ska vara ett tal")
    if row["org_nr"] and not re.fullmatch(r"\d{6}-\d{4}", row["org_nr"]):
        out.append(f"organisationsnumret '{row['org_nr']}' ska skrivas NNNNNN-NNNN")
    return out


def member_problems(members: list[dict[str, str]]) -> list[str]:
    out = []
    for m in members:
        if m.get("kind") not in MEMBER_KINDS:
            out.append(f"medlemmen {m.get('member')}: '{m.get('kind')}' ska vara kommun, region eller stat")
    if not any(m.get("kind") == "kommun" for m in members):
        out.append("minst en medlemskommun behövs")
    return out


def parse_date(text: str) -> date | None:
    """ISO date or None for an empty cell."""
    return date.fromisoformat(text) if text else None


def _duplicates(name: str, df: pl.DataFrame, key: tuple[str, ...], rows: list[int] | None) -> list[Problem]:
    """Each key that stands more than once, by its value and (for a file) the rows it stands on."""
    numbered = df.with_columns(
        pl.Series("_rad", rows if rows is not None and len(rows) == df.height else [None] * df.height, pl.Int64)
    )
    dup = (
        numbered.group_by(list(key), maintain_order=True)
        .agg(pl.col("_rad"), pl.len().alias("_n"))
        .filter(pl.col("_n") > 1)
    )
    out = []
    for r in dup.head(3).iter_rows(named=True):
        what = " och ".join(f"{k} '{r[k]}'" for k in key)
        at = [n for n in r["_rad"] if n is not None]
        where = f" (rad {', '.join(str(n) for n in at[:-1])} och {at[-1]})" if len(at) > 1 else ""
        out.append(Problem(name, None, f"{what} står {r['_n']} gånger{where}; varje ska stå en gång"))
    if dup.height > 3:
        out.append(Problem(name, None, f"… och {dup.height - 3} nycklar till som står flera gånger"))
    return out


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select and cast exactly the schema's columns, in order."""
    return df.select([pl.col(c).cast(t) if c in df.columns else pl.lit(None, t).alias(c) for c, t in schema.items()])


def validate_frame(
    name: str,
    df: pl.DataFrame,
    schema: dict[str, pl.DataType],
    key: tuple[str, ...],
    known_forbund=FORBUND_SLUGS,
    rows: list[int] | None = None,
) -> list[Problem]:
    """Schema and key checks for a compiled table; ``rows``: each row's number in its file (named in problems)."""
    out: list[Problem] = []
    missing = [c for c in schema if c not in df.columns]
    if missing:
        out.append(Problem(name, None, f"saknar kolumner: {', '.join(missing)}"))
        return out
    for c, t in schema.items():
        if df.schema[c] != t:
            out.append(Problem(name, None, f"kolumnen '{c}' har typen {df.schema[c]}, väntad {t}"))
    if key:
        out += _duplicates(name, df, key, rows)
    if "forbund" in df.columns:
        bad = df.filter(~pl.col("forbund").is_in(list(known_forbund)))
        if bad.height:
            out.append(Problem(name, None, f"okänt förbund: {sorted(set(bad['forbund']))}"))
    return out
