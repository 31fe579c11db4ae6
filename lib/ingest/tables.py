"""Tables: rows of a label and a run of numbers under a header of year and basis columns, grouped by table and note.

The reader walks the lines once. Header lines (see columns.py) open a table; a row is a label and
the numbers at the end of its line, or on a line or two below it (PDF text), with the label split
over lines where the PDF broke it; a single small number after a label is a note reference. Rows are
grouped by table and, in the notes, by note heading. A row's metric comes from the vocabulary
(``rad`` labels); rows the vocabulary does not name may still be items: a member's contribution
under a medlemsbidrag row, a line of a note that specifies one statement row. Units are settled
later, per group, in propose.py (a heading may say tkr over amounts in kr).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from lib.ingest import vocabulary as vocab
from lib.ingest.columns import Column, Header, header_kind, parse_header
from lib.ingest.participants import DEFINITIONS, SEX_METRICS
from lib.ingest.reading import Line
from lib.ingest.runs import Number, is_nil, readings, spread, trailing_run
from lib.registry import METRICS

# A title that starts a new table: the header before it no longer applies.
_TITLE = re.compile(
    r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?\s+)?(?:resultaträkning|balansräkning|kassaflödesanalys|"
    r"drifts?redovisning|noter|budget|översikt över verksamhetens utveckling|flerårsöversikt|femårsöversikt|"
    r"ekonomisk sammanfattning|sammanställning av utfall och budget[^(]*)"
    r"(?:\s+(?:19|20)\d{2})?"  # "Driftredovisning 2024 (tkr)"
    r"(?:\s*[,(]\s*(?:belopp i\s+)?(?P<unit>tkr|kr|mkr|kronor|tusentals kronor)\)?)?\s*$",
    re.IGNORECASE,
)
_NOTE_HEADER = re.compile(r"^\s*not\s*\d{1,2}(?!\d)\.?\s+[A-ZÅÄÖ]", re.IGNORECASE)
_NOTE = re.compile(r"^\s*(?:not\s*(?P<n1>\d{1,2})\.?|(?P<n2>\d{1,2})\.)\s+(?P<title>[A-ZÅÄÖ][^\d]{2,90}?)\s*$", re.I)
_NOTE_ONLY = re.compile(r"^\s*not\.?\s*$", re.IGNORECASE)
_SUB = re.compile(r"^\s*(?:[-–•]\s*|\uf0b7\s*)")
_UNIT_IN_LABEL = re.compile(r"\((t?kr|mkr)\)|\s(t?kr|mkr)\.?$", re.IGNORECASE)
_TOTAL_LABEL = vocab.Label("TOTAL", "rad", "summa", frozenset(), re.compile("summa"))
WEAK = "en av flera möjliga läsningar av raden"
# Another reading of a row within this much evenness (log10 of max/min: a factor of ten) is plausible
# enough that the editor confirms the chosen one; beyond it, amounts of one kind of row do not spread so.
WEAK_MARGIN = 1.0
METRIC_UNITS = {m: METRICS[m].unit for m in METRICS}
STOCK_METRICS = frozenset({"eget_kapital", "likvida_medel", "summa_tillgangar", "skulder", "fordringar"})
COST_METRICS = frozenset(
    {
        "verksamhetens_kostnader",
        "finansiella_kostnader",
        "kostnad_administration",
        "kostnad_individinriktat",
        "kostnad_strukturovergripande",
    }
)
_MEMBER = re.compile(
    r"^(?:(?:drifts?bidrag|medlemsbidrag|medlemsavgift|bidrag|tilldelning|finansiering)(?: från)?\s+)?"
    r"(?P<m>staten|försäkringskassan(?: [a-zåäö]+)?|arbetsförmedlingen|"
    r"region(?:en)?(?: [a-zåäö]+){0,3}|regioner(?:na)?|landstinget(?: [a-zåäö]+){0,2}|"
    r"kommuner(?:na)?|[a-zåäö-]+(?: [a-zåäö-]+)?s? kommun)(?: \([^)]*\))?$",
    re.IGNORECASE,
)


@dataclass
class Row:
    index: int  # line index of the numbers
    label: str  # as printed, joined over the lines it took
    key: str  # normalised for the vocabulary
    label_index: int
    tokens: list[str]
    sub: bool
    note_marker: bool
    unit: str | None
    caution: str = ""  # why a reading of the row is weak (one of several), for the editor


@dataclass
class Group:
    id: int
    header: Header
    heading: str
    note: str | None
    unit: str | None  # declared near the header
    rows: list[Row] = field(default_factory=list)
    note_numbers: frozenset[int] = frozenset(range(1, 31))  # the notes the report has
    note_titles: dict = field(default_factory=dict)


@dataclass
class Cell:
    """One number of a table, with what it is; its unit is settled per group later."""

    group: int
    row: Row
    column: Column
    number: Number
    metric: str
    item: str = ""
    item_kind: str = ""
    part_of: str = ""
    rule: str = ""
    unit: str | None = None  # set for percentages, persons and per-row units
    definition: str = ""  # an outcome's definition ("arbete/studier"), for participant rows


def normalise_label(label: str) -> str:
    t = _SUB.sub("", label)
    t = re.sub(r"\s+not\.?\s*\d{0,2}\s*$", "", t, flags=re.I)  # "Verksamhetens intäkter Not 1"
    t = re.sub(r"^\d{1,2}\.\s+", "", t)  # "9. Finansiering från medlemmar"
    t = _UNIT_IN_LABEL.sub("", t)
    t = re.sub(r"\s*/\s*", "/", t)
    t = re.sub(r"[*:]+$", "", t.strip())
    t = re.sub(r"\s+", " ", t)
    return t.strip(" .").lower()


def _looks_like_label(text: str) -> bool:
    t = text.strip()
    return (0 < len(t) <= 70 and len(t.split()) <= 9 and not re.search(r"[.!?]\s*$", t)) or bool(re.search(r"-$", t))


def note_titles(lines: list[Line]) -> dict[int, str]:
    """The report's notes by number ("Not 3 Omsättningstillgångar", or "3. Fordringar" after "Noter")."""
    found: dict[int, str] = {}
    in_notes = False
    for ln in lines:
        t = ln.text.strip()
        if re.match(r"^(?:\d{1,2}\.\s*)?noter\s*$", t, re.I):
            in_notes = True
        m = re.match(r"^not\s*(\d{1,2})(?!\d)\.?\s*(.*)$", t, re.I) or (
            in_notes and re.match(r"^(\d{1,2})\.\s+([A-ZÅÄÖ].*)$", t)
        )
        title = re.sub(r"(?:\s+(?:19|20)\d{2}(?:-\d{2}-\d{2})?)+\s*$", "", m.group(2)) if m else ""
        if m and not re.search(r"\d{3}", title):
            found.setdefault(int(m.group(1)), title.strip())
    return found


