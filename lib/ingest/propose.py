"""From report lines to a proposal for review: figures (each with its rule), missing metrics, conflicts and findings.

The readers (tables, sentences, participants, HÅE) each propose what they read; here units are
settled per table (a heading, the plausibility of a förbund's totals, and agreement with figures
already read elsewhere in the report), total rows of notes and summaries are linked to the
statement figure they equal, and the proposals are checked, de-duplicated (the same report line
read twice is one figure) and compared: two different values for one figure are a conflict for the
editor, never a choice made here.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import polars as pl

from lib.checks import run_checks
from lib.derive import derive
from lib.downloads import safe_cell
from lib.ingest import hae, participants, sentences, tables
from lib.ingest.layout import Sections, insats_sections, paragraphs
from lib.ingest.reading import Line
from lib.numbers import UNIT_SCALE
from lib.registry import METRICS
from lib.schema import FIGURES_SCHEMA, MAPPINGS_SCHEMA, SOURCE_COLUMNS, check_source_row, conform
from lib.sources import compile_figure

UNREVIEWED = "ogranskad: föreslagen av lib.ingest"
CONFLICT = "olika värden för samma uppgift i rapporten"

# What every annual report should give; listed as missing when not found.
EXPECTED_METRICS = (
    "medlemsbidrag",
    "verksamhetens_intakter",
    "verksamhetens_kostnader",
    "arets_resultat",
    "eget_kapital",
    "summa_tillgangar",
    "likvida_medel",
    "deltagare",
)
# The figures the evaluation measures recall over (issue #12): of any basis, per named row too.
IN_SCOPE_METRICS = frozenset(
    {
        "medlemsbidrag",
        "verksamhetens_intakter",
        "verksamhetens_kostnader",
        "finansiella_intakter",
        "finansiella_kostnader",
        "arets_resultat",
        "eget_kapital",
        "summa_tillgangar",
        "likvida_medel",
        "kostnad_administration",
        "kostnad_individinriktat",
        "kostnad_strukturovergripande",
        "deltagare",
        "deltagare_kvinnor",
        "deltagare_man",
        "nya_deltagare",
        "avslutade_deltagare",
        "avslutade_arbete_studier",
    }
)
KEY = ("metric", "year", "basis", "period", "item", "kommun", "age_band")
PLAUSIBLE_KR = (100_000, 500_000_000)  # a förbund's total income, costs or assets, in kronor
MAX_KR = 10_000_000_000  # two orders of magnitude beyond the largest förbund: an amount above is a misreading
MAX_PERSONS = 100_000  # participants of one förbund in a year are at most some thousands
TOTAL_METRICS = frozenset(
    {"verksamhetens_intakter", "verksamhetens_kostnader", "summa_tillgangar", "summa_eget_kapital_och_skulder"}
)
LINKABLE = (
    "verksamhetens_kostnader",
    "verksamhetens_intakter",
    "medlemsbidrag",
    "summa_tillgangar",
    "likvida_medel",
    "skulder",
    "fordringar",
    "eget_kapital",
)


@dataclass
class Result:
    rows: list[dict[str, str]]
    figures: pl.DataFrame
    missing: list[str]
    conflicts: list[str]
    notes: list[str]
    findings: pl.DataFrame
    year: int | None = None
    doc_type: str = "årsredovisning"

    def csv(self) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(SOURCE_COLUMNS), lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows({k: safe_cell(v) for k, v in r.items()} for r in self.rows)
        return buf.getvalue()

    def summary(self) -> str:
        parts = [f"{len(self.rows)} föreslagna uppgifter (ogranskade)"]
        if self.missing:
            parts.append("Saknas: " + ", ".join(self.missing))
        parts += [f"Konflikt: {c}" for c in self.conflicts]
        parts += [f"Notering: {n}" for n in self.notes]
        parts.append(f"{self.findings.height} avvikelser enligt konsistenskontrollerna")
        parts += [f"  - {d}" for d in self.findings["description"].to_list()[:15]]
        return "\n".join(parts)


@dataclass
class _Draft:
    line: Line
    metric: str
    year: int
    basis: str
    printed: str
    unit: str
    label: str
    section: str
    rule: str
    item: str = ""
    item_kind: str = ""
    part_of: str = ""
    kommun: str = ""
    age_band: str = ""
    period: str = ""
    definition: str = ""
    negate: bool = False
    qualifier: str = ""
    value: float | None = None  # only for a printed value that is not a number ("åtta")
    extra: dict = field(default_factory=dict)
    caution: str = ""  # a weak proposal: shown as such and not pre-ticked


def clear_caches() -> None:
    """Forget the header lines read so far (for a benchmark that measures a report read cold)."""
    from lib.ingest import columns

    columns._items.cache_clear()
    columns.header_kind.cache_clear()


def guess_year(lines: list[Line]) -> int | None:
    """The report's year from its own words ("Årsredovisning 2023", "budgetåret 2023", "Verksamhetsplan 2024")."""
    counts: Counter[int] = Counter()
    rx = re.compile(
        r"(årsredovisning(?:en)?|verksamhetsplan(?:en)?|budgetår(?:et)?|verksamhetsåret|räkenskapsåret|för år|"
        r"perioden 1 januari\s?[–-]\s?31 december)\s+(?:för\s+)?((?:19|20)\d{2})",
        re.I,
    )
    for ln in lines[:400]:
        for m in rx.finditer(ln.text):
            counts[int(m.group(2))] += 1
    return counts.most_common(1)[0][0] if counts else None


