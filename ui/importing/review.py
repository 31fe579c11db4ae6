"""The import page's review: the proposals beside the report, kept in the store after every change, a new
file read against the published version, and figures added by the line's numbers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from lib import editors
from lib.format import fmt_time, format_frame
from lib.ingest.isolated import propose_isolated
from lib.ingest.propose import Result
from lib.ingest.reading import Line
from lib.ingest.review import (
    REVIEW_COLUMNS,
    added_row,
    against_previous,
    apply_review,
    carry_over,
    corrections_off_the_line,
    decisions_of,
    excerpt_html,
    not_proposed_now,
    number_groups,
    review_table,
)
from lib.registry import BASES, METRICS, UNITS
from ui import common, published
from ui.importing.registration import DocumentMeta
from ui.importing.upload import Report, no_longer_wanted, say


def proposals(report: Report, slug: str, meta: DocumentMeta, members: list[tuple[str, str]]) -> Result:
    """The extractor's proposal, computed once per report, förbund, year, type and member list."""
    memo = st.session_state.setdefault("_proposals", {})
    key = (report.sha256, slug, meta.year, meta.type, tuple(members))
    if key not in memo:
        memo.clear()
        with st.spinner("Uppgifterna föreslås …"):
            memo[key] = propose_isolated(
                report.lines, slug, meta.year, meta.document, meta.type, members, no_longer_wanted()
            )
    return memo[key]


def _metric_label(metric: str) -> str:
    return METRICS[metric].label


@dataclass
class Start:
    """Where a review of one file for one document begins: a saved review of it, or the published version."""

    decisions: dict
    added: list[dict]
    said: list[str]
    previous: list[dict]  # the published version's figures, when this is a new file of a published document
    version: int = 0


def review_start(report: Report, meta: DocumentMeta, reviewer: str) -> Start:
    """Once per document and file in a session: the editor's saved review of this very file (after a restart,
    a lost connection or another day), else the published version's reviewed rows to compare a new file with."""
    key = f"_start_{meta.document}_{report.key}"
    if key in st.session_state:
        return st.session_state[key]
    start = Start({}, [], [], [])
    try:
        store = published.store()
        saved = store.review(reviewer, meta.document)
        state = store.published()
    except Exception as exc:  # the review still works; it is only not kept
        start.said.append(f"Granskningen kan inte sparas just nu ({say(exc, 200)}); den finns bara i den här fliken.")
        st.session_state[key] = start
        return start
    if saved and saved["sha256"] == report.sha256:
        start.decisions = dict(saved["state"].get("decisions") or {})
        start.added = [dict(r) for r in saved["state"].get("added") or []]
        start.said.append(
            f"Din granskning av {say(saved['source_file'], 120)} från {fmt_time(saved['saved_at'])} är återställd: "
            f"{len(start.decisions)} ändrade förslag och {len(start.added)} tillagda uppgifter."
        )
    elif saved:
        start.said.append(
            f"Din sparade granskning av {meta.document} gäller en annan fil ({say(saved['source_file'], 120)}, "
            f"{fmt_time(saved['saved_at'])}); den här filen granskas från början och ersätter den."
        )
    doc = next((d for d in state.documents if d["document"] == meta.document), None)
    if doc is not None and doc.get("sha256") != report.sha256:
        start.previous = list(state.figures.get(meta.document, []))
        start.version = int(doc["version"])
    st.session_state[key] = start
    return start


def keep_review(report: Report, meta: DocumentMeta, reviewer: str, decisions: dict, added: list[dict]) -> None:
    """Save the review after every change (in the store, per editor and document); say when it was saved."""
    state = {"decisions": decisions, "added": added}
    memo = f"_saved_{meta.document}_{report.key}"
    text = json.dumps(state, ensure_ascii=False, sort_keys=True)
    last = st.session_state.get(memo)
    if last is None and not decisions and not added:
        return  # nothing decided yet: nothing to keep
    if last is None or last[0] != text:
        try:
            editor = editors.authorise(common.editor_decision(), getattr(st.user, "email", None))
            at = published.store().save_review(
                editor, meta.document, report.sha256, report.name, state, forbund=meta.forbund
            )
        except Exception as exc:  # shown, never a traceback; the review goes on in this tab
            st.caption(f"Granskningen kunde inte sparas: {say(exc, 200)}")
            return
        last = (text, at)
        st.session_state[memo] = last
    st.caption(
        f"Granskningen sparas efter varje ändring (senast {fmt_time(last[1])}); laddar du upp samma fil igen, "
        "efter en omstart eller en annan dag, fortsätter du där du slutade."
    )


