"""Table headers: which column holds which year and basis (utfall, budget, plan), deviations, a note column, a unit.

Headers come on one line ("Belopp i tkr. Not 2023 2022"), over many lines, one word per line
("Utfall jan-dec" / "2023" / "Aktuell budget" / …), as a line of bases above a line of years
("Budget Utfall Differens" / "2023 2023"), with periods ("2023-01-01 – 2023-12-31") or dates
("221231"), and with a title in front ("Budget 2023 plan 2024–2025 Budget 2023 Budget 2024 …").
The column words are vocabulary (``kolumn_*`` in words.csv).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lib.ingest import vocabulary as vocab

_DATE = re.compile(r"^-?(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})$")
_YYMMDD = re.compile(r"^(?P<yy>\d{2})(?P<mmdd>1231|0101|0630|0831)$")
_YEAR = re.compile(r"^\(?(?P<y>(?:19|20)\d{2})\)?[.,:]?$")
_PROSE = frozenset(
    [
        "under",
        "för",
        "med",
        "till",
        "av",
        "att",
        "som",
        "är",
        "var",
        "har",
        "hade",
        "den",
        "det",
        "de",
        "en",
        "ett",
        "på",
        "om",
        "vid",
        "efter",
        "från",
        "inom",
        "enligt",
        "samt",
        "eller",
        "men",
        "när",
        "där",
        "vilket",
        "kommer",
        "skall",
        "ska",
        "års",
    ]
)
_RANGE = re.compile(r"^(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2})$")


@dataclass(frozen=True)
class Column:
    kind: str  # "value" or "deviation"
    year: int | None = None
    basis: str | None = None  # utfall, budget, plan, prognos


@dataclass
class Header:
    columns: list[Column]
    note_column: bool
    unit: str | None
    first: int  # index of the first header line
    last: int  # index of the last header line
    text: str
    notes: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "value"]


@dataclass(frozen=True)
class _Item:
    kind: str  # basis, dev, note, year, unit, title
    value: object = None
    start: bool = False  # a date that opens a period (yyyy-01-01)


def _phrase(kind: str, text: str) -> str | None:
    return vocab.word_value(kind, text)


@lru_cache(maxsize=4096)
def _items(text: str) -> tuple[_Item, ...]:
    """The column words of one header line, in order."""
    t = text.replace("–", "-").strip()
    t = re.sub(r"(?<=\d)\s?-\s?(?=(?:19|20)\d{2}-\d{2}-\d{2})", " -", t)  # "2023-01-01 -2023-12-31"
    out: list[_Item] = []
    toks = t.split()
    i = 0
    while i < len(toks):
        tok = toks[i].strip(".,:;()")
        two = f"{tok} {toks[i + 1].strip('.,:;()')}" if i + 1 < len(toks) else ""
        three = f"{two} {toks[i + 2].strip('.,:;()')}" if i + 2 < len(toks) else ""
        low = tok.lower()
        if three and _RANGE.match(three.replace(" ", "")):
            out.append(_Item("title", three))
            i += 3
            continue
        if _RANGE.match(tok):
            out.append(_Item("title", tok))
        elif m := _DATE.match(tok):
            start = m.group("m") == "01" and m.group("d") == "01"
            out.append(_Item("year", int(m.group("y")), start=start))
        elif m := _YYMMDD.match(tok):
            out.append(_Item("year", 2000 + int(m.group("yy")), start=m.group("mmdd") == "0101"))
        elif m := _YEAR.match(toks[i]):
            out.append(_Item("year", int(m.group("y"))))
        elif two and (b := _phrase("kolumn_budget", two) or _phrase("kolumn_utfall", two)):
            out.append(_Item("basis", b))
            i += 2
            continue
        elif b := (
            _phrase("kolumn_utfall", low)
            or _phrase("kolumn_budget", low)
            or _phrase("kolumn_plan", low)
            or _phrase("kolumn_prognos", low)
        ):
            out.append(_Item("basis", b))
        elif _phrase("kolumn_avvikelse", low) is not None:
            out.append(_Item("dev"))
        elif _phrase("kolumn_not", low) is not None:
            out.append(_Item("note"))
        elif low in ("tkr", "kr", "mkr", "t.kr", "kronor", "tusental", "miljoner", "ksek", "msek", "sek"):
            unit = {"t.kr": "tkr", "kronor": "kr", "tusental": "tkr", "miljoner": "mkr", "ksek": "tkr"}.get(low, low)
            unit = {"msek": "mkr", "sek": "kr"}.get(unit, unit)
            if not (out and out[-1].kind == "unit"):  # "tusental kronor" is one unit
                out.append(_Item("unit", unit))
        elif _phrase("kolumn_fyllnad", low) is not None or not low:
            pass
        else:
            out.append(_Item("title", tok))
        i += 1
    return tuple(out)


@lru_cache(maxsize=4096)
def header_kind(text: str) -> str | None:
    """'years' for a line of column years (maybe with words), 'words' for column words only, 'unit', or None."""
    if not text.strip():
        return None
    if re.search(r"\d", text) and not re.search(r"(?:19|20)\d{2}|\d{6}", text):
        return None
    items = _items(text)
    if not items:
        return "filler" if re.search(r"\w", text) and len(text.split()) <= 4 else None
    years = [it for it in items if it.kind == "year"]
    titles = [it for it in items if it.kind == "title"]
    words = [it for it in items if it.kind in ("basis", "dev", "note")]
    numbers_left = re.sub(
        r"(?:19|20)\d{2}(?:-\d{2}-\d{2})?|\d{6}|\d{4}[-–]\d{2,4}|^\s*not\s*\d{1,2}(?!\d)\.?", "", text, flags=re.I
    )
    if re.search(r"\d", numbers_left):
        return None  # other numbers: a row of values, not a header
    if re.search(r"(?:19|20)\d{2}\.\s*$", text.strip()) and not re.search(r"belopp|not", text, re.I):
        return None  # "… under 2023 och 2024." ends a sentence
    if any(str(it.value).lower() in _PROSE for it in titles):
        return None
    if years:
        if len(titles) > 3 or (len(years) == 1 and titles):
            return None  # a title sentence that names a year ("Sammanställning av utfall och budget 2023")
        return "years"
    if words and len(titles) <= 1:
        return "words"
    if any(it.kind == "unit" for it in items) and len(titles) <= 1 and re.search(r"belopp|^\W*t?kr\W*$", text, re.I):
        return "unit"
    return None


def parse_header(
    texts: list[str], first: int, last: int, doc_year: int | None, doc_type: str = "årsredovisning"
) -> Header | None:
    """Columns of a header block (its lines in order); None when it names no year column."""
    lines = [list(_items(t)) for t in texts]
    unit = next((it.value for items in lines for it in items if it.kind == "unit"), None)
    note = any(it.kind == "note" for items in lines for it in items)
    horizontal = _horizontal(lines)
    if horizontal == []:
        return None  # bases and years that do not pair up: never guess
    columns = horizontal or _sequential([it for items in lines for it in items])
    notes: list[str] = []
    if not any(c.kind == "value" and c.year for c in columns):
        columns = _bases_without_years(lines, doc_year, doc_type)
        if not columns:
            return None
        notes.append(
            f"tabellhuvudet «{' / '.join(t.strip() for t in texts)[:60]}» anger inga år; kolumnerna läses som "
            f"rapportåret {doc_year}"
        )
    columns = _unique_suffix(columns)
    values = [c for c in columns if c.kind == "value"]
    years = [c.year for c in values]
    if doc_year and len(values) == 2 and years[0] == years[1] and {c.basis for c in values} <= {None, "utfall"}:
        # "Not 2023 2023": a statement's two years printed as one; read as this year and the one before.
        notes.append(f"tabellhuvudet anger {years[0]} {years[1]}; kolumnerna tolkas som {doc_year} och {doc_year - 1}")
        it = iter([doc_year, doc_year - 1])
        columns = [Column(c.kind, next(it), c.basis) if c.kind == "value" else c for c in columns]
    columns = [_with_basis(c, doc_year, doc_type) for c in columns]
    if doc_year and any(c.year and not doc_year - 12 <= c.year <= doc_year + 6 for c in columns):
        return None
    return Header(columns, note, unit, first, last, " / ".join(t.strip() for t in texts), notes)


def _bases_without_years(lines: list[list[_Item]], doc_year: int | None, doc_type: str) -> list[Column]:
    """ "Budget Utfall Avvikelse" with no year anywhere: in an annual report, the report's year (a drift
    table follows up the year reported on). Only when every column is named once and at least one is
    utfall; a verksamhetsplan's columns without years are not read (budget for which year?)."""
    items = [it for line in lines for it in line]
    if doc_type != "årsredovisning" or not doc_year or any(it.kind == "year" for it in items):
        return []
    cols = [
        Column("deviation") if it.kind == "dev" else Column("value", doc_year, it.value)
        for it in items
        if it.kind in ("basis", "dev")
    ]
    bases = [c.basis for c in cols if c.kind == "value"]
    if len(cols) < 2 or len(set(bases)) != len(bases) or "utfall" not in bases:
        return []
    return cols


