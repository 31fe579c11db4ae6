"""The import page's parts: read the upload, register a förbund, review beside the report text, check, publish.

Every write (publish, replace, withdraw) asks lib.editors again at the moment of the click, and
lib.store refuses a write without an Editor: the menu hiding the page is not the protection.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from lib import editors
from lib.data import Dataset, build_dataset
from lib.downloads import safe_cell
from lib.format import escape_markdown, fmt_time, format_frame
from lib.ingest import register
from lib.ingest.propose import Result, guess_type, guess_year, propose
from lib.ingest.reading import MAX_MB, MAX_PAGES, IngestError, Line, read_report
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
from lib.schema import SOURCE_COLUMNS, DataValidationError, registration_problems
from lib.store import Publication, PublishError, Registration, StoreUnavailable, candidate_problems, with_candidate
from lib.views_profile import findings_table
from ui import common, published

NEW = "__nytt__"
TYPES = {"årsredovisning": "ar", "verksamhetsplan": "vp"}


@dataclass(frozen=True)
class Report:
    lines: list[Line]
    name: str
    sha256: str
    size: int

    @property
    def key(self) -> str:
        return self.sha256[:12]


def say(text: str, limit: int = 500) -> str:
    """Text from a report, a file name or an editor, safe to show as Markdown."""
    return escape_markdown(str(text), limit)


def read_upload(upload) -> Report | None:
    """The uploaded report's lines (read once per file and session); an error message and None if unreadable."""
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    memo = st.session_state.setdefault("_reports", {})
    if digest not in memo:
        try:
            memo.clear()  # one report at a time per session: a 300-page report is kept once
            memo[digest] = read_report(data=data, name=upload.name)
        except IngestError as exc:
            st.error(f"{say(upload.name, 200)} kan inte läsas: {say(exc, 300)}")
            return None
    return Report(memo[digest], upload.name, digest, len(data))


def upload_help() -> str:
    return f"PDF eller text (.txt), högst {MAX_MB} MB och {MAX_PAGES} sidor"


def uploader_in_swedish() -> None:
    """Streamlit's drop zone speaks English ("Upload", "20MB per file") and has no setting for it: its button
    reads "Välj fil" (its accessible name too) and its limit is hidden, stated in Swedish beside it instead."""
    st.html(
        "<style>[data-testid='stFileUploaderDropzoneInstructions']{display:none}"
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p{display:none}"
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']::after"
        "{content:'Välj fil'}</style>"
    )


def reviews_in_progress() -> None:
    """The signed-in editor's reviews kept in the store: after a restart or a lost connection the page says
    what was being reviewed and how to go on."""
    email = getattr(st.user, "email", None)
    if not email:
        return
    try:
        kept = published.store().reviews(email)
    except Exception:  # the store is named elsewhere on the page when it cannot be reached
        return
    if kept:
        st.info(
            "Pågående granskningar (sparade): "
            + "; ".join(f"{say(r['document'])} ({say(r['source_file'], 80)}, {fmt_time(r['saved_at'])})" for r in kept)
            + ". Ladda upp samma fil igen för att fortsätta där du slutade.",
            icon=":material/history:",
        )


# -- förbund ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    slug: str
    name: str
    short_name: str
    members: list[tuple[str, str]]


def known_forbund(ds: Dataset) -> dict[str, Known]:
    """The förbund in the comparison and those registered in the store (also with every document withdrawn)."""
    out = {
        r["forbund"]: Known(
            r["forbund"],
            r["name"],
            r["short_name"],
            [(m["member"], m["kind"]) for m in ds.members.filter(forbund=r["forbund"]).iter_rows(named=True)],
        )
        for r in ds.forbund.iter_rows(named=True)
    }
    for slug, r in published.registered().items():
        out.setdefault(slug, Known(slug, r["name"], r["short_name"], r["members"]))
    return out


def _known_guess(known: dict[str, Known], lines: list[Line]) -> str:
    found = register.guess_name(lines)
    if found:
        for k in known.values():
            if k.name.lower() == found.value.lower():
                return k.slug
    head = " ".join(ln.text for ln in lines[:60]).lower()
    for k in known.values():
        if k.name.lower() in head:
            return k.slug
    return NEW


def choose_forbund(known: dict[str, Known], report: Report) -> str:
    options = [*known, NEW]
    key = f"imp_forbund_{report.key}"
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = _known_guess(known, report.lines)
    return st.selectbox(
        "Förbund",
        options,
        format_func=lambda s: "➕ Nytt förbund (registrera)" if s == NEW else known[s].short_name,
        key=key,
        help="Välj ett förbund som redan finns, eller registrera ett nytt.",
    )


