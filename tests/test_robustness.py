"""Robustness: any link, hostile text in the data, and bad uploads give a page with a message, never a crash."""

from __future__ import annotations

import hashlib
import json
import re
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


HOSTILE = (
    '<img src=x onerror="alert(1)">[klicka](http://evil.example) **fet** :material/warning: '
    "http://bare.example/login www.evil.example a@b.se"
)


def _hostile_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("build"))
    quoted = f'"{HOSTILE.replace(chr(34), chr(34) * 2)}"'
    path = data / "forbund.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace(",Sydnärke,", f",{quoted},").replace("Samordningsförbundet Sydnärke,", f"{quoted},")
    path.write_text(text, encoding="utf-8")
    for name in ("members.csv", "documents.csv"):  # a member and a document title too
        p = data / name
        p.write_text(p.read_text(encoding="utf-8").replace(",Askersund,", f",{quoted},"), encoding="utf-8")
    p = data / "documents.csv"
    p.write_text(
        p.read_text(encoding="utf-8").replace("Årsredovisning 2023 Samordningsförbundet Sydnärke", HOSTILE[:60]),
        encoding="utf-8",
    )
    return data


def _markup_left(text: str) -> list[str]:
    """What of the hostile text would still act as markup or a link once Markdown renders it."""
    unescaped = re.sub(r"\\.", "", text)  # escaped characters render as themselves
    plain = text.replace("\\", "")  # the text as it reads
    found = []
    if "<img src" in unescaped:
        found.append("HTML")
    if "](http" in unescaped:
        found.append("länk")
    if "**fet**" in unescaped:
        found.append("fetstil")
    if ":material/warning:" in unescaped:
        found.append("ikon")
    if any(a in plain for a in ("http://bare", "http://evil", "www.evil", "a@b.se")):
        found.append("autolänk")
    return found


PAGES_WITH_DATA = (
    ("pages/overview.py", {}),
    ("pages/eget_kapital.py", {}),
    ("pages/hae.py", {"forbund": ["sydnarke"]}),
    ("pages/kostnader.py", {}),
    ("pages/deltagare.py", {}),
    ("pages/profil.py", {"forbund": ["sydnarke"]}),
    ("pages/kallor.py", {}),
)
TEXT_ELEMENTS = ("markdown", "caption", "warning", "info", "error", "success", "title", "header", "subheader")
LABELLED = ("expander", "tabs", "button", "download_button", "page_link", "selectbox", "multiselect", "toggle")


def test_text_from_data_is_never_rendered_as_markup(tmp_path, monkeypatch):
    monkeypatch.setenv("FINSAM_DATA_DIR", str(_hostile_data(tmp_path)))
    for page, params in PAGES_WITH_DATA:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page(page)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, page
        seen = 0
        for kind in TEXT_ELEMENTS:
            for element in getattr(at, kind):
                seen += HOSTILE[:10] in element.value.replace("\\", "")
                assert _markup_left(element.value) == [], (page, kind, element.value)
        for kind in LABELLED:
            for element in at.get(kind):
                label = element.proto.label
                seen += HOSTILE[:10] in label.replace("\\", "")
                assert _markup_left(label) == [], (page, kind, label)
        for chart in at.get("plotly_chart"):
            spec = json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)
            seen += "klicka" in spec
            assert "<img" not in spec, page  # Plotly reads a subset of HTML: escaped to &lt;img
            assert "<a " not in spec and "href" not in spec, page  # nor a link
        for table in at.dataframe:  # tables show text as text (no Markdown): counted, not checked
            seen += "klicka" in table.value.to_csv()
        assert seen, page  # the hostile name is on the page (escaped), so the test looks at something


def test_escaping_breaks_bare_addresses_and_keeps_the_text():
    from lib.format import escape_markdown

    out = escape_markdown("se http://x.se/a och www.y.se, skriv till a@b.se", 200)
    assert _markup_left(out) == []
    assert out.replace("\\", "").replace("\u200b", "") == "se http://x.se/a och www.y.se, skriv till a@b.se"


def _upload(name: str, content: bytes):
    from tests.test_import_page import EDITOR, app

    at = app(EDITOR)
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


def test_a_link_with_an_address_in_it_gives_a_notice_without_a_link():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/eget_kapital.py")
    at.query_params["forbund"] = ["http://evil.example/login", "www.evil.example", "a@b.se"]
    at.run()
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert notices and all(_markup_left(n) == [] for n in notices)
