"""Reading the human-reviewed source files under data/ into typed, validated Polars tables."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lib.numbers import UNIT_SCALE, NumberFormatError, decimals_of, parse_number
from lib.registry import FORBUND_SLUGS, MAPPING_CATEGORIES, METRICS
from lib.schema import (
    DOCUMENT_PROVENANCE_SCHEMA,
    DOCUMENTS_SCHEMA,
    FIGURES_SCHEMA,
    FORBUND_SCHEMA,
    HISTORY_SCHEMA,
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
class Published:
    """What the store holds now, as text in the curated files' columns, so it is validated the same way.

    ``documents`` rows carry the curated columns plus version, sha256, published_by and published_at;
    ``figures`` maps a document to its current version's rows; ``history`` is the store's log.
    """

    forbund: list[dict[str, str]] = field(default_factory=list)
    members: list[dict[str, str]] = field(default_factory=list)
    documents: list[dict[str, str]] = field(default_factory=list)
    figures: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    register: list[dict[str, str]] = field(default_factory=list)  # the register's current entries (lib.register)

    def is_empty(self) -> bool:
        return not (self.forbund or self.documents or self.history or self.register)


@dataclass(frozen=True)
class Sources:
    """Everything curated under data/ and published in the store, validated and typed (no derived figures yet)."""

    figures: pl.DataFrame
    documents: pl.DataFrame
    forbund: pl.DataFrame
    members: pl.DataFrame
    mappings: pl.DataFrame
    history: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=HISTORY_SCHEMA))
    findings: list[dict] = field(default_factory=list)  # curated and published sources that overlap


def source_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """All files the build reads, in a stable order (used for the freshness hash too)."""
    fixed = [data_dir / n for n in ("documents.csv", "forbund.csv", "members.csv", "cost_mappings.csv")]
    return fixed + sorted((data_dir / "figures").glob("*.csv"))


def read_rows(path: Path, problems: list[Problem], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
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


def curated_slugs(data_dir: Path = DATA_DIR) -> list[str]:
    """The förbund of data/forbund.csv."""
    return [s for s in _slugs(data_dir / "forbund.csv") if s]


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
    rows = read_rows(path, problems, tuple(c for c in schema))
    return _typed(_display(path), rows, schema, key, problems, dates, known)


def _typed(
    name: str,
    rows: list[tuple[int, dict[str, str]]],
    schema: dict,
    key: tuple[str, ...],
    problems: list[Problem],
    dates=(),
    known: tuple[str, ...] = FORBUND_SLUGS,
) -> pl.DataFrame:
    """Text rows (from a file or the store) → a typed frame; every cell that cannot be read is a problem."""
    records = []
    numbers = []
    for rownum, r in rows:
        rec: dict[str, object] = {}
        ok = True
        for col, dtype in schema.items():
            text = r.get(col, "")
            text = "" if text is None else str(text)
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
                problems.append(Problem(name, rownum, f"'{col}' kan inte läsas som {dtype}: '{text}'"))
                ok = False
        if ok:
            records.append(rec)
            numbers.append(rownum)
    df = pl.DataFrame(records, schema=schema) if records else pl.DataFrame(schema=schema)
    problems.extend(validate_frame(name, df, schema, key, known, numbers))
    return df


def _figures_of(
    name: str,
    document: str,
    forbund: str,
    rows: list[tuple[int, dict[str, str]]],
    problems: list[Problem],
    out: list[dict[str, object]],
) -> None:
    """Check and compile one document's source rows (from a file or the store) into figures."""
    seen: dict[tuple, int] = {}
    for rownum, raw in rows:
        r = {c: "" if raw.get(c) is None else str(raw.get(c)).strip() for c in SOURCE_COLUMNS}
        row_problems = check_source_row(name, rownum, r, set())
        if row_problems:
            problems.extend(row_problems)
            continue
        key = tuple(r[c] or ("helår" if c == "period" else "") for c in SOURCE_KEY)
        if key in seen:
            problems.append(Problem(name, rownum, f"samma figur som rad {seen[key]}"))
            continue
        seen[key] = rownum
        try:
            out.append(compile_figure(document, forbund, r))
        except NumberFormatError as exc:
            problems.append(Problem(name, rownum, f"'printed' kan inte läsas: {exc}"))


def provenance_text(doc: dict) -> str:
    """ "inläst från rapport.pdf, granskad av anna@exempel.se 2026-11-26" for a published document."""
    version = f" (version {doc['version']})" if str(doc.get("version") or "1") != "1" else ""
    role = f" ({doc['published_role']})" if doc.get("published_role") else ""
    return (
        f"inläst från {doc['source_file']}, granskad av {doc['published_by']}{role} "
        f"{str(doc['published_at'])[:10]}{version}"
    )


def _overlap(forbund: str, year: int | None, description: str) -> dict:
    return {
        "forbund": forbund,
        "year": year,
        "check": "kurerat_och_publicerat",
        "severity": "dubblett",
        "description": description,
        "expected": None,
        "found": None,
        "difference": None,
        "tolerance": None,
        "unit": None,
        "figure_ids": [],
        "sources": description,
    }