@dataclass(frozen=True)
class NewForbund:
    row: dict[str, str]
    members: list[dict[str, str]]
    member_pairs: list[tuple[str, str]]
    problems: list[str]

    def for_document(self, document: str) -> NewForbund:
        """The registry rows pointing at the document being published (where a value was read from it)."""
        row = dict(self.row)
        for col in ("org_nr_document", "ceiling_document"):
            if row[col.replace("_document", "_line")]:
                row[col] = document
        members = [{**m, "document": document if m["line"] else ""} for m in self.members]
        return NewForbund(row, members, self.member_pairs, self.problems)


def registration_form(ds: Dataset, report: Report) -> NewForbund:
    """Name, slug, län, region, org.nr, members and ceiling of a förbund not known yet, suggested from the report."""
    lines, k = report.lines, report.key
    taken = set(known_forbund(ds))
    found = register.guess_name(lines)
    members_guess = register.guess_members(lines)
    box = st.container(border=True)
    with box:
        st.markdown("**Nytt förbund**")
        st.caption("Förslagen är lästa ur rapporten; kontrollera och rätta dem. Slug är förbundets namn i länkar.")
        c1, c2 = st.columns(2)
        name = c1.text_input("Fullständigt namn", value=found.value if found else "", key=f"reg_name_{k}")
        if found:
            c1.caption(f"Läst på rad {found.line}.")
        short = c2.text_input("Kort namn (i diagrammen)", value=register.short_name(name), key=f"reg_short_{k}")
        slug = c1.text_input(
            "Slug (a–z, 0–9, bindestreck)", value=register.suggest_slug(name, taken), key=f"reg_slug_{k}"
        ).strip()
        org_guess = register.guess_org_nr(lines)
        org = c2.text_input("Organisationsnummer", value=org_guess.value if org_guess else "", key=f"reg_org_{k}")
        if org_guess:
            c2.caption(f"Läst på rad {org_guess.line}.")
        counties = list(register.counties())
        county_guess = register.county_of(members_guess) or register.county_of_kommuner(
            register.kommun_check(members_guess)[0]
        )
        lan = c1.selectbox(
            "Län",
            counties,
            index=counties.index(county_guess) if county_guess in counties else None,
            key=f"reg_lan_{k}",
            placeholder="Välj län",
        )
        region = c2.text_input(
            "Region", value=register.counties().get(lan or "", ""), key=f"reg_region_{k}_{lan or ''}"
        )
        members_text = st.text_area(
            "Medlemmar, en per rad: Namn (kommun, region eller stat)",
            value=register.format_members(members_guess),
            height=160,
            key=f"reg_members_{k}",
        )
        c3, c4 = st.columns([1, 3])
        pct = c3.number_input(
            "Tak för eget kapital (%)", 1.0, 100.0, register.DEFAULT_CEILING, 1.0, key=f"reg_pct_{k}", format="%g"
        )
        candidates = register.ceiling_lines(lines)
        choice = c4.selectbox(
            "Var taket kommer ifrån",
            [None, *candidates],
            format_func=lambda f: register.DEFAULT_CEILING_LABEL if f is None else f"rad {f.line}: {f.label[:110]}",
            key=f"reg_ceiling_{k}",
        )
        pairs, problems = register.parse_members(members_text)
        codes, unknown = register.kommun_check(pairs)
        problems += unknown
        where = register.county_of_kommuner(codes) if codes else None
        if lan and where and where != lan:
            problems.append(f"medlemskommunerna ligger i {where}, inte i {lan}")
        if codes:
            st.caption(
                "Medlemskommuner enligt SCB: "
                + ", ".join(f"{say(n, 60)} ({c})" for n, c in codes.items())
                + (f"; {where}" if where else "")
            )
    org_found = None
    if org.strip():
        at = register.locate(lines, org.strip())
        org_found = register.Found(org.strip(), at.line, at.label)
    row, members = register.registry_rows(
        slug=slug,
        name=name,
        short=short,
        lan=lan or "",
        region=region,
        org_nr=org_found,
        members=pairs,
        ceiling_pct=float(pct),
        ceiling_line=choice,
        document="",
        lines=lines,
    )
    problems = registration_problems(row, taken) + problems
    if problems:  # said at the form, where they are fixed; the publish button only refers to it
        box.error(
            "Innan förbundet kan registreras:\n\n" + "\n".join(f"- {say(p, 300)}" for p in problems),
            icon=":material/edit_note:",
        )
    return NewForbund(row, members, pairs, problems)