def guess_type(lines: list[Line]) -> str:
    head = " ".join(ln.text for ln in lines[:80]).lower()
    vp, ar = head.count("verksamhetsplan"), head.count("årsredovisning")
    return "verksamhetsplan" if vp > ar else "årsredovisning"


def propose(
    lines: list[Line],
    forbund: str,
    year: int | None = None,
    document: str = "forslag",
    doc_type: str | None = None,
    members: list[tuple[str, str]] | None = None,
) -> Result:
    """Run every reader; settle units; link totals; keep each printed figure once; report conflicts and findings."""
    year = year or guess_year(lines)
    doc_type = doc_type or guess_type(lines)
    members = members or []
    notes: list[str] = []
    if year is None:
        notes.append("Rapportens år hittades inte; ange året")
    sections = Sections(lines)
    drafts: list[_Draft] = []

    groups = tables.scan(lines, year, doc_type, sections.at)
    cells, unnamed, table_notes = tables.cells(groups, members)
    notes += table_notes
    units, unit_notes = _resolve_units(groups, cells, unnamed)
    notes += unit_notes
    cells += _link_totals(groups, unnamed, units, cells)
    by_group = {g.id: g for g in groups}
    for c in cells:
        unit = c.unit if c.unit in ("%", "tkr", "kr", "mkr", "personer") else units.get(c.group)
        if unit is None or c.column.basis not in ("utfall", "budget", "plan"):
            continue
        g = by_group[c.group]
        drafts.append(
            _Draft(
                line=lines[c.row.index],
                metric=c.metric,
                year=c.column.year,
                basis=c.column.basis,
                printed=c.number.printed,
                unit="%" if METRICS[c.metric].unit == "%" else unit,
                label=c.row.label,
                section=g.note or g.heading,
                rule=c.rule,
                item=c.item,
                item_kind=c.item_kind,
                part_of=c.part_of,
                caution=c.row.caution,
                definition=c.definition,
            )
        )
    drafts += _category_tables(lines, year, sections)

    sections_insats = insats_sections(lines)
    known = "\n".join(ln.text for ln in lines)
    by_line = {ln.no: i for i, ln in enumerate(lines)}
    for p in paragraphs(lines):
        facts, why = sentences.read(p, year, doc_type)
        notes += why
        for f in facts:
            m = f.mention
            drafts.append(
                _Draft(
                    line=p.line_at(f.pos),
                    metric=f.metric,
                    year=f.year,
                    basis=f.basis,
                    printed=m.printed,
                    unit=m.unit if m.unit != "pe" else "%",
                    label=f.label,
                    section=sections.at(p.line_index[f.pos - 0]),
                    rule=f.rule,
                    negate=f.negate,
                    qualifier=m.qualifier or "",
                    value=abs(m.value) if m.joined else None,
                )
            )
        pfacts, pwhy = participants.read(p, year, sections_insats, known, lines, by_line)
        notes += pwhy
        for f in pfacts:
            m = f.mention
            unit = "%" if METRICS[f.metric].unit == "%" else "personer"
            drafts.append(
                _Draft(
                    line=f.line,
                    metric=f.metric,
                    year=f.year,
                    basis="utfall",
                    printed=m.printed,
                    unit=unit,
                    label=f.label,
                    section=sections.at(f.line.no - 1),
                    rule=f.rule,
                    item=f.item,
                    item_kind="insats" if f.item else "",
                    definition=f.definition,
                    qualifier=m.qualifier or "",
                    value=f.value,
                )
            )
    drafts += [_reader_draft(r, sections.at(r["line"].no - 1)) for r in participants.read_key_values(lines, year)]
    drafts += [_reader_draft(r, r["section"]) for r in participants.read_tables(lines, year)]
    drafts += [_reader_draft(r, "Helårsekvivalenter") for r in hae.read(lines, year)]
    result = _finish(drafts, lines, forbund, year, document, doc_type, notes)
    # "rad 39: … lästes inte" from one reader is noise when another reader proposed that line.
    proposed = {r["line"] for r in result.rows}
    result.notes = [n for n in result.notes if not ("lästes inte" in n and _note_line(n) in proposed)]
    return result