def note_numbers(lines: list[Line]) -> frozenset[int]:
    """The numbers a note reference may have: the report's notes, and a few more (not every note has a heading)."""
    found = note_titles(lines)
    return frozenset(range(1, max(found) + 4)) if found else frozenset(range(1, 31))


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-zåäö]{4,}", text.lower())}


def note_penalty(n: int, label: str, titles: dict[int, str]) -> float:
    """How much less likely a leading number is a note reference than a value: none when the note is about
    what the row names, a little when the note is unknown, much when the note is about something else."""
    if n not in titles or not titles[n]:
        return 0.3
    return 0.0 if _stems(label) & _stems(titles[n]) else 1.5


def scan(lines: list[Line], doc_year: int | None, doc_type: str, heading_at) -> list[Group]:
    """Every table group of the report with its rows (values not read yet)."""
    notes_in_report = note_numbers(lines)
    titles = note_titles(lines)
    groups: list[Group] = []
    header: Header | None = None
    current: Group | None = None
    block: list[tuple[int, str]] = []
    block_blank = 0
    pending: list[tuple[int, str]] = []
    pending_blank = 0
    note_marker = False
    note_heading: str | None = None
    last_unit: tuple[int, str] | None = None
    since_row = 0

    def finish_block() -> None:
        nonlocal header, current, block, block_blank
        texts = [t for _i, t in block]
        if not any(header_kind(t) in ("years", "words") for t in texts):
            for i, t in block:
                if header_kind(t) == "unit":
                    _set_unit(i, t)
            block, block_blank = [], 0
            return
        h = parse_header(texts, block[0][0], block[-1][0], doc_year, doc_type)
        unit_lines = [(i, t) for i, t in block if header_kind(t) == "unit"]
        for i, t in unit_lines:
            _set_unit(i, t)
        if h is None:
            # Column words that name no year we can trust: the table's columns are unknown, so its rows
            # are not read at all (never with the previous table's years).
            header, current = None, None
        else:
            declared = h.unit
            if declared is None and last_unit and block[0][0] - last_unit[0] <= 8:
                declared = last_unit[1]
            header = h
            current = Group(len(groups), h, heading_at(block[0][0]), note_heading, declared)
            current.note_numbers, current.note_titles = notes_in_report, titles
            groups.append(current)
        block, block_blank = [], 0

    def _set_unit(i: int, t: str) -> None:
        nonlocal last_unit
        m = re.search(r"\b(tkr|kr|mkr)\b", t, re.IGNORECASE)
        if m:
            last_unit = (i, m.group(1).lower())

    for i, ln in enumerate(lines):
        text = ln.text
        if not text.strip():
            if block:
                block_blank += 1
                if block_blank > 3:
                    finish_block()
            pending_blank += 1
            if pending_blank > 5:
                pending = []
            continue
        if _NOTE_ONLY.match(text) and pending and not block:
            note_marker = True  # "Fordringar" / "Not" / "4 271 438": the 4 is a note reference
            continue
        kind = header_kind(text)
        if kind == "filler" and not block:
            kind = None
        if kind == "unit" and not block:
            _set_unit(i, text)
        if kind:
            if not block and current is not None and current.note and current.rows and not _NOTE_HEADER.match(text):
                note_heading = None  # a new table after a note's rows is not part of that note
            if kind == "years" and _NOTE_HEADER.match(text):  # "Not 1 Verksamhetens intäkter 2023 2022"
                if block:
                    finish_block()
                note_heading = re.sub(
                    r"\s+", " ", re.sub(r"(?:\s+(?:19|20)\d{2}(?:-\d{2}-\d{2})?)+\s*$", "", text)
                ).strip()
            block.append((i, text))
            block_blank = 0
            pending = []
            continue
        if block:
            finish_block()
        if m := _TITLE.match(text):
            header, current, note_heading, pending, note_marker = None, None, None, [], False
            if m.group("unit"):
                u = m.group("unit").lower()
                last_unit = (i, {"kronor": "kr", "tusentals kronor": "tkr"}.get(u, u))
            continue
        if m := _NOTE.match(text):
            note_heading = re.sub(r"\s+", " ", text.strip())
            pending, note_marker = [], False
            if header is not None:
                current = Group(len(groups), header, heading_at(i), note_heading, current.unit if current else None)
                current.note_numbers, current.note_titles = notes_in_report, titles
                groups.append(current)
            continue
        label, toks = trailing_run(text)
        if not toks:
            if _NOTE_ONLY.match(text):
                note_marker = True
                continue
            if _looks_like_label(text):
                if pending and pending_blank > 3:
                    pending = []
                pending.append((i, text.strip()))
                pending = pending[-3:]
            else:
                pending = []
            pending_blank = 0
            continue
        if current is None:
            pending = []
            continue
        since_row += 1
        if not label:
            if not pending:
                continue
            parts = pending
        elif label[:1].islower() and pending and not pending[-1][1].endswith("."):
            parts = [*pending, (i, label)]
        else:
            parts = [(i, label)]
        full = _join([t for _k, t in parts])
        n_cols = len(current.header.columns)
        if (
            n_cols >= 2
            and len(toks) == 1
            and re.fullmatch(r"\d{1,2}", toks[0])
            and label
            and int(toks[0]) in notes_in_report
        ):
            pending, note_marker, pending_blank = [(i, full)], True, 0  # "Verksamhetens intäkter 1": a note
            continue
        unit = _UNIT_IN_LABEL.search(full)
        if re.search(r"\bnot\.?$", full, re.I):  # "Verksamhetens intäkter Not 1 24 812 24 318"
            note_marker = True
        current.rows.append(
            Row(
                index=i,
                label=full,
                key=normalise_label(full),
                label_index=parts[0][0],
                tokens=toks,
                sub=bool(_SUB.match(parts[0][1])),
                note_marker=note_marker,
                unit=(unit.group(1) or unit.group(2)).lower() if unit else None,
            )
        )
        pending, note_marker, pending_blank = [], False, 0
    if block:
        finish_block()
    return [g for g in groups if g.rows]


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if out.endswith("-") and p[:1].islower() and re.search(r"[a-zåäö]-$", out):
            out = out[:-1] + p
        elif out:
            out = f"{out} {p}"
        else:
            out = p
    return re.sub(r"\s+", " ", out)


