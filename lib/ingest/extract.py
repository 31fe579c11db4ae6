"""Section finders: from numbered report lines to proposed figures in the curated source format.

Each finder looks for one kind of table or sentence and proposes figures with the line, page and
label as printed, marked unreviewed. Nothing is invented: what is not found is listed as missing,
and a figure found twice with different values is a conflict for a person to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lib.ingest.reading import Line
from lib.ingest.runs import Number, split_run, trailing_run, years_in
from lib.registry import HAE_CATEGORIES
from lib.schema import SOURCE_COLUMNS

UNREVIEWED = "ogranskad: föreslagen av lib.ingest"
LOOKAHEAD = 3  # PDF text often puts a row's numbers a line or two below its label


@dataclass
class Proposal:
    rows: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self, line: Line, section: str, label: str, metric: str, year: int, number: Number, unit: str, **extra: str
    ) -> None:
        row = {c: "" for c in SOURCE_COLUMNS}
        row.update(
            section=section,
            line=str(line.no),
            label=label,
            metric=metric,
            year=str(year),
            basis="utfall",
            printed=number.printed,
            printed_unit=unit,
            page=str(line.page or ""),
            note=UNREVIEWED,
        )
        row.update({k: str(v) for k, v in extra.items()})
        self.rows.append(row)


# -- helpers ---------------------------------------------------------------------------------------


def _numbers_after(lines: list[Line], i: int, count: int, check=None) -> tuple[Line, str, list[Number]] | None:
    """The label on line i and ``count`` numbers on it or on one of the next lines (a row split by the PDF)."""
    label, toks = trailing_run(lines[i].text)
    got = _read(toks, count, check) if toks else None
    if got:
        return lines[i], label, got
    for j in range(i + 1, min(i + 2 + LOOKAHEAD, len(lines))):
        nxt_label, toks = trailing_run(lines[j].text)
        if nxt_label.lower() in ("not", "not."):
            continue
        if toks and (not nxt_label or len(nxt_label) <= 3):
            got = _read(toks, count, check)
            if got:
                return lines[j], label, got
        elif lines[j].text.strip() and nxt_label:
            break
    return None


def _read(toks: list[str], count: int, check=None) -> list[Number] | None:
    """The numbers of a row; a leading note reference ("5 2 571 2 598" under 'Not') is dropped."""
    got = split_run(toks, count, check)
    if got:
        return got
    more = split_run(toks, count + 1, (lambda v: check(v[1:])) if check else None)
    if more and more[0].decimals == 0 and 0 < more[0].value <= 20 and more[0].printed.isdigit():
        return more[1:]
    return None


def _unit_near(lines: list[Line], i: int, default: str) -> str:
    """'Belopp i tkr' / 'Belopp i kr' (or '(tkr)') at or just above a table."""
    for j in range(i, max(-1, i - 8), -1):
        t = lines[j].text.lower()
        if "tkr" in t:
            return "tkr"
        if re.search(r"belopp i kr|\bkr\.?\s*$", t):
            return "kr"
    return default


def _plausible_unit(unit: str, values: list[float], typical_kr: tuple[float, float] = (300_000, 200_000_000)) -> str:
    """Headings lie ('Belopp i tkr' over amounts in kr): a förbund's amounts are a few hundred thousand to
    some hundred million kronor, so a unit that puts the largest amount far outside that is corrected."""
    big = max((abs(v) for v in values), default=0)
    if not big:
        return unit
    scale = 1000 if unit == "tkr" else 1
    if big * scale > typical_kr[1] and unit == "tkr":
        return "kr"
    if big * scale < typical_kr[0] / 3 and unit == "kr":  # a whole table of totals below 100 000 kr: tkr
        return "tkr"
    return unit


def _find(lines: list[Line], pattern: str, start: int = 0, stop: int | None = None) -> Iterator[int]:
    rx = re.compile(pattern, re.IGNORECASE)
    for i in range(start, stop if stop is not None else len(lines)):
        if rx.search(lines[i].text):
            yield i


def _years_header(lines: list[Line], i: int, want: int, doc_year: int | None, p: Proposal) -> list[int] | None:
    """The years of a table's columns from the header just above (or on) line i."""
    for j in range(i, max(-1, i - 12), -1):
        ys = years_in(lines[j].text)
        if len(ys) > want:
            return None  # a table with more year columns than this finder reads: never guess which
        if len(ys) == want:
            if len(set(ys)) < len(ys) and doc_year:
                p.notes.append(
                    f"rad {lines[j].no}: tabellhuvudet anger {' '.join(map(str, ys))}; "
                    f"kolumnerna tolkas som {doc_year} och {doc_year - 1}"
                )
                ys = [doc_year - k for k in range(want)]
            return ys
    return None


