"""Importera rapport (editors only): upload a report, register its förbund if new, review, check and publish."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import streamlit as st

from lib.editors import ADMIN
from lib.format import escape_markdown
from lib.ingest.isolated import IngestError
from lib.registry import METRICS
from ui import common
from ui.importing import publish, registration, review, upload

decision = common.editor_decision()
if not decision.allowed:
    # Not in the menu for visitors; this guards a page opened some other way (and every write asks again).
    st.error("Den här sidan är bara för inloggade redaktörer.")
    if getattr(st.user, "is_logged_in", False):
        reason = escape_markdown(decision.reason, 300)
        st.info(reason[:1].upper() + reason[1:] + ".")
    st.stop()

ds = common.dataset()
common.show_notices()
st.title("Importera rapport")
registration.role_caption(decision, common.names())
st.caption(
    "Ladda upp en årsredovisning eller verksamhetsplan. Uppgifterna föreslås med rad och etikett; granska dem "
    "bredvid rapportens text, lägg till det som saknas och publicera. Det publicerade syns direkt på alla sidor, "
    "med källa och vem som granskat."
)
# No type= here: Streamlit would reject other files with an error of its own; lib.ingest checks the
# type (and size, and whether a PDF is broken or encrypted) and says what is wrong, in Swedish.
upload.uploader_in_swedish()
uploaded = st.file_uploader("Rapport (PDF eller text)", key="upload", help=upload.upload_help())
st.caption(upload.upload_help() + ". Dra filen hit eller välj den med knappen.")
if uploaded is None:
    upload.reviews_in_progress()
report = upload.read_upload(uploaded) if uploaded is not None else None
if report is not None:
    known = registration.known_forbund(ds)
    first = registration.in_register_only(known, decision)
    slug = registration.choose_forbund(known, report, decision, first)
    if slug == registration.NEW or slug in first:
        new = registration.registration_form(ds, report, first.get(slug))
    else:
        new = None
    if new is not None:
        slug, name, members = new.row["forbund"], new.row["name"], new.member_pairs
    else:
        name, members = known[slug].name, known[slug].members
    meta = registration.document_form(report, name, slug)
    if meta is None:
        st.info("Ange förbundets slug för att fortsätta.")
        st.stop()
    new = new.for_document(meta.document) if new is not None else None
    try:
        result = review.proposals(report, slug, meta, members)
    except IngestError as exc:
        st.error(f"Uppgifter kunde inte föreslås ur {upload.say(report.name, 120)}: {upload.say(exc, 300)}")
        st.stop()
    st.success(f"{len(result.rows)} föreslagna uppgifter ur {len(report.lines)} rader.")
    if result.missing:
        st.warning("Hittades inte: " + upload.say(", ".join(METRICS[m].label.lower() for m in result.missing)))
    for conflict in result.conflicts:
        st.warning(
            "Olika värden för samma uppgift (inget av dem är förbockat; godkänn det som stämmer): "
            + upload.say(conflict)
        )
    if result.notes:
        with st.expander(f"Extraktorns anteckningar ({len(result.notes)})"):
            for note in result.notes:
                st.caption(upload.say(note))
    reviewer = getattr(st.user, "email", None) or "redaktör"
    rows, problems = review.review(result, report, meta, reviewer)
    pub = publish.build_publication(report, slug, meta, rows, new)
    if new and new.problems:
        todo = f"registreringen av förbundet är inte klar: {len(new.problems)} att rätta under Nytt förbund ovan"
        problems = [todo, *problems]
    more, candidate = publish.checks(pub) if not problems else ([], None)
    publish.findings_panel(candidate, pub)
    publish.publish_panel(pub, problems + more)
    publish.download(rows, meta, report)
publish.published_message(common.names())  # after a withdrawal without a report open
publish.published_documents(ds, decision)
if decision.role != ADMIN:
    registration.propose_form()