# -- the document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentMeta:
    document: str
    type: str
    year: int
    title: str


def document_form(report: Report, forbund_name: str, slug: str) -> DocumentMeta | None:
    k = report.key
    c1, c2, c3 = st.columns([2, 1, 3])
    doc_type = c1.selectbox(
        "Dokument",
        list(TYPES),
        index=list(TYPES).index(guess_type(report.lines)),
        key=f"doc_type_{k}",
        format_func=str.capitalize,
    )
    guessed = guess_year(report.lines)
    year = c2.number_input("År", 1990, 2100, guessed or date.today().year - 1, 1, key=f"doc_year_{k}")
    if not guessed:
        c2.caption("Året hittades inte i rapporten.")
    title = c3.text_input(
        "Titel", value=f"{doc_type.capitalize()} {int(year)} {forbund_name}".strip(), key=f"doc_title_{k}_{slug}"
    )
    if not slug:
        return None
    return DocumentMeta(f"{slug}-{TYPES[doc_type]}-{int(year)}", doc_type, int(year), title.strip())


# -- review -------------------------------------------------------------------------------------


def proposals(report: Report, slug: str, meta: DocumentMeta, members: list[tuple[str, str]]) -> Result:
    """The extractor's proposal, computed once per report, förbund, year, type and member list."""
    memo = st.session_state.setdefault("_proposals", {})
    key = (report.sha256, slug, meta.year, meta.type, tuple(members))
    if key not in memo:
        memo.clear()
        memo[key] = propose(report.lines, slug, meta.year, document=meta.document, doc_type=meta.type, members=members)
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
            at = published.store().save_review(editor, meta.document, report.sha256, report.name, state)
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
    missing = [p for p in not_proposed_now(rows, start.previous) if p not in added]
    missing = [p for p in missing if not any(_same_figure(p, a) for a in added)]
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


def build_publication(
    report: Report, slug: str, meta: DocumentMeta, rows: list[dict], new: NewForbund | None
) -> Publication:
    registration = Registration(new.row, new.members) if new is not None else None
    return Publication(
        document=meta.document,
        forbund=slug,
        type=meta.type,
        year=meta.year,
        title=meta.title,
        source_file=report.name,
        sha256=report.sha256,
        size_bytes=report.size,
        rows=[{c: r.get(c, "") for c in SOURCE_COLUMNS} for r in rows],
        registration=registration,
    )


def _state_now():
    try:
        return published.store().published(), ""
    except (StoreUnavailable, Exception) as exc:  # the page still shows the review; publishing says why not
        return None, str(exc)


def checks(pub: Publication) -> tuple[list[str], Dataset | None]:
    """Validation problems, and the dataset as it would be (its findings are shown, never blocking)."""
    state, problem = _state_now()
    if state is None:
        return [f"databasen kan inte läsas: {problem}"], None
    versions = [v for v in state.documents if v["document"] == pub.document]
    version = int(versions[0]["version"]) + 1 if versions else 1
    problems = candidate_problems(state, pub, published.data_dir(), version)
    if problems:
        return problems, None
    memo = st.session_state.setdefault("_candidate", {})
    key = hashlib.sha256(repr((pub, state.history[-1:] if state.history else None)).encode()).hexdigest()
    if key not in memo:
        memo.clear()
        try:
            memo[key] = build_dataset(published.data_dir(), with_candidate(state, pub, version))
        except DataValidationError as exc:
            return [str(p) for p in exc.problems], None
    return [], memo[key]