# -- values --------------------------------------------------------------------------------------


def _tolerance(cells: list[Number]) -> float:
    dec = max((c.decimals for c in cells if not is_nil(c)), default=0)
    return 1.5 * 10.0**-dec


def _satisfies(cols: list[Column], cells: list[Number]) -> bool:
    """Each deviation column equals the difference of two value columns before it (either sign): the two just
    before it, or, with a forecast between them ("Budget Prognos Utfall Avvikelse"), budget and utfall."""
    tol = _tolerance(cells)

    def val(n: Number) -> float:
        return 0.0 if is_nil(n) else n.value

    for k, col in enumerate(cols):
        if col.kind != "deviation":
            continue
        prev = [j for j in range(k) if cols[j].kind == "value"]
        if len(prev) < 2:
            continue
        pairs = [tuple(prev[-2:])]
        budget = [j for j in prev if cols[j].basis == "budget"]
        utfall = [j for j in prev if cols[j].basis == "utfall"]
        if budget and utfall:
            pairs.append((budget[-1], utfall[-1]))
        dv = val(cells[k])
        if not any(abs(abs(dv) - abs(val(cells[a]) - val(cells[b]))) <= tol for a, b in pairs):
            return False
    return True


def read_row(
    row: Row,
    header: Header,
    metric: str | None = None,
    notes: frozenset[int] = frozenset(range(1, 31)),
    titles: dict[int, str] | None = None,
) -> tuple[list[tuple[Column, Number]], str]:
    """The row's value cells (deviations dropped), or ([], why) when it cannot be read one way only."""
    cols = header.columns
    n = len(cols)
    options: list[tuple[bool, list[Number]]] = [(False, c) for c in readings(row.tokens, n)]
    allow_note = header.note_column or row.note_marker
    penalty = 0.0
    if re.fullmatch(r"\d{1,2}", row.tokens[0]) and int(row.tokens[0]) in notes and len(row.tokens) > 1:
        # A leading small number may be a note reference: likely when the header has a note column (or a
        # "Not" line stood over the numbers) and the note is about the row; otherwise only when the plain
        # reading is far less even (a factor of 30 more than the note reading).
        options += [(True, c) for c in readings(row.tokens[1:], n)]
        penalty = note_penalty(int(row.tokens[0]), row.label, titles or {}) if allow_note else 1.5
    options = [(note, c) for note, c in options if _satisfies(cols, c)]
    values = [k for k, c in enumerate(cols) if c.kind == "value"]
    options = [(note, c) for note, c in options if not all(is_nil(c[k]) for k in values)]
    if not options:
        # A balance row may leave its budget and deviation cells empty ("584 026   701 120").
        utfall = [k for k in values if cols[k].basis == "utfall"]
        if metric in STOCK_METRICS and len(utfall) < n:
            few = readings(row.tokens, len(utfall))
            few = [c for c in few if not any(is_nil(x) for x in c)]
            if len(few) == 1 or (few and _decisive(few)):
                best = min(few, key=spread)
                return [(cols[k], x) for k, x in zip(utfall, best, strict=True)], "utfall"
        return [], "raden kan inte delas upp i tabellens kolumner"

    def score(o: tuple[bool, list[Number]]) -> float:
        return spread([o[1][k] for k in values]) + (penalty if o[0] else 0.0)

    options.sort(key=lambda o: (score(o), o[0]))
    best = options[0][1]
    others = [o for o in options[1:] if [x.value for x in o[1]] != [x.value for x in best]]
    for other in others:
        if score(other) - score(options[0]) < 0.5:
            return [], "raden kan läsas på flera sätt"
    cells = [(cols[k], best[k]) for k in values if not is_nil(best[k])]
    close = [o for o in others if score(o) - score(options[0]) < WEAK_MARGIN]
    if close:  # the most even of several plausible readings: proposed as a weak one the editor must confirm
        alt = " ".join(x.printed for x in close[0][1] if not is_nil(x))
        note = f"not {row.tokens[0]} och " if close[0][0] else ""
        return cells, f"{WEAK} (raden kan också läsas som {note}«{alt}»)"
    return cells, ""


