"""Reviewing a proposal: the table an editor corrects, the report text beside it, figures added by hand,
and turning the decisions into source rows."""

from __future__ import annotations

import html
import math
import re

import polars as pl

from lib.ingest import vocabulary as vocab
from lib.ingest.layout import Sections
from lib.ingest.propose import UNREVIEWED
from lib.ingest.reading import Line
from lib.ingest.runs import readings, trailing_run
from lib.numbers import NumberFormatError, normalise, parse_number
from lib.registry import METRICS
from lib.schema import SOURCE_COLUMNS, check_source_row

ADDED = "tillagd för hand vid granskningen"

# In the order an editor reads a row: decision, the value and its unit, what it is, where it stands.
REVIEW_SCHEMA = {
    "Godkänn": pl.Boolean,
    "Tryckt värde": pl.String,
    "Enhet": pl.String,
    "År": pl.String,
    "Mått": pl.String,
    "Obs": pl.String,
    "Rad": pl.Int64,
    "Etikett": pl.String,
    "Raden i rapporten": pl.String,
    "Sida": pl.String,
    "Skäl": pl.String,
}
REVIEW_COLUMNS = list(REVIEW_SCHEMA)


FIGURE_KEY = ("metric", "year", "basis", "period", "item", "kommun", "age_band")


def proposal_key(row: dict) -> str:
    """A proposal's identity within one file: its line and what figure it is."""
    return "|".join(str(row.get(k) or "") for k in ("line", *FIGURE_KEY))


def _figure_key(row: dict) -> tuple:
    return tuple(str(row.get(k) or ("helår" if k == "period" else "")) for k in FIGURE_KEY)


def decisions_of(rows: list[dict[str, str]], edited: list[dict]) -> dict[str, dict]:
    """What the editor decided differently from the proposal (tick, printed value, unit), by proposal key: the
    review's state, small enough to keep after every click."""
    out: dict[str, dict] = {}
    for r, d in zip(rows, edited, strict=True):
        change: dict[str, object] = {}
        if bool(d.get("Godkänn")) != (not r.get("caution")):
            change["ok"] = bool(d.get("Godkänn"))
        printed = str(d.get("Tryckt värde") or "").strip()
        if printed != r["printed"]:
            change["printed"] = printed
        unit = str(d.get("Enhet") or "").strip()
        if unit != r["printed_unit"]:
            change["unit"] = unit
        if change:
            out[proposal_key(r)] = change
    return out


def against_previous(rows: list[dict[str, str]], previous: list[dict], version: int) -> list[dict[str, str]]:
    """A new file of a published document, read against the version before it: a proposal the previous version
    published with the same printed value is confirmed by that review (ticked); one whose value differs is
    shown with the old value and left unticked; one the version did not have (its editor left it out, or the
    file is new there) is left unticked too."""
    before: dict[tuple, list[dict]] = {}
    for p in previous:
        before.setdefault(_figure_key(p), []).append(p)
    out = []
    for r in rows:
        r = dict(r)
        old = before.get(_figure_key(r), [])
        if any(_squash(p["printed"]) == _squash(r["printed"]) for p in old):
            r["caution"], r["previously"] = "", f"som i version {version}"
        elif old:
            was = ", ".join(f"«{p['printed']} {p['printed_unit']}» (rad {p['line']})" for p in old)
            r["caution"] = f"ändrat sedan version {version}: där {was}; godkänn om det nya stämmer"
        elif not r.get("caution"):  # left out of that version by its editor, or new in this file: ask
            r["caution"] = f"inte med i version {version}; godkänn om det stämmer"
        out.append(r)
    return out


def not_proposed_now(rows: list[dict[str, str]], previous: list[dict]) -> list[dict]:
    """Figures of the previous version that no proposal of the new file gives (added by hand then, or read
    from a line that changed)."""
    now = {_figure_key(r) for r in rows}
    return [p for p in previous if _figure_key(p) not in now]