_READER_FIELDS = ("definition", "qualifier", "kommun", "age_band", "period", "item", "item_kind", "part_of")


def _reader_draft(r: dict, section: str) -> _Draft:
    """A draft from a reader that returns dicts (participants' key values and tables, HÅE): an actual figure,
    counted in persons unless the reader says otherwise."""
    return _Draft(
        line=r["line"],
        metric=r["metric"],
        year=r["year"],
        basis="utfall",
        printed=r["printed"],
        unit=r.get("unit", "personer"),
        label=r["label"],
        section=section,
        rule=r["rule"],
        **{k: r[k] for k in _READER_FIELDS if k in r},
    )


def _note_line(note: str) -> str | None:
    m = re.match(r"rad (\d+):", note)
    return m.group(1) if m else None


# -- units --------------------------------------------------------------------------------------


def _plausible(values: list[float], scale: int) -> bool | None:
    vals = [abs(v) * scale for v in values if v]
    if not vals:
        return None
    lo, hi = PLAUSIBLE_KR
    return all(lo <= v <= hi for v in vals)


def _kr(c: tables.Cell, unit: str) -> float:
    v = c.number.value * UNIT_SCALE[unit]
    return abs(v) if c.metric in tables.COST_METRICS else v


def _resolve_units(groups, cells, unnamed) -> tuple[dict[int, str], list[str]]:
    """One unit per table: the heading's when its totals are plausible, else the plausible one, else by agreement."""
    notes: list[str] = []
    by_group: dict[int, list[tables.Cell]] = defaultdict(list)
    for c in cells:
        if c.unit not in ("%", "personer"):  # counts of persons say nothing of a table's kr or tkr
            by_group[c.group].append(c)
    extra: dict[int, list[float]] = defaultdict(list)
    for g, r, read in unnamed:
        if tables.vocab.row_metric(r.key) and tables.vocab.row_metric(r.key).metric == "TOTAL":
            extra[g.id] += [x.value for _c, x in read]
    units: dict[int, str] = {}
    tentative: dict[int, str] = {}
    for g in groups:
        totals = [c.number.value for c in by_group[g.id] if c.metric in TOTAL_METRICS and not c.item]
        declared = g.unit
        if not totals and not by_group[g.id]:
            totals = extra[g.id]
        plaus = {u: _plausible(totals, UNIT_SCALE[u]) for u in ("kr", "tkr")}
        if declared and plaus.get(declared) in (True,):
            units[g.id] = declared
        elif plaus["kr"] is True and plaus["tkr"] is not True:
            units[g.id] = "kr"
        elif plaus["tkr"] is True and plaus["kr"] is not True:
            units[g.id] = "tkr"
        elif declared:
            tentative[g.id] = declared
        if declared and g.id in units and units[g.id] != declared:
            notes.append(
                f"tabellen under «{g.header.text[:60]}» anger {declared}, men beloppen är rimliga först i "
                f"{units[g.id]}: läses som {units[g.id]}"
            )
    for _round in range(4):
        anchors = _anchors(cells, units)
        changed = False
        for g in groups:
            if g.id in units:
                continue
            vote = Counter()
            for c in by_group[g.id]:
                if c.item:
                    continue
                for u in ("kr", "tkr"):
                    for a, tol in anchors.get((c.metric, c.column.year, c.column.basis), []):
                        if abs(_kr(c, u) - a) <= max(tol, 0.5 * UNIT_SCALE[u]) + 1e-6:
                            vote[u] += 1
            if vote and len(vote) == 1:
                (u,) = vote
                units[g.id] = u
                changed = True
                if tentative.get(g.id) and tentative[g.id] != u:
                    notes.append(
                        f"tabellen under «{g.header.text[:60]}» anger {tentative[g.id]}, men beloppen stämmer med "
                        f"samma uppgifter i {u} på andra ställen i rapporten: läses som {u}"
                    )
        if not changed:
            break
    counted = Counter(units.values())
    default = counted.most_common(1)[0][0] if counted else None
    for g in groups:
        if g.id not in units:
            u = tentative.get(g.id) or default
            if u:
                units[g.id] = u
            elif by_group[g.id]:
                notes.append(f"tabellen under «{g.header.text[:60]}»: enheten (kr/tkr) framgår inte; läses inte")
    return units, notes