def _decisive(options: list[list[Number]], idx: list[int] | None = None) -> bool:
    """The most even reading is clearly more even than the next (a factor of three at least)."""
    if len(options) < 2:
        return True
    spreads = sorted(spread([o[k] for k in idx] if idx else o) for o in options)
    return spreads[1] - spreads[0] >= 0.5


def signs_agree(cells: list[tuple[Column, Number]], metric: str) -> tuple[list[tuple[Column, Number]], str]:
    """Costs are printed with one sign in a row; a cell of the other sign is not a cost of that row."""
    if metric not in COST_METRICS:
        return cells, ""
    nonzero = [(c, x) for c, x in cells if x.value]
    neg = [p for p in nonzero if p[1].value < 0]
    pos = [p for p in nonzero if p[1].value > 0]
    if neg and pos:
        if len(neg) == len(pos):
            return [], "kostnadsraden har både positiva och negativa belopp"
        keep_neg = len(neg) > len(pos)
        odd = pos if keep_neg else neg
        kept = [(c, x) for c, x in cells if not x.value or (x.value < 0) == keep_neg]
        why = ", ".join(f"{x.printed} ({c.year} {c.basis})" for c, x in odd)
        return kept, f"tecknet avviker från radens övriga belopp: {why}"
    return cells, ""


