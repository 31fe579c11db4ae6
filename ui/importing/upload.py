"""The import page's first step: the uploaded report read once per file, the limits in Swedish, and the
editor's reviews in progress; ``say`` makes text from a report or an editor safe to show."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from lib.format import escape_markdown, fmt_time
from lib.ingest.reading import MAX_PAGES, IngestError, Line, read_report, size_limit
from ui import published


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
            with st.spinner("Rapporten läses …"):
                memo[digest] = read_report(data=data, name=upload.name, cancelled=no_longer_wanted())
        except IngestError as exc:
            st.error(f"{say(upload.name, 200)} kan inte läsas: {say(exc, 300)}")
            return None
    return Report(memo[digest], upload.name, digest, len(data))


def no_longer_wanted():
    """A check for work done in a child process (lib.ingest.isolated): true once this run is to stop — the
    editor changed something (a rerun), chose another file, or left (the session stops its run)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

        requests = get_script_run_ctx().script_requests
    except Exception:  # no session (a test, a tool): nothing cancels
        return None

    def check() -> bool:
        return getattr(requests, "_state", ScriptRequestType.CONTINUE) != ScriptRequestType.CONTINUE

    return check


def upload_help() -> str:
    return f"PDF eller text (.txt), {size_limit()} och {MAX_PAGES} sidor"


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