def _anchors(cells, units) -> dict[tuple, list[tuple[float, float]]]:
    out: dict[tuple, list[tuple[float, float]]] = defaultdict(list)
    for c in cells:
        u = units.get(c.group)
        if u is None or c.item or c.unit in ("%", "personer"):
            continue
        out[(c.metric, c.column.year, c.column.basis)].append((_kr(c, u), 0.5 * UNIT_SCALE[u]))
    return out


def _link_totals(groups, unnamed, units, cells) -> list[tables.Cell]:
    """A total row the vocabulary cannot name ("Summa", "Totalt") is the statement figure it equals, if just one."""
    anchors = _anchors(cells, units)
    out: list[tables.Cell] = []
    by_group: dict[int, list] = defaultdict(list)
    for g, r, read in unnamed:
        by_group[g.id].append((g, r, read))
    for gid, rows in by_group.items():
        u = units.get(gid)
        if u is None:
            continue
        for g, r, read in rows:
            lab = tables.vocab.row_metric(r.key)
            if not lab or lab.metric != "TOTAL" or r.sub:
                continue
            found = set()
            for metric in LINKABLE:
                ok = bad = 0
                for col, num in read:
                    if col.basis != "utfall":
                        continue
                    fake = tables.Cell(gid, r, col, num, metric)
                    cands = anchors.get((metric, col.year, "utfall"), [])
                    if not cands:
                        continue
                    if any(abs(_kr(fake, u) - a) <= max(tol, 0.5 * UNIT_SCALE[u]) + 1e-6 for a, tol in cands):
                        ok += 1
                    else:
                        bad += 1
                if ok and not bad:
                    found.add(metric)
            if len(found) != 1:
                continue
            (metric,) = found
            rule = f"summaraden «{r.label}» är lika med {METRICS[metric].label.lower()} på andra ställen i rapporten"
            out += tables._emit(g, r, read, metric, rule)
            if g.note:  # the note's other rows are the parts of that figure
                kind = "kostnadspost" if metric in tables.COST_METRICS else "post"
                for g2, r2, read2 in rows:
                    lab2 = tables.vocab.row_metric(r2.key)
                    if r2 is r or (lab2 and lab2.metric == "TOTAL"):
                        continue
                    name = tables._item_name(r2.label)
                    out += tables._emit(g2, r2, read2, metric, f"post i noten «{g.note}»", name, kind, "TOTAL")
    return out


