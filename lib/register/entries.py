"""A register entry, the register's CSV format, and the rules every entry and every list must pass.

CSV columns (UTF-8, comma-separated, one förbund per row; the header names the columns, in any order):

    forbund, name, short_name, org_nr, lan, region, kommuner, valid_from, valid_to, website, source

``kommuner`` holds the member kommuner's four-digit SCB codes separated by spaces or semicolons; dates are
ISO (YYYY-MM-DD) and may be empty (from: since before the register knows; to: still active). A merger is
written as it happened: the old förbund get ``valid_to`` the day before, the new one ``valid_from`` the day.
``source`` says where the row's facts came from (required). ``kommundel`` is for a förbund that covers part of
a kommun (Göteborg had four, by stadsdel, until 2019-07-01): it names the part, and only förbund that each name
their part may share a kommun on the same day.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

import polars as pl

COLUMNS = (
    "forbund",
    "name",
    "short_name",
    "org_nr",
    "lan",
    "region",
    "kommuner",
    "kommundel",
    "valid_from",
    "valid_to",
    "website",
    "source",
)
REQUIRED = ("forbund", "name", "kommuner", "source")
_SAID = {"forbund": "kortnamnet (forbund)", "name": "namnet (name)", "source": "källan (source)"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s<>\"'`]+$")
MAX_ROWS = 2000  # far more than Sweden's förbund; a bigger file is not a register


@dataclass(frozen=True)
class Entry:
    """One förbund in the register as it stands (or as a row of a list proposes it)."""

    forbund: str
    name: str
    short_name: str = ""
    org_nr: str = ""
    lan: str = ""
    region: str = ""
    kommuner: tuple[str, ...] = ()
    kommundel: str = ""
    valid_from: str = ""
    valid_to: str = ""
    website: str = ""
    source: str = ""

    def as_row(self) -> dict[str, str]:
        """The entry in the CSV's columns (kommuner as one cell)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["kommuner"] = " ".join(self.kommuner)
        return out

    def same_facts(self, other: Entry) -> bool:
        return self.as_row() == other.as_row()


def entry_from(row: dict[str, str]) -> Entry:
    """An entry from text cells (CSV, a form, the store), trimmed; kommun codes in the order given, once each."""
    cells = {c: str(row.get(c) or "").strip() for c in COLUMNS}
    codes = tuple(dict.fromkeys(c for c in re.split(r"[\s;,]+", cells["kommuner"]) if c))
    org = cells["org_nr"]
    if org:
        from stdnum.se import orgnr

        if orgnr.is_valid(org):
            org = orgnr.format(org)
    short = cells["short_name"] or cells["name"]
    return Entry(**{**cells, "kommuner": codes, "org_nr": org, "short_name": short})


def read_csv(text: str) -> tuple[list[tuple[int, Entry]], list[str]]:
    """(line number, entry) for each data row of a register CSV, and what makes the file unreadable as a whole."""
    text = text.lstrip("\ufeff")
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [f"kolumner saknas: {', '.join(missing)} (filen har: {', '.join(header) or 'ingen rubrikrad'})"]
    unknown = [h for h in header if h and h not in COLUMNS]
    problems = [f"okända kolumner: {', '.join(unknown)} (giltiga: {', '.join(COLUMNS)})"] if unknown else []
    rows = []
    try:
        for raw in reader:
            if len(rows) >= MAX_ROWS:
                return [], [f"filen har fler än {MAX_ROWS} rader; det är inget förbundsregister"]
            cells = {(k or "").strip(): v for k, v in raw.items() if isinstance(v, str)}
            if not any(v.strip() for v in cells.values()):
                continue
            rows.append((reader.line_num, entry_from(cells)))
    except csv.Error as exc:
        return [], [f"filen kan inte läsas som CSV ({exc})"]
    return rows, problems