def _published_parts(
    pub: Published, curated_forbund: set[str], curated_docs: pl.DataFrame
) -> tuple[list[dict], list[dict], list[dict]]:
    """The store's förbund and documents that do not collide with curated ones, and findings for those that do.

    A curated source is reviewed in git and wins; the collision is shown as a finding, never settled silently.
    """
    findings: list[dict] = []
    forbund = []
    with_documents = {d["forbund"] for d in pub.documents}
    for r in pub.forbund:
        if r["forbund"] not in with_documents:
            continue  # registered, but every document withdrawn: nothing to compare (the store keeps it)
        if r["forbund"] in curated_forbund:
            findings.append(
                _overlap(
                    r["forbund"],
                    None,
                    f"Förbundet {r['forbund']} finns både i data/forbund.csv och som registrerat i databasen; "
                    "uppgifterna i data/ används.",
                )
            )
        else:
            forbund.append(r)
    curated_keys = {(d["forbund"], d["type"], d["year"]): d["document"] for d in curated_docs.iter_rows(named=True)}
    curated_ids = set(curated_docs["document"])
    documents = []
    for d in pub.documents:
        year = int(d["year"]) if str(d.get("year", "")).isdigit() else None
        twin = curated_keys.get((d["forbund"], d["type"], year))
        if d["document"] in curated_ids or twin:
            findings.append(
                _overlap(
                    d["forbund"],
                    year,
                    f"Publicerade {d['document']} ({d['type']} {d['year']}, {provenance_text(d)}) och kurerade "
                    f"{twin or d['document']} gäller samma förbund och år; jämförelsen visar det kurerade. Dra "
                    "tillbaka det publicerade när det har förts in i data/, eller rätta data/.",
                )
            )
        else:
            documents.append(d)
    return forbund, documents, findings


def load_sources(data_dir: Path = DATA_DIR, published: Published | None = None) -> Sources:
    """Read and validate every source file and the store's published rows; raise DataValidationError listing
    every problem."""
    pub = published or Published()
    problems: list[Problem] = []
    # The registry file says which förbund exist; the four of the contract must be among them.
    curated_slugs = [s for s in _slugs(data_dir / "forbund.csv") if s]
    forbund = _load_table(
        data_dir / "forbund.csv",
        FORBUND_SCHEMA,
        ("forbund",),
        problems,
        known=tuple({*FORBUND_SLUGS, *curated_slugs}),
    )
    curated_known = {*forbund["forbund"].to_list(), *curated_slugs}
    documents = _load_table(
        data_dir / "documents.csv",
        DOCUMENTS_SCHEMA,
        ("document",),
        problems,
        dates=("adopted",),
        known=tuple(curated_known) or FORBUND_SLUGS,
    )
    pub_forbund, pub_docs, findings = _published_parts(pub, curated_known, documents)
    # A förbund whose row has an error is still a förbund: other files naming it are not wrong too.
    known = tuple(curated_known | {r["forbund"] for r in pub_forbund}) or FORBUND_SLUGS
    if pub_forbund:
        extra = _typed(
            "databasen, förbund", list(enumerate(pub_forbund, 1)), FORBUND_SCHEMA, ("forbund",), problems, known=known
        )
        forbund = pl.concat([forbund, extra])
    members = _load_table(data_dir / "members.csv", MEMBERS_SCHEMA, ("forbund", "member"), problems, known=known)
    new_forbund = {r["forbund"] for r in pub_forbund}
    pub_members = [r for r in pub.members if r["forbund"] in new_forbund]
    if pub_members:
        members = pl.concat(
            [
                members,
                _typed(
                    "databasen, medlemmar",
                    list(enumerate(pub_members, 1)),
                    MEMBERS_SCHEMA,
                    ("forbund", "member"),
                    problems,
                    known=known,
                ),
            ]
        )
    if pub_docs:
        extra = _typed(
            "databasen, dokument",
            list(enumerate(pub_docs, 1)),
            DOCUMENTS_SCHEMA,
            ("document",),
            problems,
            dates=("adopted",),
            known=known,
        )
        documents = pl.concat([documents, extra])
    documents = _with_provenance(documents, pub_docs)
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
        rows = read_rows(path, problems, ("section", "line", "label", "metric", "year", "basis", "printed"))
        _figures_of(name, document, doc_forbund[document], rows, problems, figure_rows)
    for d in pub_docs:
        document = d["document"]
        name = f"databasen, {document} version {d.get('version') or 1}"
        rows = list(enumerate(pub.figures.get(document, []), 1))
        if document in doc_forbund:
            _figures_of(name, document, doc_forbund[document], rows, problems, figure_rows)
    if problems:
        raise DataValidationError(problems)
    figures = conform(pl.DataFrame(figure_rows, schema=FIGURES_SCHEMA, strict=False), FIGURES_SCHEMA)
    problems.extend(validate_frame("figurer", figures, FIGURES_SCHEMA, ("figure_id",), known))
    if problems:
        raise DataValidationError(problems)
    history = pl.DataFrame(pub.history, schema=HISTORY_SCHEMA) if pub.history else pl.DataFrame(schema=HISTORY_SCHEMA)
    return Sources(
        figures=figures,
        documents=documents,
        forbund=forbund,
        members=members,
        mappings=mappings,
        history=history,
        findings=findings,
    )


def _with_provenance(documents: pl.DataFrame, published: list[dict]) -> pl.DataFrame:
    """Add where each document's figures come from: curated in git, or published (file, editor, date, version)."""
    by_doc = {d["document"]: d for d in published}
    rows = []
    for doc in documents["document"]:
        d = by_doc.get(doc)
        if d is None:
            rows.append({"origin": "kurerad", "provenance": "kurerad i projektets data/ (granskad i git)"})
        else:
            rows.append(
                {
                    "origin": "publicerad",
                    "version": int(d.get("version") or 1),
                    "sha256": d.get("sha256"),
                    "published_by": d.get("published_by"),
                    "published_at": d.get("published_at"),
                    "provenance": provenance_text(d),
                }
            )
    extra = (
        pl.DataFrame(rows, schema=DOCUMENT_PROVENANCE_SCHEMA)
        if rows
        else pl.DataFrame(schema=DOCUMENT_PROVENANCE_SCHEMA)
    )
    return pl.concat([documents, extra], how="horizontal")