# -- a printed cost split without year columns ----------------------------------------------------


def _strip_unit(text: str) -> tuple[str, str | None]:
    """'Administration   890 tkr' → ('Administration   890', 'tkr'): an amount's unit printed at the row's end."""
    m = re.search(r"(?<=\d)\s*([^\d\s][^\d]*?)\s*$", text)  # what follows the last digit
    if m:
        unit = tables.vocab.unit_of(m.group(1))
        if unit and unit.unit in ("kr", "tkr", "mkr"):
            return text[: m.start()].rstrip(), unit.unit
    return text, None


def _category_tables(lines: list[Line], year: int | None, sections: Sections) -> list[_Draft]:
    """'Administration 856 000 20,16 %' with its siblings and a 'Summa' row: the three-way split as printed."""
    out: list[_Draft] = []
    if year is None:
        return out
    i = 0
    while i < len(lines):
        block: list[tuple[int, str, str, list[str]]] = []
        row_units: list[str | None] = []  # "890 tkr": the unit printed after each amount
        j = i
        while j < len(lines) and len(block) < 6:
            text = lines[j].text.strip()
            if not text:
                j += 1
                continue
            text, row_unit = _strip_unit(text)
            label, toks = tables.trailing_run(text)
            lab = tables.vocab.row_metric(tables.normalise_label(label)) if label else None
            if lab and ("kategori" in lab.flags or (lab.metric == "TOTAL" and block)) and toks:
                block.append((j, lab.metric, label, toks))
                row_units.append(row_unit)
                j += 1
                if lab.metric == "TOTAL":
                    break
                continue
            break
        cats = {m for _j, m, _l, _t in block if m != "TOTAL"}
        if len(cats) < 2:
            i = j + 1 if j > i else i + 1
            continue
        printed_units = {u for u in row_units if u}
        if len(printed_units) > 1:  # rows in different units are not one table
            i = j
            continue
        unit_decl = printed_units.pop() if printed_units else None
        for k in range(block[0][0], max(-1, block[0][0] - 5), -1):
            if unit_decl:
                break
            m = re.search(r"\b(tkr|kr|mkr)\b", lines[k].text, re.I)
            if m:
                unit_decl = m.group(1).lower()
                break
        title = " ".join(lines[k].text for k in range(max(0, block[0][0] - 4), block[0][0]))
        ys = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title))
        row_year = int(ys.pop()) if len(ys) == 1 else year
        read = []
        for j2, metric, label, toks in block:
            amount_toks = [t for t in toks if t != "%"]
            pct = None
            if (toks and toks[-1] == "%") or (len(amount_toks) > 1 and "," in amount_toks[-1]):
                pct = amount_toks[-1]
                amount_toks = amount_toks[:-1]
            opts = tables.readings(amount_toks, 1)
            if len(opts) != 1:
                read = []
                break
            read.append((j2, metric, label, opts[0][0], pct))
        if not read:
            i = j
            continue
        amounts = [n.value for _j, m, _l, n, _p in read if m == "TOTAL"] or [sum(n.value for *_x, n, _p in read)]
        unit = unit_decl or "kr"
        if not _plausible(amounts, UNIT_SCALE[unit]):
            other = "kr" if unit == "tkr" else "tkr"
            if _plausible(amounts, UNIT_SCALE[other]):
                unit = other
            else:
                i = j
                continue
        for j2, metric, label, num, pct in read:
            target = "verksamhetens_kostnader" if metric == "TOTAL" else metric
            base = dict(
                line=lines[j2],
                year=row_year,
                basis="utfall",
                label=label,
                section=sections.at(j2),
                rule=f"kostnadsfördelning «{label}»",
            )
            out.append(_Draft(metric=target, printed=num.printed, unit=unit, **base))
            if pct and metric != "TOTAL":
                out.append(_Draft(metric=f"{metric}_andel", printed=pct, unit="%", **base))
        i = j
    return out


