"""The import page: not reachable without signing in; for an editor, upload → review → corrected rows."""

from __future__ import annotations

import csv
import io

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

REPORT = (
    "Årsredovisning 2023\n 2. Resultaträkning\nBelopp i kr. Not 2023 2022\n"
    "Verksamhetens intäkter 1 2 832 000 2 838 000\nÅrets resultat -117 094 22 090\n"
).encode()
EDITOR = {"is_logged_in": True, "email": "redaktor@example.se"}


def app(user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        at.user = user
    return at


def test_anonymous_visitors_cannot_reach_the_page():
    at = app({"is_logged_in": False})
    at.switch_page("pages/importera.py")
    at.run()
    assert not at.exception
    # The page is not part of the app for them: Streamlit falls back to the start page.
    assert at.title[0].value == "Samordningsförbund i jämförelse"
    assert not any(t.value == "Importera rapport" for t in at.title)
    assert len(at.file_uploader) == 0


def test_the_page_guards_itself_when_opened_without_the_router():
    at = AppTest.from_file(str(ROOT / "pages" / "importera.py"), default_timeout=60)
    at.user = {"is_logged_in": False}
    at.run()
    assert [e.value for e in at.error] == ["Den här sidan är bara för inloggade redaktörer."]
    assert len(at.file_uploader) == 0


def test_editor_uploads_reviews_and_corrects():
    at = app(EDITOR)
    at.switch_page("pages/importera.py")
    at.run()
    assert at.title[0].value == "Importera rapport"
    at.selectbox(key="import_forbund").set_value("solleftea")
    at.file_uploader(key="upload").upload("rapport.txt", REPORT, "text/plain").run()
    assert not at.exception
    assert at.success[0].value == "4 föreslagna uppgifter ur 6 rader."
    assert any("Hittades inte" in w.value and "medlemsbidrag" in w.value for w in at.warning)
    editor = at.data_editor[0] if hasattr(at, "data_editor") and len(at.data_editor) else None
    assert editor is not None
    table = editor.value
    assert list(table["Tryckt värde"]) == ["2 832 000", "2 838 000", "-117 094", "22 090"]
    assert table["Raden i rapporten"].iloc[0] == "Verksamhetens intäkter 1 2 832 000 2 838 000"
    # Reject one row and correct another, as an editor would in the table.
    at.session_state[editor.key] = {
        "edited_rows": {3: {"Godkänn": False}, 0: {"Tryckt värde": "2 832 001"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    button = next(b for b in at.get("download_button") if "granskade uppgifter" in b.proto.label)
    assert button.proto.label == "⬇ Ladda ned 3 granskade uppgifter (CSV)"


def test_review_rows_are_marked_and_validated():
    from lib.ingest.propose import propose
    from lib.ingest.reading import lines_from_text
    from lib.ingest.review import apply_review, review_table

    lines = lines_from_text(REPORT.decode())
    result = propose(lines, "solleftea")
    decisions = review_table(result.rows, lines).to_dicts()
    decisions[0]["Tryckt värde"] = "2 832 001"
    decisions[1]["Godkänn"] = False
    decisions[2]["Tryckt värde"] = "12 34"  # not a number: refused, not guessed
    rows, problems = apply_review(result.rows, decisions, "redaktor@example.se", "2026-11-23")
    assert [r["printed"] for r in rows] == ["2 832 001", "22 090"]
    assert (
        rows[0]["note"] == "granskad av redaktor@example.se 2026-11-23; rättad vid granskning, förslaget var 2 832 000"
    )
    assert rows[1]["note"] == "granskad av redaktor@example.se 2026-11-23"
    assert len(problems) == 1 and "oväntad siffergruppering" in problems[0]
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=list(rows[0])).writerows(rows)
    assert "ogranskad" not in out.getvalue()


def test_bad_uploads_get_a_clear_message():
    at = app(EDITOR)
    at.switch_page("pages/importera.py")
    at.run()
    at.file_uploader(key="upload").upload("trasig.pdf", b"%PDF-1.4 trasig", "application/pdf").run()
    assert not at.exception
    assert at.error[0].value.startswith("trasig\\.pdf kan inte läsas: PDF")