# -- what each row is ----------------------------------------------------------------------------


def member_name(key: str) -> str | None:
    """'bidrag från regioner' → 'regioner'; None when the label is not a member's contribution."""
    m = _MEMBER.match(key)
    return m.group("m") if m else None


def canonical_member(name: str, members: list[tuple[str, str]]) -> str:
    """The member as the registry names it, where the label is generic ('Regionen', 'kommuner', 'staten')."""
    low = name.lower()
    regions = [m for m, kind in members if kind == "region"]
    if re.fullmatch(r"region(?:en)?|regioner(?:na)?|landstinget", low) and len(regions) == 1:
        return regions[0]
    if re.fullmatch(r"kommuner(?:na)?", low):
        return "Kommunerna"
    if low == "staten":
        return "Staten (Försäkringskassan)"
    if low.startswith("försäkringskassan"):
        return "Försäkringskassan"
    return name[:1].upper() + name[1:]


def cells(
    groups: list[Group], members: list[tuple[str, str]]
) -> tuple[list[Cell], list[tuple[Group, Row, list[tuple[Column, Number]]]], list[str]]:
    """Cells with metrics for every group; rows without a metric are returned for linking by value."""
    out: list[Cell] = []
    unnamed: list[tuple[Group, Row, list[tuple[Column, Number]]]] = []
    notes: list[str] = []
    for g in groups:
        note_metric = None
        if g.note:
            title = _NOTE.match(g.note).group("title") if _NOTE.match(g.note) else g.note
            lab = vocab.row_metric(normalise_label(title), "not")
            note_metric = lab.metric if lab else None
        labels = [(r, vocab.row_metric(r.key)) for r in g.rows]
        if g.note:  # "Summa kortfristiga skulder" closes its note
            labels = [
                (r, _TOTAL_LABEL if lab is None and re.match(r"^(?:summa|totalt)\b", r.key) else lab)
                for r, lab in labels
            ]
        labels = _participant_rows(labels)
        categories = {lab.metric for _r, lab in labels if lab and "kategori" in lab.flags}
        parent: tuple[str, str] | None = None  # (metric, label) of the last total row
        item_rows: list[tuple[Row, list[tuple[Column, Number]], str]] = []
        totals: list[tuple[Row, list[tuple[Column, Number]]]] = []
        for r, lab in labels:
            metric = lab.metric if lab else None
            if lab and "kategori" in lab.flags and len(categories) < 2:
                metric = None  # "Individinriktade insatser" alone is a row of a budget, not the split
            if r.sub and metric and metric not in ("medlemsbidrag",) and parent:
                metric = None  # "- Administration" under "Övriga administrativa kostnader" is a part
            read, why = read_row(r, g.header, metric, g.note_numbers, g.note_titles)
            if not read:
                if why and metric:
                    notes.append(f"rad {r.index + 1}: {r.label!r}: {why}")
                continue
            r.caution = why if why.startswith(WEAK) else ""
            if metric == "TOTAL":
                if note_metric:
                    totals.append((r, read))
                else:
                    unnamed.append((g, r, read))
                continue
            if metric:
                read, why = signs_agree(read, metric)
                if metric in STOCK_METRICS:
                    zero = [(c, x) for c, x in read if c.basis != "utfall" and not x.value]
                    if zero:
                        read = [p for p in read if p not in zero]
                        notes.append(
                            f"rad {r.index + 1}: {r.label!r}: 0 i budgetkolumnen för en balanspost "
                            "läses som ej budgeterat"
                        )
                if why:
                    notes.append(f"rad {r.index + 1}: {r.label!r}: {why}")
                persons = METRIC_UNITS.get(metric) == "personer"
                unit = "%" if metric in ("soliditet", "eget_kapital_andel") else "personer" if persons else None
                if persons and any(x.value < 0 or x.decimals for _c, x in read):
                    notes.append(f"rad {r.index + 1}: {r.label!r}: ett antal personer är ett heltal, aldrig negativt")
                    continue
                rule = f"deltagarrad «{r.label}»" if persons else f"tabellrad «{r.label}»"
                cells_of_row = _emit(g, r, read, metric, rule, unit=unit)
                if persons:
                    cells_of_row = [replace(c, definition=DEFINITIONS.get(metric, "")) for c in cells_of_row]
                out += cells_of_row
                if note_metric in COST_METRICS and metric in COST_METRICS and metric != note_metric:
                    # "Individinriktade insatser" in the cost note is a category and one of the note's rows
                    item_rows.append((r, read, ""))
                parent = (metric, r.label)
                continue
            member = member_name(r.key)
            if member and parent and parent[0] == "medlemsbidrag":
                name = canonical_member(member, members)
                out += _emit(
                    g, r, read, "medlemsbidrag", f"medlemmens bidrag under «{parent[1]}»", name, "medlem", "TOTAL"
                )
                continue
            if g.note:
                item_rows.append((r, read, member or ""))
            else:
                unnamed.append((g, r, read))
        if note_metric and item_rows:
            out += _note_items(g, item_rows, note_metric, members)
        elif item_rows:
            unnamed += [(g, r, read) for r, read, _m in item_rows]
        all_members = bool(item_rows) and all(m for _r, _x, m in item_rows)
        for r, read in totals:
            for metric in note_total_metrics(g, note_metric, all_members):
                out += _emit(g, r, read, metric, f"summaraden i noten «{g.note}»")
    return out, unnamed, notes