# -- from drafts to checked source rows ---------------------------------------------------------


def _row(d: _Draft) -> dict[str, str]:
    row = {c: "" for c in SOURCE_COLUMNS}
    note = f"{UNREVIEWED} – {d.rule}"
    if d.value is not None:
        how = "står i ord" if re.search(r"[a-zåäö]", d.printed, re.I) else "har oregelbundna mellanrum"
        note += f"; talet {how} («{d.printed}»), läst som {d.value:g}"
    row.update(
        section=re.sub(r"\s+", " ", d.section or "").strip()[:120] or "(utan rubrik)",
        line=str(d.line.no),
        label=re.sub(r"\s+", " ", d.label).strip()[:120] or d.metric,
        metric=d.metric,
        year=str(d.year),
        basis=d.basis,
        period=d.period,
        item=d.item,
        item_kind=d.item_kind,
        part_of=d.part_of,
        kommun=d.kommun,
        age_band=d.age_band,
        definition=d.definition,
        printed=d.printed,
        printed_unit=d.unit,
        value=str(d.value) if d.value is not None else "",
        negate="ja" if d.negate else "",
        qualifier=d.qualifier,
        page=str(d.line.page or ""),
        note=note,
    )
    row["rule"] = d.rule
    row["caution"] = d.caution
    return row


def implausible(metric: str, value: float) -> str:
    """Why a value cannot be a förbund's figure (orders of magnitude beyond any förbund), or ''."""
    unit = METRICS[metric].unit
    if unit == "kr" and abs(value) > MAX_KR:
        return f"{value:,.0f} kr är mer än något samordningsförbund omsätter".replace(",", " ")
    if unit == "personer" and metric != "folkmangd" and not 0 <= value <= MAX_PERSONS:
        return f"{value:,.0f} personer är fler än något förbund har deltagare".replace(",", " ")
    if unit == "HÅE" and not 0 <= value <= 10_000_000:
        return "fler helårsekvivalenter än Sverige har"
    if unit == "%" and not -1000 <= value <= 1000:
        return f"{value:g} % är ingen andel i en rapport"
    return ""


def _value_kr(row: dict[str, str], document: str, forbund: str) -> float | None:
    try:
        return compile_figure(document, forbund, row)["value"]
    except (ValueError, KeyError):
        return None


def _finish(drafts, lines, forbund, year, document, doc_type, notes) -> Result:
    kept: list[dict[str, str]] = []
    seen: dict[tuple, list[tuple[float, dict]]] = defaultdict(list)
    per_line: dict[tuple, set] = defaultdict(set)
    problems = []
    rows = []
    for d in drafts:
        if d.metric not in METRICS:
            continue
        r = _row(d)
        errors = check_source_row("förslag", int(r["line"]), r, {document})
        if errors:
            problems.append("; ".join(e.message for e in errors))
            continue
        v = _value_kr(r, document, forbund)
        if v is None:
            continue
        why = implausible(d.metric, v)
        if why:
            notes.append(f"rad {r['line']}: {r['printed']} {r['printed_unit']} föreslås inte: {why}")
            continue
        key = tuple(r[k] or ("helår" if k == "period" else "") for k in KEY)
        per_line[(key, r["line"])].add(round(v, 6))
        rows.append((key, v, r))
    ambiguous = {k for k, vals in per_line.items() if len(vals) > 1}
    for k in sorted(ambiguous):
        notes.append(f"rad {k[1]}: {k[0][0]} {k[0][1]} läses på två sätt; inget föreslås")
    for key, v, r in sorted(rows, key=lambda t: int(t[2]["line"])):
        if (key, r["line"]) in ambiguous:
            continue
        if any(abs(v0 - v) < 1e-6 and (r0["line"] == r["line"] or _reprint(r0, r)) for v0, r0 in seen[key]):
            continue  # the same line read twice, or the same table printed twice
        seen[key].append((v, r))
        kept.append(r)
    conflicts = []
    for key, copies in seen.items():
        if _differ(copies):
            where = ", ".join(f"{r['printed']} {r['printed_unit']} (rad {r['line']})" for _v, r in copies)
            name = METRICS[key[0]].label + (f" – {key[4]}" if key[4] else "")
            label = name + (f" ({key[2]})" if key[2] != "utfall" else "")
            conflicts.append(f"{label} {key[1]}: {where}")
            for _v, r in copies:  # never pre-ticked: the editor picks the right one
                r["caution"] = f"{CONFLICT}: {where}; godkänn det som stämmer"
    expected = EXPECTED_METRICS if doc_type == "årsredovisning" else ("medlemsbidrag", "verksamhetens_kostnader")
    missing = [m for m in expected if year and not any(r["metric"] == m and r["year"] == str(year) for r in kept)]
    for note in problems[:5]:
        notes.append(f"förkastad rad: {note}")
    figures = _figures(kept, document, forbund)
    return Result(kept, figures, missing, conflicts, _unique(notes), run_checks(figures), year, doc_type)