def _grid_changed(k: str, rows: list[dict]) -> None:
    """The report beside the grid follows the row the editor last changed."""
    state = st.session_state.get(f"review_{k}") or {}
    edits = state.get("edited_rows", {}) if isinstance(state, dict) else {}
    before = st.session_state.get(f"_edits_{k}", {})
    changed = [int(i) for i, v in edits.items() if before.get(i) != v]
    st.session_state[f"_edits_{k}"] = {i: dict(v) for i, v in edits.items()}
    if changed and 0 <= changed[-1] < len(rows):
        st.session_state[f"focus_{k}"] = changed[-1]
        st.session_state[f"view_{k}"] = int(rows[changed[-1]]["line"])


def _focus_changed(k: str, rows: list[dict]) -> None:
    i = st.session_state.get(f"focus_{k}")
    if isinstance(i, int) and 0 <= i < len(rows):
        st.session_state[f"view_{k}"] = int(rows[i]["line"])


def _scroll(k: str, by: int, last: int) -> None:
    st.session_state[f"view_{k}"] = min(max(1, int(st.session_state.get(f"view_{k}", 1)) + by), last)


def report_viewer(report: Report, k: str, all_rows: list[dict], proposed: int) -> None:
    """The report around the chosen (or last changed) figure, its line highlighted, and the whole report
    browsable a screen at a time or from any line."""
    last = max(1, report.lines[-1].no if report.lines else 1)
    if all_rows:
        st.selectbox(
            "Visa i rapporten",
            range(len(all_rows)),
            format_func=lambda i: (
                f"{i + 1}. rad {all_rows[i]['line']}: {METRICS[all_rows[i]['metric']].label} "
                f"{all_rows[i]['printed']}" + (" (tillagd)" if i >= proposed else "")
            ),
            key=f"focus_{k}",
            on_change=_focus_changed,
            args=(k, all_rows),
            help="Följer också den rad i tabellen som du senast ändrade",
        )
    if f"view_{k}" not in st.session_state:
        st.session_state[f"view_{k}"] = int(all_rows[0]["line"]) if all_rows else 1
    centre = min(max(1, int(st.session_state[f"view_{k}"])), last)
    marked = {int(r["line"]) for r in all_rows}
    focus = st.session_state.get(f"focus_{k}")
    chosen = int(all_rows[focus]["line"]) if isinstance(focus, int) and 0 <= focus < len(all_rows) else None
    st.html(excerpt_html(report.lines, centre, marked, radius=14, highlight=chosen))
    c1, c2, c3 = st.columns([1, 1, 1])
    c1.button("▲ Tidigare", key=f"up_{k}", on_click=_scroll, args=(k, -25, last), use_container_width=True)
    c2.button("Senare ▼", key=f"down_{k}", on_click=_scroll, args=(k, 25, last), use_container_width=True)
    c3.number_input("Gå till rad", 1, last, key=f"view_{k}", label_visibility="collapsed", help="Gå till rad")