def findings_panel(candidate: Dataset | None, pub: Publication) -> None:
    if candidate is None:
        return
    found = findings_table(candidate, [pub.forbund])
    origin = candidate.documents.filter(document=pub.document)["origin"].to_list()
    shown = origin == ["publicerad"]  # not shown when a curated document of that id or year wins
    raw = candidate.findings.filter(forbund=pub.forbund)  # the rows of ``found``, in its order
    mine = [
        (shown and any(f.startswith(pub.document + ":") for f in ids))
        or (check == "kurerat_och_publicerat" and pub.document in desc)
        for ids, check, desc in zip(raw["figure_ids"], raw["check"], raw["description"], strict=True)
    ]
    found = found.filter(pl.Series(mine, dtype=pl.Boolean)).drop("figure_ids")
    st.subheader(f"Kontroller av det granskade ({found.height} {'avvikelse' if found.height == 1 else 'avvikelser'})")
    if found.height == 0:
        st.success("Konsistenskontrollerna hittar inga avvikelser i de granskade uppgifterna.")
        return
    st.caption(
        "Avvikelser stoppar inte publiceringen: en rapport som motsäger sig själv publiceras som den är, och "
        "avvikelsen visas i jämförelsen. Rätta bara det som är felläst."
    )
    units = found["Enhet"].to_list()
    show = found.with_columns(
        *[
            pl.Series(c, [common.fmt_unit(v, u) for v, u in zip(found[c], units, strict=True)], dtype=pl.String)
            for c in ("Väntat", "Angivet", "Skillnad")
        ]
    ).drop("Enhet")
    common.show_table(format_frame(show, {c: "text" for c in show.columns}), key="import_findings")


def publish_panel(pub: Publication, problems: list[str]) -> None:
    """The publish (or replace) button; the editor's permission is checked again at the click."""
    st.subheader("Publicera")
    published_message(common.names())
    try:
        versions = [v for v in published.store().versions() if v["document"] == pub.document]
    except Exception as exc:
        st.error(f"Databasen för publicerade rapporter kan inte nås: {say(exc, 300)}")
        return
    current = next((v for v in versions if v["status"] == "gällande"), None)
    state = reviewed_state(pub)
    if state is None:
        return
    seen, stale = state  # a changed document: the warning above says so, and the buttons wait for a reload
    for p in problems:
        st.error(say(p, 400))
    st.caption(f"Publiceras i {published.store_name()} som {pub.document}.")
    if current is not None:
        st.info(
            f"{say(pub.document)} är redan publicerat (version {current['version']}, {say(current['source_file'])}, "
            f"{say(current['published_by'])} {current['published_at'][:10]}). Publicera en rättad rapport som en ny "
            "version; den gamla finns kvar i historiken."
        )
        reason = st.text_input("Varför ersätts den?", key="replace_reason")
        st.button(
            f"Ersätt med version {current['version'] + 1}",
            type="primary",
            disabled=bool(problems) or stale or not reason.strip(),
            key="import_replace",
            on_click=_publish_clicked,
            args=(pub, True, seen),
        )
    else:
        st.button(
            f"Publicera {len(pub.rows)} uppgifter" + (" och registrera förbundet" if pub.registration else ""),
            type="primary",
            disabled=bool(problems) or stale,
            key="import_publish",
            on_click=_publish_clicked,
            args=(pub, False, seen),
        )
    errors = st.session_state.pop("_publish_errors", [])
    if errors:
        st.error("Inte publicerat; inget ändrades:\n\n" + "\n".join(f"- {say(p, 300)}" for p in errors))


def _seen_key(pub: Publication) -> str:
    return f"_seen_{pub.document}_{pub.sha256[:12]}"


def reviewed_state(pub: Publication) -> tuple[int, bool] | None:
    """The document's state when this editor began reviewing this file for it (kept for the session), and
    whether it has changed since: every write carries it, and the store refuses one on a document that has
    changed since. None if the store cannot be read."""
    key = _seen_key(pub)
    try:
        now = published.store().seen(pub.document)
    except Exception as exc:  # shown, never a traceback
        st.error(f"Databasen för publicerade rapporter kan inte nås: {say(exc, 300)}")
        return None
    seen = st.session_state.setdefault(key, now)
    if seen != now:
        st.warning(
            f"{say(pub.document)} har ändrats av någon annan sedan du började granska (se Publicerade dokument "
            "nedan). Att publicera eller ersätta nu vägras; läs in dokumentets nya läge först och granska mot det."
        )
        st.button("Läs in dokumentets nya läge", key="import_reload", on_click=_reload_state, args=(key, now))
    return seen, seen != now


def _reload_state(key: str, now: int) -> None:
    st.session_state[key] = now