def _with_basis(c: Column, doc_year: int | None, doc_type: str) -> Column:
    if c.kind != "value" or c.basis:
        return c
    if doc_type == "verksamhetsplan" and doc_year:
        basis = "budget" if c.year <= doc_year else "plan"
    elif doc_year and c.year and c.year > doc_year:
        basis = "budget" if c.year == doc_year + 1 else "plan"
    else:
        basis = "utfall"
    return Column(c.kind, c.year, basis)


def _drop_period_starts(items: list[_Item]) -> list[_Item]:
    ends = {it.value for it in items if it.kind == "year" and not it.start}
    return [it for it in items if not (it.kind == "year" and it.start and it.value in ends)]


def _horizontal(lines: list[list[_Item]]) -> list[Column] | None:
    """A line of bases ("Budget Utfall Differens") over a line of years ("2023 2023").

    None when the block is not laid out so; [] when it is but bases and years do not pair up."""
    for k, items in enumerate(lines):
        if any(it.kind == "year" for it in items):
            return None  # years come first: the columns are read in sequence
        bases: list[_Item] = []
        for it in items:
            if it.kind == "dev" or (it.kind == "basis" and not (bases and bases[-1].kind == "dev")):
                bases.append(it)  # the bases after a deviation word name it ("Avvikelse utfall – budget")
        if len([b for b in bases if b.kind == "basis"]) < 1 or len(bases) < 2:
            continue
        for later in lines[k + 1 :]:
            years = [it for it in _drop_period_starts(later) if it.kind == "year"]
            if not years:
                continue
            if any(it.kind in ("basis", "dev") for it in later):
                return None  # the year line names its own bases: read in sequence
            wanted = [it for it in bases if it.kind == "basis"]
            if len(years) != len(wanted):
                return []
            it = iter(years)
            return [Column("deviation") if b.kind == "dev" else Column("value", next(it).value, b.value) for b in bases]
    return None