# -- finders ---------------------------------------------------------------------------------------

FIVE_YEAR_ROWS = [
    (r"^verksamhetens intäkter", "verksamhetens_intakter"),
    (r"^verksamhetens kostnader", "verksamhetens_kostnader"),
    (r"^årets resultat", "arets_resultat"),
    (r"^soliditet", "soliditet"),
]


def find_five_year(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """The five-year overview: a header of five years, then rows of five values."""
    for h in range(len(lines)):
        ys = years_in(lines[h].text)
        if len(ys) != 5 or ys != sorted(ys, reverse=True) or ys[0] - ys[-1] != 4:
            continue
        unit = _unit_near(lines, h, "kr")
        section = "Översikt över verksamhetens utveckling"
        found = []
        for i in range(h + 1, min(h + 16, len(lines))):
            for pattern, metric in FIVE_YEAR_ROWS:
                if re.match(pattern, lines[i].text.strip(), re.IGNORECASE):
                    got = _numbers_after(lines, i, 5)
                    if got:
                        found.append((metric, got))
        # One unit for the whole table, judged on all its amounts (headings are missing or wrong at times).
        unit = _plausible_unit(unit, [n.value for m, (_ln, _lb, ns) in found if m != "soliditet" for n in ns])
        for metric, (line, label, nums) in found:
            for y, n in zip(ys, nums, strict=True):
                p.add(line, section, label, metric, y, n, "%" if metric == "soliditet" else unit)


STATEMENT_ROWS = {
    "Resultaträkning": [
        (r"^verksamhetens (intäkter|medlemsavgifter)", "verksamhetens_intakter"),
        (r"^verksamhetens kostnader", "verksamhetens_kostnader"),
        (r"^finansiella intäkter", "finansiella_intakter"),
        (r"^finansiella kostnader", "finansiella_kostnader"),
        (r"^(periodens/)?årets resultat", "arets_resultat"),
    ],
    "Balansräkning": [
        (r"^summa tillgångar", "summa_tillgangar"),
        (r"^(summa )?eget kapital\b(?!,)", "eget_kapital"),
        (r"^kassa och bank", "likvida_medel"),
        (r"^summa skulder", "skulder"),
        (
            r"^summa eget kapital,? (avsättningar )?och skulder|^summa eget kapital, avsättningar, skulder",
            "summa_eget_kapital_och_skulder",
        ),
    ],
}


def find_statements(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """Resultaträkning and balansräkning totals, two year columns in either order."""
    for heading, rows in STATEMENT_ROWS.items():
        for h in _find(lines, rf"^\s*(\d\.\s*)?{heading}\s*$"):
            ys = None
            table: list = []
            unit = _unit_near(lines, min(h + 6, len(lines) - 1), "kr")
            for i in range(h + 1, min(h + 45, len(lines))):
                text = lines[i].text.strip()
                if (
                    re.match(
                        r"^\s*(\d\.\s*)?(balansräkning|kassaflödesanalys|noter|driftredovisning)\s*$",
                        text,
                        re.IGNORECASE,
                    )
                    and i > h + 2
                ):
                    break
                if ys is None:
                    found = years_in(text)
                    if len(found) >= 2:
                        ys = _years_header(lines, i, 2, doc_year, p)
                        unit = _unit_near(lines, i, unit)
                    continue
                for pattern, metric in rows:
                    if re.match(pattern, text, re.IGNORECASE):
                        got = _numbers_after(lines, i, 2)
                        if got:
                            table.append((metric, got))
                        break
            # One unit for the table, judged on all its amounts (a lone "-1 655" kr must stay kr).
            unit = _plausible_unit(unit, [n.value for _m, (_ln, _lb, ns) in table for n in ns])
            for metric, (line, label, nums) in table:
                for y, n in zip(ys or [], nums, strict=False):
                    p.add(line, heading, label, metric, y, n, unit)


_MB = re.compile(
    r"(tilldelning från förbundsmedlemmarna (uppgick|uppgår) till|driftbidrag från parterna med)\s+"
    r"(\d{1,3}(?: \d{3})+)\s*(kronor|kr)",
    re.IGNORECASE,
)
_EK_PCT = re.compile(r"(eg(?:et|na) kapital(?:et)?[^%]{0,80}?)(\d{1,3}(?:,\d)?) ?(%|procent)", re.IGNORECASE)


def find_sentences(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """Medlemsbidrag and the eget kapital percentage as the text states them."""
    if not doc_year:
        return
    for ln in lines:
        m = _MB.search(ln.text)
        if m:
            p.add(
                ln,
                "Förvaltningsberättelse",
                m.group(1),
                "medlemsbidrag",
                doc_year,
                Number(float(m.group(3).replace(" ", "")), m.group(3), 0),
                "kr",
            )
        m = _EK_PCT.search(ln.text)
        if m and "rekommend" not in ln.text.lower() and "ska inte" not in ln.text.lower():
            # The first percentage after "eget kapital" that is not the 20 % ceiling it is compared with.
            for pm in re.finditer(r"(\d{1,3}(?:,\d)?) ?(%|procent)", ln.text[m.start(2) :]):
                pct = pm.group(1)
                if pct == "20" or not 0 < float(pct.replace(",", ".")) < 400:
                    continue
                label = re.sub(r"\s+", " ", m.group(1)).strip()[-40:]
                printed = pct + (" %" if pm.group(2) == "%" else "")
                p.add(
                    ln,
                    "Förvaltningsberättelse",
                    label,
                    "eget_kapital_andel",
                    doc_year,
                    Number(float(pct.replace(",", ".")), printed, 0),
                    "%",
                )
                break


# Sentences stating the year's participants, matched over a line and the one before it (a sentence
# broken by the PDF still counts), the number standing on the recorded line.
_PART = [
    re.compile(r"(\d+) deltagare (?:har )?deltagit", re.I),
    re.compile(r"deltog (\d+) personer", re.I),
    re.compile(r"nått ut till (\d+) deltagare", re.I),
    re.compile(r"individinriktade insatser under \d{4} var (\d+) personer", re.I),
]
_TABLE_PART = [
    (r"^inskrivna deltagare", ("deltagare", "deltagare_kvinnor", "deltagare_man"), ""),
    (r"^nytillkomna deltagare", ("nya_deltagare", "nya_deltagare_kvinnor", "nya_deltagare_man"), ""),
    (r"^avslutade deltagare", ("avslutade_deltagare", "avslutade_deltagare_kvinnor", "avslutade_deltagare_man"), ""),
    (
        r"^varav till arbete/studier",
        ("avslutade_arbete_studier", "avslutade_arbete_studier_kvinnor", "avslutade_arbete_studier_man"),
        "arbete/studier",
    ),
]
_STEG = re.compile(r"(\d+) av (\d+) avslutade deltagarna har gjort stegförflyttning", re.I)


def find_participants(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """Participant counts in sentences and in a total/kvinnor/män table."""
    if not doc_year:
        return
    for k, ln in enumerate(lines):
        prev = lines[k - 1].text.rstrip() + " " if k else ""
        for rx in _PART:
            m = rx.search(prev + ln.text)
            if m and m.start(1) >= len(prev):
                label = ln.text[: m.start(1) - len(prev)].strip() or ln.text[m.end(1) - len(prev) :].strip()[:30]
                p.add(
                    ln,
                    "Deltagare",
                    label[-40:] or "deltagare",
                    "deltagare",
                    doc_year,
                    Number(float(m.group(1)), m.group(1), 0),
                    "personer",
                )
                break
        m = _STEG.search(ln.text)
        if m:
            p.add(
                ln,
                "Deltagare",
                "avslutade deltagarna har gjort stegförflyttning",
                "avslutade_stegforflyttning",
                doc_year,
                Number(float(m.group(1)), m.group(1), 0),
                "personer",
                definition="positiv stegförflyttning",
            )
            p.add(
                ln,
                "Deltagare",
                "avslutade deltagarna",
                "avslutade_deltagare",
                doc_year,
                Number(float(m.group(2)), m.group(2), 0),
                "personer",
            )
    for i, ln in enumerate(lines):
        for pattern, metrics, definition in _TABLE_PART:
            if re.match(pattern, ln.text.strip(), re.I):
                got = _numbers_after(lines, i, 3, check=lambda v: abs(v[0] - v[1] - v[2]) < 0.5)
                if got:
                    line, label, nums = got
                    for metric, n in zip(metrics, nums, strict=True):
                        p.add(line, "Deltagare", label, metric, doc_year, n, "personer", definition=definition)


def _hae_check(v: list[float]) -> bool:
    """Six categories sum to the total (rounded counts), and total ÷ population is the share."""
    return abs(sum(v[:6]) - v[6]) <= 6 and v[7] > 0 and abs(100 * v[6] / v[7] - v[8]) <= 0.15


_HAE_HEAD = re.compile(r"helårsekvivalenter i åldrarna (20–6[45]|20-6[45]) år", re.I)


def find_hae(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """HÅE tables: a heading naming the age band and period, then one row per kommun and Riket."""
    for h in range(len(lines)):
        m = _HAE_HEAD.search(lines[h].text)
        if not m:
            continue
        band = m.group(1).replace("-", "–")
        context = " ".join(lines[k].text for k in range(h, min(h + 3, len(lines))))
        half = re.search(r"halvår (\d{4})", context, re.I)
        year = int(half.group(1)) if half else (years_in(context) or [doc_year])[0]
        period = "halvår 1" if half else "helår"
        for i in range(h + 1, min(h + 60, len(lines))):
            if _HAE_HEAD.search(lines[i].text):
                break
            label, toks = trailing_run(lines[i].text)
            if not label or not toks or len(label.split()) > 2:
                continue
            nums = split_run(toks, 9, _hae_check)
            if not nums:
                continue
            kommun = label
            metrics = [*HAE_CATEGORIES, "hae_totalt", "folkmangd", "hae_andel"]
            for metric, n in zip(metrics, nums, strict=True):
                unit = "%" if metric == "hae_andel" else "personer" if metric == "folkmangd" else "HÅE"
                p.add(
                    lines[i],
                    "Helårsekvivalenter",
                    kommun,
                    metric,
                    year,
                    n,
                    unit,
                    kommun=kommun,
                    age_band=band,
                    period=period,
                )


_SPLIT = [
    (r"^administration\b", "administration"),
    (r"^individinriktade insatser", "individinriktat"),
    (r"^strukturövergripande insatser", "strukturovergripande"),
]


def find_cost_split(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """A printed three-way split: 'Administration 856 000 20,16 %' and its siblings."""
    if not doc_year:
        return
    for i, ln in enumerate(lines):
        if not re.match(r"^administration\b", ln.text.strip(), re.I):
            continue
        block = lines[i : i + 4]
        if not any(re.match(r"^individinriktade insatser", b.text.strip(), re.I) for b in block):
            continue
        unit = _unit_near(lines, i, "kr")
        for b in block:
            for pattern, cat in _SPLIT:
                if re.match(pattern, b.text.strip(), re.I):
                    label, toks = trailing_run(b.text)
                    nums = split_run(toks, 2)
                    if nums:
                        u = _plausible_unit(unit, [nums[0].value])
                        p.add(b, "Kostnadsfördelning", label, f"kostnad_{cat}", doc_year, nums[0], u)
                        p.add(b, "Kostnadsfördelning", label, f"kostnad_{cat}_andel", doc_year, nums[1], "%")
        break


_MEMBER = re.compile(
    r"^\s*-?\s*(?:driftbidrag från|bidrag från|bidrag)\s+(.+)$|^\s*-?\s*(.+?\b(?:kommun|region|regionen|"
    r"försäkringskassan|staten|region [a-zåäö ]+))$",
    re.I,
)


def find_members(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """Members' contributions in a note ("Bidrag från Försäkringskassan 1880 1876", "Kumla kommun 525 685,00 …")."""
    for h in _find(lines, r"(not \d+\.?|^\d\.)\s*verksamhetens (intäkter|medlemsavgifter)|finansiering från medlemmar"):
        ys = None
        unit = _unit_near(lines, min(h + 4, len(lines) - 1), "kr")
        table = []
        for i in range(max(0, h - 4), min(h + 20, len(lines))):
            text = lines[i].text.strip()
            if ys is None and len(years_in(text)) >= 2 and not re.search(r"kommun|region|bidrag", text, re.I):
                ys = _years_header(lines, i, 2, doc_year, p)
                unit = _unit_near(lines, i, unit)
                continue
            label, toks = trailing_run(text)
            m = _MEMBER.match(label) if label else None
            if not m or not toks:
                if re.match(r"^(summa|totalt)", text, re.I) and table:
                    break
                continue
            nums = _read(toks, 2)
            if nums:
                table.append((lines[i], label, (m.group(1) or m.group(2)).strip(" -"), nums))
        if not table or ys is None:
            continue
        unit = _plausible_unit(unit, [n.value for *_x, ns in table for n in ns], (30_000, 200_000_000))
        for line, label, member, nums in table:
            for y, n in zip(ys, nums, strict=True):
                p.add(
                    line,
                    "Noter, medlemmarnas bidrag",
                    label,
                    "medlemsbidrag",
                    y,
                    n,
                    unit,
                    item=member,
                    item_kind="medlem",
                    part_of="TOTAL",
                )


_SEX = re.compile(r"varav (\d+) kvinnor och (\d+) män", re.I)


def find_sex_split(lines: list[Line], p: Proposal, doc_year: int | None) -> None:
    """'193 personer (varav 90 kvinnor och 103 män)' — also when the sentence breaks over two lines."""
    if not doc_year:
        return
    for k in range(len(lines)):
        here = lines[k].text
        nxt = lines[k + 1].text if k + 1 < len(lines) else ""
        m = _SEX.search(here + " " + nxt)
        if not m or m.start() >= len(here):
            continue  # found on the next line: handled when we get there
        before = (lines[k - 1].text + " " if k else "") + here[: m.start()]
        after = (here + " " + nxt)[m.end() :][:80].lower()
        # Only the year's total: "inskrivna … var 193 personer (varav …)", not finished or new participants.
        if (
            not re.search(r"(inskrivna|deltog|totalt)[^.]{0,90}$", before, re.I)
            or "nyinskrivna" in before.lower()
            or "avslut" in after
            or "påbörjat" in after
            or "tillkommit" in before.lower()
        ):
            continue
        for group, metric in ((1, "deltagare_kvinnor"), (2, "deltagare_man")):
            pos = m.start(group)
            line = lines[k] if pos < len(here) else lines[k + 1]
            value = m.group(group)
            p.add(
                line,
                "Deltagare",
                "kvinnor" if group == 1 else "män",
                metric,
                doc_year,
                Number(float(value), value, 0),
                "personer",
            )


FINDERS: list[Callable[[list[Line], Proposal, int | None], None]] = [
    find_five_year,
    find_statements,
    find_sentences,
    find_participants,
    find_hae,
    find_cost_split,
    find_members,
    find_sex_split,
]