def result_from(answer: dict, forbund: str, document: str) -> Result:
    """A proposal computed elsewhere (lib.ingest.isolated: its rows, missing metrics, conflicts and notes) with
    its figures and findings computed again here from the rows."""
    rows = [dict(r) for r in answer["rows"]]
    figures = _figures(rows, document, forbund)
    return Result(
        rows,
        figures,
        list(answer["missing"]),
        list(answer["conflicts"]),
        list(answer["notes"]),
        run_checks(figures),
        answer.get("year"),
        answer.get("doc_type") or "årsredovisning",
    )


def _reprint(first: dict, later: dict) -> bool:
    """The same table printed again far on (a report extracted twice): same heading, same label, same printing."""
    return (
        (first["section"], first["label"], first["printed"]) == (later["section"], later["label"], later["printed"])
        and first["section"] != "(utan rubrik)"
        and int(later["line"]) - int(first["line"]) > 200
    )


def _differ(copies: list[tuple[float, dict]]) -> bool:
    """Two printed copies disagree beyond what their rounding allows (7 930 tkr and 7 929 730 kr agree)."""
    for k, (v1, r1) in enumerate(copies):
        for v2, r2 in copies[k + 1 :]:
            tol = 0.5 * max(_step(r1), _step(r2))
            if abs(v1 - v2) > tol + 1e-6:
                return True
    return False


def _step(r: dict) -> float:
    scale = UNIT_SCALE.get(r["printed_unit"], 1)
    dec = len(re.split(r"[,.]", r["printed"])[1]) if re.search(r"\d[,.]\d", r["printed"]) else 0
    return scale * 10.0**-dec


def _unique(notes: list[str]) -> list[str]:
    out, seen = [], set()
    for n in notes:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _figures(kept: list[dict[str, str]], document: str, forbund: str) -> pl.DataFrame:
    seen_ids = set()
    figures = []
    for r in kept:
        f = compile_figure(document, forbund, r)
        if f["figure_id"] in seen_ids:
            continue
        seen_ids.add(f["figure_id"])
        figures.append(f)
    if not figures:
        return pl.DataFrame(schema=FIGURES_SCHEMA)
    fig_df = conform(pl.DataFrame(figures, schema=FIGURES_SCHEMA, strict=False), FIGURES_SCHEMA)
    forbund_df = pl.DataFrame(
        {"forbund": [forbund], "income_is_medlemsbidrag_line": [None], "income_is_medlemsbidrag_document": [None]},
        schema={
            "forbund": pl.String,
            "income_is_medlemsbidrag_line": pl.Int32,
            "income_is_medlemsbidrag_document": pl.String,
        },
    )
    derived = derive(fig_df, forbund_df, pl.DataFrame(schema=MAPPINGS_SCHEMA))
    return pl.concat([fig_df, derived])