def carry_over(previous: list[dict], lines: list[Line]) -> tuple[list[dict[str, str]], list[dict]]:
    """Previous figures whose printed value stands on the same line of the new file, as figures added by
    hand (their provenance checked again), and those that do not."""
    by_no = {ln.no: ln for ln in lines}
    kept, left = [], []
    for p in previous:
        ln = by_no.get(int(p["line"]) if str(p.get("line", "")).isdigit() else -1)
        if ln is None or not stands_on(p["printed"], ln.text):
            left.append(p)
            continue
        row = {c: p.get(c, "") for c in SOURCE_COLUMNS}
        row.update(page=str(ln.page or ""), note=ADDED)
        row["rule"] = ADDED
        kept.append(row)
    return kept, left


def review_table(
    rows: list[dict[str, str]], lines: list[Line], decisions: dict[str, dict] | None = None
) -> pl.DataFrame:
    """One row per proposed figure, next to the report line it was read from; ``decisions`` (a saved review)
    replace the proposal's tick, printed value and unit."""
    text = {ln.no: re.sub(r"\s+", " ", ln.text).strip() for ln in lines}
    decided = [(decisions or {}).get(proposal_key(r), {}) for r in rows]
    return pl.DataFrame(
        {
            "Godkänn": [d.get("ok", not r.get("caution")) for r, d in zip(rows, decided, strict=True)],
            "Tryckt värde": [d.get("printed", r["printed"]) for r, d in zip(rows, decided, strict=True)],
            "Enhet": [d.get("unit", r["printed_unit"]) for r, d in zip(rows, decided, strict=True)],
            "År": [r["year"] + ("" if r["basis"] == "utfall" else f" {r['basis']}") for r in rows],
            "Mått": [
                METRICS[r["metric"]].label
                + (f" – {r['kommun']}" if r["kommun"] else "")
                + (f" – {r['item']}" if r.get("item") else "")
                for r in rows
            ],
            "Obs": [r.get("caution") or r.get("previously", "") for r in rows],
            "Rad": [int(r["line"]) for r in rows],
            "Etikett": [r["label"] for r in rows],
            "Raden i rapporten": [text.get(int(r["line"]), "") for r in rows],
            "Sida": [r["page"] for r in rows],
            "Skäl": [r.get("rule", "") for r in rows],
        },
        schema=REVIEW_SCHEMA,
    )


def apply_review(
    rows: list[dict[str, str]], decisions: list[dict], reviewer: str, today: str
) -> tuple[list[dict[str, str]], list[str]]:
    """Accepted rows with the editor's corrections, marked reviewed; problems for rows that no longer validate."""
    out, problems = [], []
    for row, decision in zip(rows, decisions, strict=True):
        if not decision.get("Godkänn"):
            continue
        new = {c: row.get(c, "") for c in SOURCE_COLUMNS}
        note = f"granskad av {reviewer} {today}"
        if row.get("rule") == ADDED:
            note = f"{ADDED} av {reviewer} {today}"
        corrected = str(decision.get("Tryckt värde", row["printed"])).strip()
        if corrected != row["printed"]:
            note += f"; rättad vid granskning, förslaget var {row['printed']}"
            new["printed"] = corrected
        new["printed_unit"] = str(decision.get("Enhet", row["printed_unit"])).strip()
        old = row.get("note", "")
        if row.get("rule") == ADDED:
            new["note"] = note
        elif old.startswith(UNREVIEWED):  # the proposal's rule was shown; keep only what explains the value
            kept = [p for p in old.split("; ")[1:] if p.startswith("talet ")]
            new["note"] = "; ".join([note, *kept])
        else:
            new["note"] = f"{old}; {note}" if old else note
        errors = check_source_row("granskning", int(new["line"]), new, set())
        if errors:
            problems += [f"rad {new['line']} ({new['metric']} {new['year']}): {e.message}" for e in errors]
            continue
        try:
            parse_number(new["printed"])
        except NumberFormatError as exc:
            problems.append(f"rad {new['line']} ({new['metric']} {new['year']}): {exc}")
            continue
        out.append(new)
    return out, problems


def _squash(text: str) -> str:
    """Text compared for 'does it stand on the line': normalised dashes and spaces, no space runs."""
    return re.sub(r"\s+", " ", normalise(text)).strip().lower()


MAX_GROUP_TOKENS = 14  # a table row's numbers; readings are enumerated only up to this many tokens