def review(result: Result, report: Report, meta: DocumentMeta, reviewer: str) -> tuple[list[dict], list[str]]:
    """The proposals beside the report text; figures added by hand; the reviewed rows and their problems.
    The review is kept in the store after every change, and a new file of a published document starts from
    the published version's reviewed rows."""
    k = f"{report.key}_{meta.document}"
    start = review_start(report, meta, reviewer)
    if f"added_{k}" not in st.session_state:
        st.session_state[f"added_{k}"] = list(start.added)
    added: list[dict] = st.session_state[f"added_{k}"]
    rows = result.rows
    if start.previous:
        rows = against_previous(rows, start.previous, start.version)
    st.subheader(f"Granska ({len(rows)} förslag)")
    for said in start.said:
        st.info(said, icon=":material/history:")
    st.caption(
        "Bocka ur det som är fel, rätta ett tryckt värde eller en enhet. Osäkra förslag är inte förbockade: "
        "läs Obs och bocka i det som stämmer. Rapporten till höger följer raden du senast ändrade."
    )
    if start.previous:
        carry_panel(report, meta, rows, start, added, k)
    left, right = st.columns([3, 2])
    with left:
        edited = st.data_editor(
            review_table(rows, report.lines, start.decisions),
            hide_index=True,
            key=f"review_{k}",
            disabled=["Obs", "Mått", "År", "Etikett", "Rad", "Sida", "Raden i rapporten", "Skäl"],
            num_rows="fixed",
            on_change=_grid_changed,
            args=(k, rows),
            column_config={
                "Godkänn": st.column_config.CheckboxColumn(
                    "Godkänn", width=90, help="Osäkra förslag (se Obs) är inte förbockade: kontrollera och bocka i"
                ),
                "Obs": st.column_config.TextColumn("Obs", width="medium", help="Varför förslaget är osäkert"),
                "Tryckt värde": st.column_config.TextColumn("Tryckt värde", help="Som det står i rapporten", width=120),
                "Enhet": st.column_config.SelectboxColumn("Enhet", options=["kr", "tkr", "mkr", *UNITS[1:]], width=80),
                "År": st.column_config.TextColumn("År", width=90),
                "Mått": st.column_config.TextColumn("Mått", width="medium"),
                "Rad": st.column_config.NumberColumn("Rad", width=55, format="%d"),
            },
        )
    with right:
        report_viewer(report, k, rows + added, len(rows))
    decisions = edited.to_dicts()
    reviewed, problems = apply_review(rows, decisions, reviewer, date.today().isoformat())
    for warning in corrections_off_the_line(reviewed, report.lines):
        st.warning(say(warning, 300))
    added_form(report, meta, added, k)
    if added:
        st.caption("Tillagda för hand (bocka ur för att ta bort):")
        keep = st.data_editor(
            review_table(added, report.lines),
            hide_index=True,
            key=f"added_table_{k}_{len(added)}",
            disabled=list(REVIEW_COLUMNS[1:]),
            num_rows="fixed",
        )
        kept = keep.to_dicts()
        more, more_problems = apply_review(added, kept, reviewer, date.today().isoformat())
        reviewed += more
        problems += more_problems
        if len(kept) == len(added) and not all(d.get("Godkänn") for d in kept):
            # Unticked additions are removed from the review (and from what is kept of it).
            st.session_state[f"added_{k}"] = added = [r for r, d in zip(added, kept, strict=True) if d.get("Godkänn")]
    keep_review(report, meta, reviewer, decisions_of(rows, decisions), added)
    return reviewed, problems


def carry_panel(report: Report, meta: DocumentMeta, rows: list[dict], start: Start, added: list[dict], k: str) -> None:
    """A new file of a published document: what its version had that no proposal gives now, and taking over
    those that stand on the same line of the new file."""
    missing = [p for p in not_proposed_now(rows, start.previous) if not any(_same_figure(p, a) for a in added)]
    changed = sum(1 for r in rows if r.get("caution", "").startswith("ändrat sedan"))
    new = sum(1 for r in rows if r.get("caution", "").startswith("inte med i version"))
    same = sum(1 for r in rows if r.get("previously", "").startswith("som i version"))
    st.info(
        f"{meta.document} är publicerat som version {start.version}. Den nya filen jämförs med den: {same} uppgifter "
        f"är som i version {start.version} (förbockade), {changed} har ändrats (Obs visar det gamla värdet) och "
        f"{new} fanns inte med (de är inte förbockade); {len(missing)} uppgifter i version {start.version} "
        "föreslås inte nu.",
        icon=":material/compare:",
    )
    if missing:
        with st.expander(f"De {len(missing)} uppgifterna i version {start.version} som inte föreslås nu"):
            listing = pl.DataFrame(
                {
                    "Mått": [
                        METRICS[p["metric"]].label + (f" – {p['item']}" if p.get("item") else "") for p in missing
                    ],
                    "År": [str(p["year"]) for p in missing],
                    "Tryckt värde": [f"{p['printed']} {p['printed_unit']}" for p in missing],
                    "Rad": [str(p["line"]) for p in missing],
                    "Etikett": [p["label"] for p in missing],
                }
            )
            common.show_table(format_frame(listing, {c: "text" for c in listing.columns}), key=f"missing_{k}")
            kept, _left = carry_over(missing, report.lines)
            st.button(
                f"Ta över de {len(kept)} som står på samma rad i den nya filen",
                key=f"carry_{k}",
                disabled=not kept,
                on_click=_carry,
                args=(k, kept),
            )


