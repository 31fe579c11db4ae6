"""Reading the human-reviewed source files under data/ into typed, validated Polars tables."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lib.numbers import UNIT_SCALE, NumberFormatError, decimals_of, parse_number
from lib.registry import FORBUND_SLUGS, MAPPING_CATEGORIES, METRICS
from lib.schema import (
    DOCUMENTS_SCHEMA,
    FIGURES_SCHEMA,
    FORBUND_SCHEMA,
    MAPPINGS_SCHEMA,
    MEMBERS_SCHEMA,
    SOURCE_COLUMNS,
    SOURCE_KEY,
    DataValidationError,
    Problem,
    check_source_row,
    conform,
    parse_date,
    validate_frame,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Stored as positive amounts whatever sign the report prints (domain convention).
POSITIVE_METRICS = frozenset(
    {
        "verksamhetens_kostnader",
        "finansiella_kostnader",
        "drift_kostnad",
        "kostnad_administration",
        "kostnad_individinriktat",
        "kostnad_strukturovergripande",
        "kostnad_ej_fordelad",
        "kostnad_per_deltagare",
    }
)


# Units whose printed values are exact counts, not rounded amounts.
EXACT_UNITS = frozenset({"personer", "antal"})


@dataclass(frozen=True)
class Sources:
    """Everything curated under data/, validated and typed (no derived figures yet)."""

    figures: pl.DataFrame
    documents: pl.DataFrame
    forbund: pl.DataFrame
    members: pl.DataFrame
    mappings: pl.DataFrame


def source_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """All files the build reads, in a stable order (used for the freshness hash too)."""
    fixed = [data_dir / n for n in ("documents.csv", "forbund.csv", "members.csv", "cost_mappings.csv")]
    return fixed + sorted((data_dir / "figures").glob("*.csv"))


def _read_rows(path: Path, problems: list[Problem], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as dicts of stripped strings, numbered as lines of the file."""
    name = _display(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is not a column
    except FileNotFoundError:
        problems.append(Problem(name, None, "filen saknas"))
        return []
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, f"filen är inte UTF-8 ({exc.reason} vid byte {exc.start})"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(name, None, "filen är tom"))
        return []
    except csv.Error as exc:
        problems.append(Problem(name, 1, f"rubrikraden kan inte läsas: {exc}"))
        return []
    header = [h.strip() for h in header]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semikolon" if ";" in header[0] else "tabb"
        problems.append(
            Problem(name, 1, f"kolumnerna skiljs åt med {sep}; filen ska vara kommaseparerad (sparad som CSV med ,)")
        )
        return []
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(Problem(name, 1, f"saknar kolumner: {', '.join(missing)}"))
        return []
    out = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            rownum, end, start = start, reader.line_num, reader.line_num + 1
            if end > rownum and any("\n" in c or "\r" in c for c in cells):
                # A field with a line break: a quotation mark opened on this line and closed only further down.
                problems.append(
                    Problem(
                        name, rownum, f"ett citattecken öppnas här men stängs först på rad {end}; rätta citattecknen"
                    )
                )
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(name, rownum, f"har {len(cells)} fält, rubriken har {len(header)}"))
                continue
            out.append((rownum, {h: _unescape(c.strip()) for h, c in zip(header, cells, strict=False)}))
    except csv.Error as exc:
        problems.append(Problem(name, start, f"ett citattecken öppnas här men stängs aldrig ({exc})"))
    return out


def _unescape(cell: str) -> str:
    """A cell written with the spreadsheet convention against formulas ("'=…") is read as it was printed."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r" else cell


def _display(path: Path) -> str:
    """A file as people may see it: relative to the project, or the data folder's name and the file within it
    (never an absolute path of the server)."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(DATA_DIR.parent))
    except ValueError:
        parent = resolved.parent
        if parent.name == "figures":
            return f"{parent.parent.name}/figures/{resolved.name}"
        return f"{parent.name}/{resolved.name}"


def _figure_id(document: str, r: dict[str, str]) -> str:
    parts = [document, r["line"], r["metric"], r["year"], r["basis"], r.get("period") or "helår"]
    parts += [r.get("item", ""), r.get("kommun", ""), r.get("age_band", "")]
    return ":".join(parts).rstrip(":")


def compile_figure(document: str, forbund: str, r: dict[str, str]) -> dict[str, object]:
    """One source row → one tidy figure (amounts in kr, costs positive)."""
    metric = METRICS[r["metric"]]
    scale = UNIT_SCALE[r["printed_unit"]] if metric.unit == "kr" else 1
    number = float(r["value"]) if r.get("value") else parse_number(r["printed"])
    value = number * scale
    if r.get("negate") == "ja":
        value = -abs(value)
    if metric.id in POSITIVE_METRICS:
        value = abs(value)
    precision = scale * 10.0 ** -decimals_of(r["printed"]) if not r.get("value") else float(scale)
    if metric.unit in EXACT_UNITS and not r.get("qualifier"):
        precision = 0.0  # a count of people is exact unless the report says "ca"
    return {
        "figure_id": _figure_id(document, r),
        "forbund": forbund,
        "document": document,
        "year": int(r["year"]),
        "period": r.get("period") or "helår",
        "metric": metric.id,
        "value": value,
        "unit": metric.unit,
        "basis": r["basis"],
        "item": r.get("item") or None,
        "item_kind": r.get("item_kind") or None,
        "part_of": r.get("part_of") or None,
        "kommun": r.get("kommun") or None,
        "age_band": r.get("age_band") or None,
        "definition": r.get("definition") or None,
        "qualifier": r.get("qualifier") or None,
        "precision": precision,
        "printed": r["printed"],
        "printed_unit": r["printed_unit"],
        "section": r["section"],
        "line": int(r["line"]),
        "page": int(r["page"]) if r.get("page") else None,
        "label": r["label"],
        "derived_from": None,
        "note": r.get("note") or None,
    }