def _sequential(items: list[_Item]) -> list[Column]:
    """Basis words then a year make a column; a deviation word makes one and swallows its 'utfall – budget'."""
    items = _drop_period_starts(items)
    cols: list[Column] = []
    basis = None
    i = 0
    while i < len(items):
        it = items[i]
        if it.kind == "dev":
            cols.append(Column("deviation"))
            basis = None
            j = i + 1
            while j < len(items) and j <= i + 2 and items[j].kind == "basis":
                j += 1  # "Avvikelse utfall – budget"
            i = j
            continue
        if it.kind == "basis":
            basis = it.value
        elif it.kind == "year":
            cols.append(Column("value", it.value, basis))
            basis = None
        i += 1
    return cols


def _unique_suffix(cols: list[Column]) -> list[Column]:
    """A title in front of the columns ("Budget 2023 plan 2024–2025 Budget 2023 Budget 2024 …") repeats one:
    keep the longest run at the end in which every (year, basis) is new."""
    seen: set = set()
    out: list[Column] = []
    for c in reversed(cols):
        key = (c.year, c.basis)
        if c.kind == "value" and key in seen:
            if len(out) == 1 or (len(out) == 2 and cols[-2:] == [c, c]):
                out.append(c)  # "2023 2023": handled by the caller
                continue
            break
        seen.add(key)
        out.append(c)
    return list(reversed(out))