def _publish_clicked(pub: Publication, replacing: bool, seen: int) -> None:
    """The click, run before the next script run: exactly what the editor saw is published (or nothing)."""
    try:
        editor = editors.authorise(common.editor_decision(), getattr(st.user, "email", None))
        store = published.store()
        if replacing:
            version = store.replace(pub, editor, st.session_state.get("replace_reason", ""), seen=seen)
        else:
            version = store.publish(pub, editor, seen=seen)
        st.session_state[_seen_key(pub)] = store.seen(pub.document)  # the editor's own write is what they saw
    except PublishError as exc:
        st.session_state["_publish_errors"] = exc.problems
        return
    except (PermissionError, StoreUnavailable) as exc:
        st.session_state["_publish_errors"] = [str(exc)]
        return
    st.session_state["replace_reason"] = ""  # the next destructive button starts disabled, with no old reason
    published.changed()
    st.session_state[f"imp_forbund_{pub.sha256[:12]}"] = pub.forbund  # registered now: choose it, not "new"
    st.session_state["_select_also"] = pub.forbund
    st.session_state["_published_msg"] = (
        f"{pub.document} version {version} är publicerad med {len(pub.rows)} uppgifter"
        + (" och förbundet är registrerat" if pub.registration else "")
        + ". Den syns nu på alla sidor.",
        pub.forbund,
    )


def published_message(slug_names: dict[str, str]) -> None:
    msg, slug = st.session_state.pop("_published_msg", ("", None))
    if msg:
        st.success(say(msg, 300), icon=":material/check_circle:")
        if slug in slug_names:
            st.page_link(
                "pages/profil.py",
                label=f"Se {escape_markdown(slug_names[slug], 80)} i förbundsprofilen",
                icon=":material/badge:",
                query_params={"forbund": slug},
            )


def download(rows: list[dict], meta: DocumentMeta | None, report: Report) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(SOURCE_COLUMNS), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in rows)
    name = f"{meta.document if meta else 'granskat'}-{report.key}.csv"
    st.download_button(
        f"⬇ De {len(rows)} granskade uppgifterna (CSV, data/:s format)",
        buf.getvalue().encode("utf-8"),
        name,
        "text/csv",
        key="import_download",
        disabled=not rows,
    )


def published_documents(ds: Dataset) -> None:
    """What is published now, every version, and withdrawing a document (with a reason)."""
    st.subheader("Publicerade dokument")
    try:
        versions = published.store().versions()
    except Exception as exc:
        st.error(f"Databasen för publicerade rapporter kan inte nås: {say(exc, 300)}")
        return
    if not versions:
        st.caption(f"Inget är publicerat ännu i {published.store_name()}.")
        return
    nm = common.names()
    table = pl.DataFrame(
        {
            "Dokument": [v["document"] for v in versions],
            "Förbund": [nm.get(v["forbund"], v["forbund"]) for v in versions],
            "Version": [v["version"] for v in versions],
            "Status": [v["status"] for v in versions],
            "Fil": [v["source_file"] for v in versions],
            "Publicerad av": [v["published_by"] for v in versions],
            "Datum": [v["published_at"][:10] for v in versions],
        }
    )
    common.show_table(format_frame(table, {c: "text" for c in table.columns}), key="import_versions")
    current = [v["document"] for v in versions if v["status"] == "gällande"]
    if not current:
        return
    with st.expander("Dra tillbaka ett dokument"):
        st.caption("Dokumentet tas ur jämförelsen; det och dess uppgifter finns kvar i historiken.")
        doc = st.selectbox("Dokument", current, key="withdraw_document")
        reason = st.text_input("Varför?", key="withdraw_reason")
        seen = {v["document"]: v["seen"] for v in versions if "seen" in v}.get(doc)
        st.button(
            "Dra tillbaka",
            disabled=not reason.strip(),
            key="withdraw",
            on_click=_withdraw_clicked,
            args=(doc, seen),
        )
        errors = st.session_state.pop("_withdraw_errors", [])
        if errors:
            st.error("Inte tillbakadraget:\n\n" + "\n".join(f"- {say(p, 300)}" for p in errors))


def _withdraw_clicked(document: str, seen: int | None) -> None:
    """``seen``: the document's state in the table the editor read (a change since then refuses the withdrawal)."""
    try:
        editor = editors.authorise(common.editor_decision(), getattr(st.user, "email", None))
        published.store().withdraw(document, editor, st.session_state.get("withdraw_reason", ""), seen=seen)
    except (PermissionError, PublishError, StoreUnavailable) as exc:
        st.session_state["_withdraw_errors"] = getattr(exc, "problems", None) or [str(exc)]
        return
    st.session_state["withdraw_reason"] = ""
    published.changed()
    st.session_state["_published_msg"] = (f"{document} är tillbakadraget ur jämförelsen.", None)