def to_csv(entries: Iterable[Entry]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for e in entries:
        w.writerow(e.as_row())
    return out.getvalue()


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def entry_problems(e: Entry, kommun_codes: set[str], lan_names: set[str]) -> list[str]:
    """What is wrong with one entry on its own (Swedish, without the row's name: the caller adds it)."""
    out = []
    for c in REQUIRED:
        if c == "kommuner":
            continue
        if not getattr(e, c):
            out.append(f"{_SAID[c]} saknas")
    if e.forbund and not SLUG.match(e.forbund):
        out.append(f"kortnamnet (forbund) '{e.forbund}' får bara ha a–z, 0–9 och bindestreck")
    if e.org_nr:
        from stdnum.se import orgnr

        if not orgnr.is_valid(e.org_nr):
            out.append(f"organisationsnumret {e.org_nr} är inte giltigt (kontrollsiffran stämmer inte)")
    if e.lan and e.lan not in lan_names:
        out.append(f"länet '{e.lan}' finns inte i SCB:s indelning (skriv t.ex. 'Jämtlands län')")
    if not e.kommuner:
        out.append("inga medlemskommuner (kommuner: SCB:s fyrsiffriga koder)")
    unknown = [k for k in e.kommuner if k not in kommun_codes]
    if unknown:
        out.append(f"okänd kommunkod {', '.join(unknown)} (SCB:s fyrsiffriga kommunkoder)")
    for c in ("valid_from", "valid_to"):
        value = getattr(e, c)
        if value and _date(value) is None:
            out.append(f"{c} '{value}' är inget datum (ÅÅÅÅ-MM-DD)")
    start, end = _date(e.valid_from), _date(e.valid_to)
    if start and end and end < start:
        out.append(f"valid_to {e.valid_to} ligger före valid_from {e.valid_from}")
    if e.website and not _URL.match(e.website):
        out.append(f"webbplatsen '{e.website[:80]}' är ingen adress som börjar med https://")
    for c in COLUMNS:
        value = getattr(e, c) if c != "kommuner" else ""
        if isinstance(value, str) and len(value) > 300:
            out.append(f"{c} är längre än 300 tecken")
        if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
            out.append(f"{c} börjar med '{value[:1]}', som ett kalkylprogram läser som en formel")
    return out


def overlaps(a: Entry, b: Entry) -> bool:
    """Both active on some day."""
    a0, a1 = _date(a.valid_from) or date.min, _date(a.valid_to) or date.max
    b0, b1 = _date(b.valid_from) or date.min, _date(b.valid_to) or date.max
    return a0 <= b1 and b0 <= a1


def _same_forbund(old: Entry, new: Entry) -> bool:
    """A row for a slug already registered is an update when it is the same förbund: the same org.nr where both
    have one, else the same name."""
    if old.org_nr and new.org_nr:
        return old.org_nr == new.org_nr
    return _fold(old.name) == _fold(new.name)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass(frozen=True)
class Plan:
    """What a list would do to the register: rows added, rows changed, rows unchanged; or the problems."""

    added: list[Entry]
    changed: list[Entry]
    unchanged: list[Entry]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"{len(self.added)} nya, {len(self.changed)} ändrade, {len(self.unchanged)} oförändrade"


def plan(
    rows: list[tuple[int, Entry]],
    register: dict[str, Entry],
    kommun_codes: set[str],
    lan_names: set[str],
    other_names: dict[str, str] | None = None,
) -> Plan:
    """Check a whole list against itself and the register (every bad row named, by its line); what it would do.

    ``other_names``: slug → name of förbund known from reports but not in the register (a slug in use there by
    a förbund of another name is taken)."""
    problems: list[str] = []
    other_names = other_names or {}

    def bad(line: int, e: Entry, message: str) -> None:
        problems.append(f"rad {line} ({e.forbund or e.name or 'utan namn'}): {message}")

    seen_slug: dict[str, int] = {}
    seen_org: dict[str, tuple[int, str]] = {}
    for line, e in rows:
        for p in entry_problems(e, kommun_codes, lan_names):
            bad(line, e, p)
        if e.forbund in seen_slug:
            bad(line, e, f"kortnamnet {e.forbund} finns redan på rad {seen_slug[e.forbund]} i filen")
        seen_slug.setdefault(e.forbund, line)
        if e.org_nr:
            if e.org_nr in seen_org and seen_org[e.org_nr][1] != e.forbund:
                bad(line, e, f"organisationsnumret {e.org_nr} har redan rad {seen_org[e.org_nr][0]} i filen")
            seen_org.setdefault(e.org_nr, (line, e.forbund))
        old = register.get(e.forbund)
        if old is not None and not _same_forbund(old, e):
            bad(line, e, f"kortnamnet {e.forbund} är redan taget av {old.name} ({old.org_nr or 'utan org.nr'})")
        elif old is None and e.forbund in other_names and _fold(other_names[e.forbund]) != _fold(e.name):
            bad(line, e, f"kortnamnet {e.forbund} är redan taget av {other_names[e.forbund]} (rapporterna)")
        for slug, o in register.items():
            if slug != e.forbund and e.org_nr and o.org_nr == e.org_nr and slug not in seen_slug:
                bad(line, e, f"organisationsnumret {e.org_nr} är redan registrerat för {o.name} ({slug})")
    # A kommun in two förbund on the same day: each row against the others and against the register's entries
    # that the list leaves as they are (a conflict already in the register is not this list's doing).
    listed = {e.forbund for _, e in rows}
    others = [(None, e) for slug, e in sorted(register.items()) if slug not in listed]
    candidates = [*rows, *others]
    for i, (line, e) in enumerate(rows):
        for other_line, other in candidates[i + 1 :]:
            if other.forbund == e.forbund:
                continue  # the same slug twice is said above
            shared = sorted(set(e.kommuner) & set(other.kommuner))
            if shared and overlaps(e, other) and not (e.kommundel and other.kommundel):
                where = f" (rad {other_line})" if other_line else " i registret"
                bad(
                    line,
                    e,
                    f"kommun {', '.join(shared)} är samtidigt medlem i {other.name}{where}, {_period(other)}; "
                    "avsluta det ena förbundet (valid_to) innan det andra börjar, eller ange kommundel för båda "
                    "om de delar kommunen",
                )
    added = [e for _, e in rows if e.forbund not in register]
    changed = [e for _, e in rows if e.forbund in register and not register[e.forbund].same_facts(e)]
    unchanged = [e for _, e in rows if e.forbund in register and register[e.forbund].same_facts(e)]
    return Plan(added, changed, unchanged, sorted(set(problems), key=_line_order))


def _line_order(problem: str) -> tuple[int, str]:
    m = re.match(r"rad (\d+)", problem)
    return (int(m.group(1)) if m else 0, problem)


def _period(e: Entry) -> str:
    if e.valid_from and e.valid_to:
        return f"{e.valid_from}–{e.valid_to}"
    if e.valid_from:
        return f"från {e.valid_from}"
    if e.valid_to:
        return f"till {e.valid_to}"
    return "utan slutdatum"


REGISTER_SCHEMA = {
    "forbund": pl.String,
    "name": pl.String,
    "short_name": pl.String,
    "org_nr": pl.String,
    "lan": pl.String,
    "region": pl.String,
    "kommuner": pl.List(pl.String),
    "kommundel": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "website": pl.String,
    "source": pl.String,
}


def register_frame(rows: Iterable[dict[str, str]]) -> pl.DataFrame:
    """The register's current entries (text rows, as the store gives them) as the dataset's table."""
    out = []
    for r in rows:
        e = entry_from(r)
        out.append(
            {
                **e.as_row(),
                "kommuner": list(e.kommuner),
                "valid_from": _date(e.valid_from),
                "valid_to": _date(e.valid_to),
            }
        )
    return pl.DataFrame(out, schema=REGISTER_SCHEMA).sort("forbund") if out else pl.DataFrame(schema=REGISTER_SCHEMA)


def entries_of(frame: pl.DataFrame) -> list[Entry]:
    return [
        entry_from(
            {
                **r,
                "kommuner": " ".join(r["kommuner"] or []),
                "valid_from": str(r["valid_from"] or ""),
                "valid_to": str(r["valid_to"] or ""),
            }
        )
        for r in frame.iter_rows(named=True)
    ]