_NUMBER_TOKEN = re.compile(r"^[-(]?\d+(?:[,.]\d+)?\)?%?$")


def number_groups(text: str) -> list[str]:
    """Every number the line's numbers can be read as, in order: "Kansli 2 410 2 388 22" (columns one space
    apart) gives "2 410", "2", "410", "2 388", "388", "22"; numbers in running text ("en budget på -1 210
    tkr") too. Runs of numbers two or more spaces apart are separate columns. The editor picks the printed one."""
    flat = re.sub(r"[^\S ]", " ", normalise(text))
    # Runs of number tokens anywhere on the line, each cut into columns where the gap is two spaces or more.
    columns: list[list[str]] = []
    united: set[int] = set()  # runs followed by a unit ("4 012 500 kr"): one amount
    current: list[str] = []
    for m in re.finditer(r"\S+", flat):
        tok = m.group(0).rstrip(".,:;")
        gap = flat[: m.start()]
        wide = len(gap) - len(gap.rstrip(" ")) >= 2
        if tok and _NUMBER_TOKEN.match(tok) and not re.fullmatch(r"\(?(?:19|20)\d{2}\)?", tok):
            if current and wide:
                columns.append(current)
                current = []
            current.append(tok)
        else:
            if current:
                if tok and vocab.unit_of(tok) is not None:
                    united.add(len(columns))
                columns.append(current)
            current = []
    if current:
        columns.append(current)
    columns = [c[-MAX_GROUP_TOKENS:] for c in columns]
    found: dict[str, tuple[int, int]] = {}
    offset = 0
    for n, col in enumerate(columns):
        # Where the line sets its numbers apart (wide gaps, words or a unit after them), single spaces inside
        # a run group digits: one number, if the run reads as one. A lone run may be several columns.
        one = (len(columns) > 1 or n in united) and readings(col, 1)
        for count in [1] if one else range(1, len(col) + 1):
            for reading in readings(col, count):
                start = offset
                for cell in reading:
                    width = len(cell.printed.replace("- ", "-").split())
                    if not math.isnan(cell.value):
                        found.setdefault(cell.printed, (start, -width))
                    start += max(width, 1)
        offset += len(col)
    return sorted(found, key=found.get)


def stands_on(printed: str, text: str) -> bool:
    """Whether the printed value stands whole on the line: "5 222 00" is not on "5 222 000", and "480" is on
    "skulder   480       552" (columns are wider apart than a thousands group's one space); "2 410" is on
    "Kansli 2 410 2 388 22" (one reading of numbers printed one space apart)."""
    p = _squash(printed)
    text = re.sub(r"\s", " ", normalise(text)).lower()  # spacing kept: it tells columns from digit groups
    if re.search(rf"(?<![\w,.])(?<!\d ){re.escape(p)}(?!\w|[,.]\d| \d)", text):
        return True
    if p in {_squash(g) for g in number_groups(text)}:
        return True
    joined = p.replace(" ", "")
    return bool(re.search(rf"(?<![\d,.]){re.escape(joined)}(?!\d|[,.]\d)", text.replace(" ", "")))


def item_kind_for(metric: str) -> str:
    """What a named row of a metric is: a participant count of an insats, a member's contribution, a post."""
    if METRICS[metric].unit == "personer":
        return "insats"
    if metric == "medlemsbidrag":
        return "medlem"
    if metric == "verksamhetens_intakter":
        return "intaktspost"
    if metric.startswith("kostnad") or metric == "verksamhetens_kostnader":
        return "kostnadspost"
    return "post"


