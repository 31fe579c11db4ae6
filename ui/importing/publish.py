"""The import page's last step: checks inside the whole dataset, publish, replace and withdraw (each asking
lib.editors again at the click and carrying the document's state the editor reviewed against), and what
is published now."""

from __future__ import annotations

import csv
import hashlib
import io

import polars as pl
import streamlit as st

from lib import editors
from lib.data import Dataset, build_dataset
from lib.downloads import safe_cell
from lib.format import escape_markdown, format_frame
from lib.schema import SOURCE_COLUMNS, DataValidationError
from lib.store import Publication, PublishError, Registration, StoreUnavailable, candidate_problems, with_candidate
from lib.views_profile import findings_table
from ui import common, published
from ui.importing.registration import DocumentMeta, NewForbund
from ui.importing.upload import Report, say


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
    # a changed document: the warning says so, and the buttons wait for a reload
    seen, stale = reviewed_state(pub, versions[0]["seen"] if versions else 0)
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


def reviewed_state(pub: Publication, now: int) -> tuple[int, bool]:
    """The document's state when this editor began reviewing this file for it (kept for the session), and
    whether it has changed since (``now``: its state in the store, Store.seen): every write carries it, and the
    store refuses one on a document that has changed since."""
    key = _seen_key(pub)
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


def published_documents(ds: Dataset, decision: editors.Decision) -> None:
    """What is published now, every version, and withdrawing a document (with a reason; a förbund editor only
    their own förbund's)."""
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
    current = [
        v["document"]
        for v in versions
        if v["status"] == "gällande" and (decision.role == editors.ADMIN or v["forbund"] in decision.forbund)
    ]
    if not current:
        return
    with st.expander("Dra tillbaka ett dokument"):
        st.caption("Dokumentet tas ur jämförelsen; det och dess uppgifter finns kvar i historiken.")
        doc = st.selectbox("Dokument", current, key="withdraw_document")
        reason = st.text_input("Varför?", key="withdraw_reason")
        seen = next(v["seen"] for v in versions if v["document"] == doc)
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