def _same_figure(a: dict, b: dict) -> bool:
    keys = ("metric", "year", "basis", "item", "kommun", "age_band", "line")
    return all(str(a.get(c) or "") == str(b.get(c) or "") for c in keys)


def _carry(k: str, kept: list[dict]) -> None:
    st.session_state[f"added_{k}"] = [*st.session_state.get(f"added_{k}", []), *kept]


OTHER_VALUE = "__annat__"


def added_form(report: Report, meta: DocumentMeta, added: list[dict], k: str) -> None:
    """Add a figure the proposal missed: a report line, then the number as it stands among the line's numbers
    (every way its digit groups can be read is offered), the metric and its year. Nothing is cleared when a
    figure is refused, so the editor corrects what was wrong and tries again."""
    with st.expander(
        "Lägg till en uppgift som förslaget missade", expanded=bool(st.session_state.get(f"add_open_{k}"))
    ):
        last = max(1, report.lines[-1].no if report.lines else 1)
        by_no = {ln.no: ln for ln in report.lines}
        c1, c2, c3 = st.columns([1, 3, 1])
        line = int(c1.number_input("Rad", 1, last, 1, key=f"add_line_{k}"))
        c2.selectbox("Mått", list(METRICS), format_func=_metric_label, key=f"add_metric_{k}")
        c3.number_input("År", 1990, 2100, meta.year, 1, key=f"add_year_{k}")
        text = by_no[line].text if line in by_no else ""
        st.html(excerpt_html(report.lines, line, radius=0))
        groups = number_groups(text)
        c4, c5, c6, c7 = st.columns([2, 1, 1, 3])
        choice = c4.selectbox(
            "Talet på raden",
            [*groups, OTHER_VALUE],
            format_func=lambda g: "Annat (skriv det)" if g == OTHER_VALUE else g,
            key=f"add_group_{k}_{line}",
            help="Varje sätt som radens siffergrupper kan läsas på; välj det som är tryckt",
        )
        if choice == OTHER_VALUE:
            c4.text_input("Tryckt värde", key=f"add_printed_{k}", help="Exakt som det står på raden")
        c5.selectbox("Enhet", ["kr", "tkr", "mkr", *UNITS[1:]], key=f"add_unit_{k}")
        c6.selectbox("Grund", [b for b in BASES if b != "härledd"], key=f"add_basis_{k}")
        c7.text_input("Etikett (tom = texten före talet)", key=f"add_label_{k}")
        st.text_input(
            "Insats, medlem eller post (tom = förbundets total)",
            key=f"add_item_{k}",
            help="T.ex. insatsens namn för deltagare i en insats, eller medlemmens namn för dess medlemsbidrag",
        )
        st.button("Lägg till", key=f"add_button_{k}", on_click=_add_clicked, args=(report.lines, added, k, line))
        for p in st.session_state.pop(f"add_problems_{k}", []):
            st.error(say(p, 300))
        if msg := st.session_state.pop(f"add_done_{k}", ""):
            st.success(say(msg, 300))


def _add_clicked(lines: list[Line], added: list[dict], k: str, line: int) -> None:
    state = st.session_state
    state[f"add_open_{k}"] = True
    choice = state.get(f"add_group_{k}_{line}", OTHER_VALUE)
    printed = state.get(f"add_printed_{k}", "") if choice in (OTHER_VALUE, None) else choice
    row, problems = added_row(
        lines,
        line=line,
        metric=state[f"add_metric_{k}"],
        year=int(state[f"add_year_{k}"]),
        basis=state[f"add_basis_{k}"],
        printed=printed,
        unit=state[f"add_unit_{k}"],
        label=state[f"add_label_{k}"],
        item=state.get(f"add_item_{k}", ""),
    )
    if row is None:
        state[f"add_problems_{k}"] = problems
    else:
        added.append(row)
        state[f"add_label_{k}"] = ""  # label and item belong to this figure; line, unit and year stay for the next
        state[f"add_item_{k}"] = ""
        state[f"add_done_{k}"] = (
            f"Tillagd: {METRICS[row['metric']].label} {row['year']}, {printed} {row['printed_unit']}"
        )


# -- checks and publishing ----------------------------------------------------------------------