def added_row(
    lines: list[Line],
    *,
    line: int,
    metric: str,
    year: int,
    basis: str,
    printed: str,
    unit: str,
    label: str = "",
    item: str = "",
) -> tuple[dict[str, str] | None, list[str]]:
    """A figure the extractor missed, chosen by the editor: the printed value (and label) must stand on that
    report line, so the provenance stays checkable. ``item``: the insats, member or post the figure is of (its
    kind follows from the metric). Returns the row, or None and why not."""
    by_no = {ln.no: (i, ln) for i, ln in enumerate(lines)}
    if line not in by_no:
        return None, [f"rapporten har ingen rad {line} (raderna är 1–{lines[-1].no if lines else 0})"]
    index, ln = by_no[line]
    text = _squash(ln.text)
    printed = printed.strip()
    problems = []
    if metric not in METRICS:
        problems.append(f"okänt mått '{metric}'")
    if not printed:
        problems.append("skriv talet som det står i rapporten")
    elif not stands_on(printed, ln.text):
        problems.append(f"«{printed}» står inte på rad {line}: «{ln.text.strip()[:120]}»")
    if not label.strip() and printed and _squash(printed) in text:
        row_label, trailing = trailing_run(normalise(ln.text))
        if row_label and _squash(printed) in _squash(" ".join(trailing)):  # a table row: the text before its numbers
            label = row_label.strip(" :.–-")
        else:
            label = ln.text[: normalise(ln.text).find(normalise(printed).split()[0])].strip(" :.–-")
    label = re.sub(r"\s+", " ", label).strip()[:120]
    if label and _squash(label) not in text:
        problems.append(f"etiketten «{label}» står inte på rad {line}")
    if problems:
        return None, problems
    row = {c: "" for c in SOURCE_COLUMNS}
    row.update(
        section=re.sub(r"\s+", " ", Sections(lines).at(index)).strip()[:120] or "(utan rubrik)",
        line=str(line),
        label=label or METRICS[metric].label,
        metric=metric,
        year=str(year),
        basis=basis,
        printed=printed,
        printed_unit=unit,
        page=str(ln.page or ""),
        note=ADDED,
    )
    if item.strip():
        row.update(item=re.sub(r"\s+", " ", item).strip()[:120], item_kind=item_kind_for(metric), part_of="TOTAL")
    row["rule"] = ADDED
    errors = check_source_row("tillägg", line, row, set())
    if errors:
        return None, [e.message for e in errors]
    try:
        parse_number(printed)
    except NumberFormatError as exc:
        return None, [str(exc)]
    return row, []


def excerpt_html(
    lines: list[Line], focus: int, marked: set[int] = frozenset(), radius: int = 8, highlight: int | None = None
) -> str:
    """The report around line ``focus`` as escaped HTML: line numbers, the ``highlight`` line (default: the
    focus) highlighted, other lines with proposals underlined. Everything from the report is escaped (no
    markup or links from a file)."""
    by_no = {ln.no: i for i, ln in enumerate(lines)}
    centre = by_no.get(focus, 0)
    highlight = focus if highlight is None else highlight
    rows = []
    for ln in lines[max(0, centre - radius) : centre + radius + 1]:
        style = "padding:1px 6px;white-space:pre-wrap;overflow-wrap:anywhere"
        if ln.no == highlight:
            style += ";background:rgba(230,159,0,.35);font-weight:600;border-left:4px solid #E69F00"
        elif ln.no in marked:
            style += ";background:rgba(0,114,178,.10);border-left:4px solid rgba(0,114,178,.5)"
        else:
            style += ";border-left:4px solid transparent"
        page = f" s.{ln.page}" if ln.page else ""
        rows.append(
            f'<div style="{style}"><span style="opacity:.6;user-select:none">{ln.no}{page}  </span>'
            f"{html.escape(ln.text.rstrip()) or '&nbsp;'}</div>"
        )
    return (
        '<div style="font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;line-height:1.45;'
        'border:1px solid rgba(128,128,128,.35);border-radius:6px;padding:4px 0;max-height:26rem;overflow-y:auto">'
        + "".join(rows)
        + "</div>"
    )


def corrections_off_the_line(rows: list[dict[str, str]], lines: list[Line]) -> list[str]:
    """Corrected values that do not stand on their report line: allowed (an OCR slip in the text itself), but
    the editor is told, because the line no longer shows the number."""
    text = {ln.no: ln.text for ln in lines}
    out = []
    for r in rows:
        if "rättad vid granskning" in r.get("note", "") and not stands_on(r["printed"], text.get(int(r["line"]), "")):
            out.append(
                f"rad {r['line']} ({METRICS[r['metric']].label} {r['year']}): «{r['printed']}» står inte på raden; "
                "det rättade värdet publiceras med förslagets värde i anteckningen"
            )
    return out