_SEX_ROW = re.compile(r"^(?:varav |därav |- )?(kvinnor|män)$")


def _participant_rows(labels: list[tuple[Row, vocab.Label | None]]) -> list[tuple[Row, vocab.Label | None]]:
    """Rows the statement vocabulary does not name but the participant vocabulary does ("Antal deltagare",
    "Avslutade deltagare", "Till arbete eller studier"), and "varav kvinnor"/"varav män" right under a count
    of persons: counts in a table of year columns."""
    out: list[tuple[Row, vocab.Label | None]] = []
    parent: str | None = None
    for r, lab in labels:
        if lab is None:
            found = vocab.row_metric(r.key, "deltagarrad")
            sex = _SEX_ROW.match(r.key)
            if found and METRIC_UNITS.get(found.metric) == "personer":
                lab, parent = found, found.metric
            elif sex and parent in SEX_METRICS:
                name = SEX_METRICS[parent][sex.group(1) == "män"]
                lab = vocab.Label(name, "deltagarrad", r.key, frozenset(), re.compile(re.escape(r.key)))
            else:
                parent = None
        elif METRIC_UNITS.get(lab.metric) != "personer":
            parent = None
        out.append((r, lab))
    return out


def _note_items(g: Group, rows, note_metric: str, members) -> list[Cell]:
    out: list[Cell] = []
    income = note_metric in ("verksamhetens_intakter", "medlemsbidrag")
    kind = "intaktspost" if income else "kostnadspost" if note_metric in COST_METRICS else "post"
    for r, read, member in rows:
        name = canonical_member(member, members) if member else _item_name(r.label)
        if income and member:
            out += _emit(g, r, read, "medlemsbidrag", f"medlemmens bidrag i noten «{g.note}»", name, "medlem", "TOTAL")
            if not all(m for _r, _x, m in rows):  # other income too: the members are parts of the income
                out += _emit(
                    g, r, read, "verksamhetens_intakter", f"intäktspost i noten «{g.note}»", name, kind, "TOTAL"
                )
        elif income:
            out += _emit(g, r, read, "verksamhetens_intakter", f"intäktspost i noten «{g.note}»", name, kind, "TOTAL")
        else:
            out += _emit(g, r, read, note_metric, f"post i noten «{g.note}»", name, kind, "TOTAL")
    return out


def note_total_metrics(g: Group, note_metric: str, all_members: bool) -> list[str]:
    if note_metric in ("verksamhetens_intakter", "medlemsbidrag"):
        return ["medlemsbidrag", "verksamhetens_intakter"] if all_members else ["verksamhetens_intakter"]
    return [note_metric]


def _item_name(label: str) -> str:
    t = _SUB.sub("", label).strip()
    t = _UNIT_IN_LABEL.sub("", t).strip()
    return t[:1].upper() + t[1:]


def _emit(
    g: Group,
    r: Row,
    read: list[tuple[Column, Number]],
    metric: str,
    rule: str,
    item: str = "",
    item_kind: str = "",
    part_of: str = "",
    unit: str | None = None,
) -> list[Cell]:
    out = []
    for col, num in read:
        if num is None or (isinstance(num.value, float) and math.isnan(num.value)):
            continue
        out.append(
            Cell(
                g.id,
                r,
                col,
                num,
                metric,
                item,
                item_kind,
                part_of,
                f"{rule}, kolumnen {col.year} ({col.basis})",
                unit or r.unit,
            )
        )
    return out