def _slugs(path: Path) -> list[str]:
    """The förbund slugs a registry file names (read leniently; full validation follows)."""
    try:
        return [r.get("forbund", "") for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _load_table(
    path: Path,
    schema: dict,
    key: tuple[str, ...],
    problems: list[Problem],
    dates=(),
    known: tuple[str, ...] = FORBUND_SLUGS,
) -> pl.DataFrame:
    rows = _read_rows(path, problems, tuple(c for c in schema))
    records = []
    for rownum, r in rows:
        rec: dict[str, object] = {}
        ok = True
        for col, dtype in schema.items():
            text = r.get(col, "")
            try:
                if col in dates:
                    rec[col] = parse_date(text)
                elif dtype == pl.Int32():
                    rec[col] = int(text) if text else None
                elif dtype == pl.Float64():
                    rec[col] = float(text) if text else None
                else:
                    rec[col] = text or None
            except ValueError:
                problems.append(Problem(_display(path), rownum, f"'{col}' kan inte läsas som {dtype}: '{text}'"))
                ok = False
        if ok:
            records.append(rec)
    df = pl.DataFrame(records, schema=schema) if records else pl.DataFrame(schema=schema)
    problems.extend(validate_frame(_display(path), df, schema, key, known))
    return df


def load_sources(data_dir: Path = DATA_DIR) -> Sources:
    """Read and validate every source file; raise DataValidationError listing every problem."""
    problems: list[Problem] = []
    # The registry file says which förbund exist; the four of the contract must be among them.
    forbund = _load_table(
        data_dir / "forbund.csv",
        FORBUND_SCHEMA,
        ("forbund",),
        problems,
        known=tuple({*FORBUND_SLUGS, *_slugs(data_dir / "forbund.csv")}),
    )
    # A förbund whose row has an error is still a förbund: other files naming it are not wrong too.
    known = tuple({*forbund["forbund"].to_list(), *(s for s in _slugs(data_dir / "forbund.csv") if s)}) or FORBUND_SLUGS
    documents = _load_table(
        data_dir / "documents.csv", DOCUMENTS_SCHEMA, ("document",), problems, dates=("adopted",), known=known
    )
    members = _load_table(data_dir / "members.csv", MEMBERS_SCHEMA, ("forbund", "member"), problems, known=known)
    mappings = _load_table(
        data_dir / "cost_mappings.csv",
        MAPPINGS_SCHEMA,
        ("document", "year", "metric", "section", "item"),
        problems,
        known=known,
    )
    doc_forbund = dict(zip(documents["document"], documents["forbund"], strict=False))
    missing_forbund = set(FORBUND_SLUGS) - set(known)
    if missing_forbund and forbund.height:
        problems.append(Problem(_display(data_dir / "forbund.csv"), None, f"saknar förbund: {sorted(missing_forbund)}"))
    bad_cat = mappings.filter(~pl.col("category").is_in(list(MAPPING_CATEGORIES)))
    if bad_cat.height:
        problems.append(
            Problem(
                _display(data_dir / "cost_mappings.csv"), None, f"okänd kategori: {sorted(set(bad_cat['category']))}"
            )
        )

    figure_rows: list[dict[str, object]] = []
    for path in sorted((data_dir / "figures").glob("*.csv")):
        document = path.stem
        name = _display(path)
        if document not in doc_forbund:
            problems.append(Problem(name, None, f"dokumentet '{document}' finns inte i data/documents.csv"))
            continue
        seen: dict[tuple, int] = {}
        for rownum, r in _read_rows(path, problems, ("section", "line", "label", "metric", "year", "basis", "printed")):
            r = {c: r.get(c, "") for c in SOURCE_COLUMNS}
            row_problems = check_source_row(name, rownum, r, set(doc_forbund))
            if row_problems:
                problems.extend(row_problems)
                continue
            key = tuple(r[c] or ("helår" if c == "period" else "") for c in SOURCE_KEY)
            if key in seen:
                problems.append(Problem(name, rownum, f"samma figur som rad {seen[key]}"))
                continue
            seen[key] = rownum
            try:
                figure_rows.append(compile_figure(document, doc_forbund[document], r))
            except NumberFormatError as exc:
                problems.append(Problem(name, rownum, f"'printed' kan inte läsas: {exc}"))
    if problems:
        raise DataValidationError(problems)
    figures = conform(pl.DataFrame(figure_rows, schema=FIGURES_SCHEMA, strict=False), FIGURES_SCHEMA)
    problems.extend(validate_frame("figurer", figures, FIGURES_SCHEMA, ("figure_id",), known))
    if problems:
        raise DataValidationError(problems)
    return Sources(figures=figures, documents=documents, forbund=forbund, members=members, mappings=mappings)
