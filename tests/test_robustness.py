"""Robustness: any link, hostile text in the data, and bad uploads give a page with a message, never a crash."""

from __future__ import annotations

import hashlib
import json
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lib.sources import DATA_DIR, source_files
from tests.conftest import ROOT

KEYS = ["forbund", "ar", "vy", "sortera", "period", "kontroll", "allvar", "x", "embed_options", "<b>", "[a](b)"]
VALUES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
PAGES = ["pages/overview.py", "pages/eget_kapital.py", "pages/kostnader.py", "pages/hae.py", "pages/kallor.py"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page=st.sampled_from(PAGES),
    params=st.dictionaries(st.sampled_from(KEYS), st.lists(VALUES, min_size=1, max_size=3), max_size=4),
)
def test_any_link_renders_a_page(page, params):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    for key, values in params.items():
        at.query_params[key] = values
    at.run()
    assert not at.exception
    assert len(at.title) >= 1
    for w in at.warning:  # what we say about a link is escaped: no link, no tag survives as markup
        assert "](" not in w.value.replace("\\]\\(", "")


HOSTILE = '<img src=x onerror="alert(1)">[klicka](http://evil.example)'


def _hostile_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("build"))
    path = data / "forbund.csv"
    text = path.read_text(encoding="utf-8").replace(",Sydnärke,", f',"{HOSTILE.replace(chr(34), chr(34) * 2)}",')
    path.write_text(text, encoding="utf-8")
    return data


def test_text_from_data_is_never_rendered_as_markup(tmp_path, monkeypatch):
    monkeypatch.setenv("FINSAM_DATA_DIR", str(_hostile_data(tmp_path)))
    for page, params in (
        ("pages/overview.py", {}),
        ("pages/eget_kapital.py", {}),
        ("pages/hae.py", {"forbund": ["sydnarke"]}),
        ("pages/kostnader.py", {}),
    ):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page(page)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, page
        for kind in ("markdown", "caption", "warning", "info", "error", "subheader"):
            for element in getattr(at, kind):
                assert "<img" not in element.value.replace("\\<img", ""), (page, kind, element.value)
                assert "](http" not in element.value.replace("\\]\\(http", ""), (page, kind, element.value)
        for chart in at.get("plotly_chart"):
            spec = json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)
            assert "<img" not in spec, page  # Plotly reads a subset of HTML: escaped to &lt;img


def _upload(name: str, content: bytes):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.user = {"is_logged_in": True, "email": "redaktor@example.se"}
    at.switch_page("pages/importera.py")
    at.run()
    at.file_uploader(key="upload").upload(name, content).run()
    return at


def test_bad_uploads_get_messages_and_nothing_is_written():
    from tests.test_ingest import make_pdf

    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in source_files()}
    cases = {
        "stor.pdf": (b"%PDF-1.4" + b"0" * (26 * 1024 * 1024), "för stor"),
        "rapport.docx": (b"PK\x03\x04 inte en pdf", "stöds inte"),
        "last.pdf": (make_pdf([["hemligt"]], encrypt="losen"), "lösenordsskyddad"),
        "trasig.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "PDF"),
        "bilder.pdf": (make_pdf([[]]), "ingen text"),
    }
    for name, (content, message) in cases.items():
        at = _upload(name, content)
        assert not at.exception, name
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and message in errors[0], (name, errors)
        assert len(at.data_editor) == 0  # nothing to review, nothing to save
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in source_files()}
    assert before == after
    assert not (DATA_DIR / "incoming").exists()
