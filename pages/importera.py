"""Importera rapport (editors only): upload a report, review the proposed figures, save them for the data."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import csv
import hashlib
import io
import os
from datetime import date, datetime

import streamlit as st

from lib.downloads import safe_cell
from lib.format import escape_markdown, format_frame
from lib.ingest.propose import propose
from lib.ingest.reading import MAX_MB, MAX_PAGES, IngestError, read_report
from lib.ingest.review import apply_review, review_table
from lib.schema import SOURCE_COLUMNS
from lib.sources import DATA_DIR
from ui import common

decision = common.editor_decision()
if not decision.allowed:
    # Not in the menu for visitors; this guards a page opened some other way.
    st.error("Den här sidan är bara för inloggade redaktörer.")
    if getattr(st.user, "is_logged_in", False):
        reason = escape_markdown(decision.reason, 300)
        st.info(reason[:1].upper() + reason[1:] + ".")
    st.stop()

ds = common.dataset()
common.show_notices()
nm = common.names()
st.title("Importera rapport")
st.caption(
    "Ladda upp en årsredovisning (PDF eller text). Uppgifterna föreslås med rad och etikett; granska, rätta "
    "eller förkasta dem och spara. Inget blir en del av jämförelsen förrän någon har lagt in det granskade "
    "i data/ och byggt om."
)

# No type= here: Streamlit would reject other files with an error of its own; lib.ingest checks the
# type (and size, and whether a PDF is broken or encrypted) and says what is wrong, in Swedish.
upload = st.file_uploader(
    "Rapport (PDF eller text)", key="upload", help=f"PDF eller text (.txt), högst {MAX_MB} MB och {MAX_PAGES} sidor"
)
c1, c2 = st.columns(2)
slug = c1.selectbox("Förbund", list(nm), format_func=nm.get, key="import_forbund")
year = c2.number_input("År (0 = läs ur rapporten)", min_value=0, max_value=2100, value=0, step=1, key="import_year")

if upload is not None:
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    try:
        lines = read_report(data=data, name=upload.name)
    except IngestError as exc:
        st.error(f"{escape_markdown(upload.name)} kan inte läsas: {escape_markdown(str(exc), 300)}")
        st.stop()
    result = propose(lines, slug, int(year) or None, document=f"import-{digest}")
    st.success(f"{len(result.rows)} föreslagna uppgifter ur {len(lines)} rader.")
    if result.missing:
        st.warning("Hittades inte: " + escape_markdown(", ".join(result.missing), 500))
    for conflict in result.conflicts:
        st.warning("Olika värden för samma uppgift: " + escape_markdown(conflict, 500))
    for note in result.notes:
        st.info(escape_markdown(note, 500))
    if result.findings.height:
        st.subheader(f"Avvikelser i förslaget ({result.findings.height})")
        st.dataframe(
            format_frame(result.findings, {"year": "text", "check": "text", "description": "text"}),
            hide_index=True,
            key="import_findings",
        )

    st.subheader("Granska")
    table = review_table(result.rows, lines)
    edited = st.data_editor(
        table,
        hide_index=True,
        key=f"review_{digest}",
        disabled=["Mått", "År", "Etikett", "Rad", "Sida", "Raden i rapporten"],
        num_rows="fixed",
    )
    reviewer = getattr(st.user, "email", None) or "redaktör"
    rows, problems = apply_review(result.rows, edited.to_dicts(), reviewer, date.today().isoformat())
    for problem in problems:
        st.error(escape_markdown(problem, 300))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(SOURCE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in rows)
    name = f"{slug}-{int(year) or 'ar'}-{digest}.csv"
    st.download_button(
        f"⬇ Ladda ned {len(rows)} granskade uppgifter (CSV)",
        buf.getvalue().encode("utf-8"),
        name,
        "text/csv",
        key="import_download",
        disabled=not rows,
    )
    incoming = DATA_DIR / "incoming"
    if os.environ.get("FINSAM_DATA_WRITABLE") == "1":
        if st.button(f"Spara i {incoming.relative_to(DATA_DIR.parent)}/", key="import_save", disabled=not rows):
            incoming.mkdir(parents=True, exist_ok=True)
            target = incoming / name
            target.write_text(buf.getvalue(), encoding="utf-8")
            st.success(f"Sparat: {target.relative_to(DATA_DIR.parent)} ({datetime.now():%H:%M}).")
    else:
        st.caption("Datamappen är skrivskyddad här: ladda ned filen och lägg in den i data/ (se README).")
