"""From upload to every page: an editor registers a förbund that is not in the data, reviews its report
(one value corrected, one added by hand, one unticked), publishes it, replaces and withdraws it; on
SQLite and on PostgreSQL (tests/conftest.py: store_url). Auth is faked at the edge (AppTest's user)."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.data import build_dataset
from lib.registry import METRICS
from tests.conftest import FIXTURES, ROOT
from tests.test_app import PAGES, run, specs
from tests.test_import_page import AUTH, EDITOR

REPORT = (FIXTURES / "nordana-ar-2024.txt").read_bytes()
DOC = "nordana-ar-2024"
OTHER = {"is_logged_in": True, "email": "annan.redaktor@example.se", "email_verified": True}


@pytest.fixture
def store(app_store):
    return app_store


def editor(user=EDITOR) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["editors"] = {"emails": [EDITOR["email"], OTHER["email"]]}
    at.user = user
    at.switch_page("pages/importera.py")
    return at.run()


def visitor(page: str, **params) -> AppTest:
    return run(page, **params)


def plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u200b", "")


def outcome(at: AppTest) -> str:
    """The message after a publish or a withdrawal (shown by the publish button)."""
    said = [plain(e.value) for e in at.success if "publicerad" in e.value or "tillbakadraget" in e.value]
    assert len(said) == 1, [e.value for e in at.success]
    return said[0]


def upload(at: AppTest, data: bytes = REPORT, name: str = "nordana-ar-2024.txt") -> str:
    at.file_uploader(key="upload").upload(name, data, "text/plain").run()
    assert not at.exception, at.exception
    return hashlib.sha256(data).hexdigest()[:12]


def row_index(table, metric: str, year: str, line: int | None = None) -> int:
    hits = [
        i
        for i, (m, y, r) in enumerate(zip(table["Mått"], table["År"], table["Rad"], strict=True))
        if m == METRICS[metric].label and y == year and (line is None or r == line)
    ]
    assert len(hits) == 1, (metric, year, hits)
    return hits[0]


def review_and_publish(at: AppTest, k: str) -> None:
    """Correct one value, untick one, add one by hand, then publish (what an editor does)."""
    table = at.data_editor(key=f"review_{k}_{DOC}").value
    fix = row_index(table, "arets_resultat", "2024")
    drop = row_index(table, "finansiella_intakter", "2023")
    # "Kassa och bank 1 690 1 505" could also be note 1 and 690: proposed weak and unticked; the editor confirms.
    weak = [i for i, ok in enumerate(table["Godkänn"]) if not ok]
    assert [table["Mått"][i] for i in weak] == ["Likvida medel vid årets slut"] * 2
    assert table["Obs"][weak[0]] == (
        "en av flera möjliga läsningar av raden (raden kan också läsas som not 1 och «690 1 505»)"
    )
    at.session_state[f"review_{k}_{DOC}"] = {
        "edited_rows": {fix: {"Tryckt värde": "297"}, drop: {"Godkänn": False}, **{i: {"Godkänn": True} for i in weak}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    warnings = [plain(w.value) for w in at.warning]
    assert any(w.startswith("rad 26 (Årets resultat 2024): «297» står inte på raden") for w in warnings), warnings
    # The short-term debts on line 34 were not proposed: add them by choosing the line, the number among the
    # line's numbers, and the metric.
    f = f"{k}_{DOC}"
    at.number_input(key=f"add_line_{f}").set_value(34).run()
    group = at.selectbox(key=f"add_group_{f}_34")
    assert group.options == ["480", "552", "Annat (skriv det)"]
    group.set_value("__annat__").run()
    at.selectbox(key=f"add_metric_{f}").set_value("skulder")
    at.text_input(key=f"add_printed_{f}").set_value("48")  # only part of a number on line 34: refused
    at.selectbox(key=f"add_unit_{f}").set_value("tkr")
    at.button(key=f"add_button_{f}").click().run()
    assert [plain(e.value) for e in at.error] == [
        "«48» står inte på rad 34: «Kortfristiga skulder                                   480       552»"
    ]
    # Refused, nothing lost: the line, metric and unit are still chosen; pick the printed number instead.
    assert at.number_input(key=f"add_line_{f}").value == 34
    assert at.selectbox(key=f"add_metric_{f}").value == "skulder"
    at.selectbox(key=f"add_group_{f}_34").set_value("480")
    at.button(key=f"add_button_{f}").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    added = at.data_editor(key=f"added_table_{f}_1").value
    assert list(added["Tryckt värde"]) == ["480"] and list(added["Etikett"]) == ["Kortfristiga skulder"]
    # The checks ran on the reviewed rows, inside the whole dataset: the corrected result no longer follows from
    # income and costs. Shown, not blocking.
    assert [x.value for x in at.subheader if x.value.startswith("Kontroller")] == [
        "Kontroller av det granskade (1 avvikelse)"
    ]
    found = next(d.value for d in at.dataframe if "Kontroll" in d.value.columns)
    assert list(found["Kontroll"]) == ["Årets resultat stämmer inte med intäkter och kostnader"]
    assert list(found["Skillnad"]) == ["10\u00a0000\u00a0kr"]
    publish = at.button(key="import_publish")
    assert publish.label == "Publicera 30 uppgifter och registrera förbundet" and not publish.disabled
    publish.click().run()
    assert not at.exception, at.exception
    assert outcome(at).startswith(f"{DOC} version 1 är publicerad med 30 uppgifter och förbundet är registrerat.")


def test_register_review_publish_and_see_it_on_every_page(store):
    at = editor()
    k = upload(at)
    # Registration: suggested from the report, confirmed as is.
    assert at.selectbox(key=f"imp_forbund_{k}").value == "__nytt__"
    assert at.text_input(key=f"reg_name_{k}").value == "Samordningsförbundet Nordanå"
    assert at.text_input(key=f"reg_slug_{k}").value == "nordana"
    assert at.text_input(key=f"reg_org_{k}").value == "222000-9911"
    assert at.selectbox(key=f"reg_lan_{k}").value == "Västernorrlands län"
    assert at.text_area(key=f"reg_members_{k}").value.splitlines() == [
        "Arbetsförmedlingen (stat)",
        "Försäkringskassan (stat)",
        "Region Västernorrland (region)",
        "Härnösand (kommun)",
        "Kramfors (kommun)",
        "Ånge (kommun)",
    ]
    assert any(
        c.value.startswith("Medlemskommuner enligt SCB: Härnösand (2280), Kramfors (2282), Ånge (2260)")
        for c in at.caption
    )
    # A member that is no kommun is caught at the form, with the closest names; publishing waits.
    members = at.text_area(key=f"reg_members_{k}").value
    at.text_area(key=f"reg_members_{k}").set_value(members.replace("Kramfors", "Kramfor")).run()
    said = [plain(e.value) for e in at.error if "Innan förbundet kan registreras" in e.value]
    assert said == [
        "Innan förbundet kan registreras:\n\n- medlemmen «Kramfor» är ingen av Sveriges 290 kommuner; menade du "
        "«Kramfors»?"
    ], said
    assert at.button(key="import_publish").disabled
    at.text_area(key=f"reg_members_{k}").set_value(members).run()
    assert not [e for e in at.error if "Innan förbundet" in e.value]
    review_and_publish(at, k)

    # The registration, the document and the history are in the store.
    assert [e["action"] for e in store.history()] == ["registrera", "publicera"]
    reg = store.registered()["nordana"]
    assert (reg["org_nr"], reg["org_nr_document"], reg["org_nr_line"]) == ("222000-9911", DOC, 3)
    assert reg["ceiling_pct"] == 20 and reg["ceiling_document"] is None
    assert reg["registered_by"] == EDITOR["email"]

    # Every page shows the new förbund, to a visitor, without a restart.
    for page in PAGES:
        seen = visitor(page, forbund=["nordana"])
        assert not seen.exception, (page, seen.exception)
        assert [e.value for e in seen.error] == [], page
        assert seen.multiselect(key="forbund").value == ["nordana"], page
    ranking = specs(visitor("eget_kapital", forbund=["nordana"]))[0]
    bars = {y: x for t in ranking["data"] if t["type"] == "bar" for y, x in zip(t["y"], t["x"], strict=True)}
    assert bars == {"Nordanå (2024)": pytest.approx(23.75)}  # 1 520 000 / 6 400 000, over the 20 % ceiling

    ds = build_dataset(published=store.published())
    f = ds.figures.filter(forbund="nordana")
    result = f.filter(metric="arets_resultat", year=2024).row(0, named=True)
    assert result["value"] == 297_000.0  # the corrected value
    assert result["note"].startswith(f"granskad av {EDITOR['email']} ")
    assert result["note"].endswith("; rättad vid granskning, förslaget var 287")
    assert f.filter(metric="finansiella_intakter", year=2023).height == 0  # unticked
    debts = f.filter(metric="skulder").row(0, named=True)
    assert (debts["value"], debts["line"], debts["year"]) == (480_000.0, 34, 2024)
    assert debts["label"] == "Kortfristiga skulder"
    assert debts["note"].startswith(f"tillagd för hand vid granskningen av {EDITOR['email']} ")
    # The cost split read from its own table (a unit after each amount): on the cost page.
    shares = f.filter(metric="kostnad_administration_andel")["value"].to_list()
    assert shares == [pytest.approx(890 / 6180 * 100)]

    # The provenance is next to the report line on the Källor page, with the history.
    kallor = visitor("kallor", forbund=["nordana"])
    docs = next(d.value for d in kallor.dataframe if "Ursprung" in d.value.columns and "Titel" in d.value.columns)
    nordana = docs[docs["Förbund"] == "Nordanå"].iloc[0]
    assert re.fullmatch(
        r"inläst från nordana-ar-2024\.txt, granskad av redaktor@example\.se \(administratör\) \d{4}-\d\d-\d\d",
        nordana["Ursprung"],
    )
    history = next(d.value for d in kallor.dataframe if "Händelse" in d.value.columns)
    assert list(history["Händelse"]) == ["Publicerade", "Registrerade förbundet"]
    # The export and the board briefing include it too.
    from lib.briefing import build_briefing
    from lib.export import figures_table

    exported = figures_table(ds).filter(forbund="nordana", metric="arets_resultat", year=2024)
    assert exported["provenance"][0].endswith("; rättad vid granskning, förslaget var 287")
    # The member kommuner were checked at registration: every one has its SCB code, no finding about them.
    assert ds.findings.filter(forbund="nordana").select("check").rows() == [("resultat",)]
    assert ds.kommuner.filter(forbund="nordana").select("kommun_kod", "kommun").rows() == [
        ("2260", "Ånge"),
        ("2280", "Härnösand"),
        ("2282", "Kramfors"),
    ]
    pdf = build_briefing(ds, "nordana")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = " ".join(p.extract_text() or "" for p in doc.pages)
    assert "Samordningsförbundet Nordanå" in text and "granskad av redaktor@example.se" in text


def test_replace_and_withdraw_show_in_the_history(store):
    at = editor()
    k = upload(at)
    review_and_publish(at, k)
    # A corrected report: a new file of the same document. The förbund is known now.
    corrected = REPORT.replace(b"1 520 000 kr", b"1 530 000 kr")
    k2 = upload(at, corrected, "nordana-ar-2024-rattad.txt")
    assert at.selectbox(key=f"imp_forbund_{k2}").value == "nordana"
    replace = at.button(key="import_replace")
    assert replace.label == "Ersätt med version 2" and replace.disabled  # a reason is required
    at.text_input(key="replace_reason").set_value("rättad årsredovisning från kansliet").run()
    at.button(key="import_replace").click().run()
    assert not at.exception
    assert outcome(at).startswith(f"{DOC} version 2 är publicerad")
    # Withdraw it: out of the comparison, kept in the store.
    at.text_input(key="withdraw_reason").set_value("fel förbund").run()
    at.button(key="withdraw").click().run()
    assert outcome(at) == f"{DOC} är tillbakadraget ur jämförelsen."
    assert [(e["action"], e["version"], e["comment"]) for e in store.history()] == [
        ("registrera", None, "Samordningsförbundet Nordanå"),
        ("publicera", 1, None),
        ("ersätt", 2, "rättad årsredovisning från kansliet"),
        ("dra tillbaka", 2, "fel förbund"),
    ]
    kallor = visitor("kallor")
    history = next(d.value for d in kallor.dataframe if "Händelse" in d.value.columns)
    assert list(history["Händelse"]) == [
        "Drog tillbaka",
        "Ersatte med ny version",
        "Publicerade",
        "Registrerade förbundet",
    ]
    assert "nordana" not in visitor("overview").multiselect(key="forbund").options


def test_a_stale_replace_is_refused_and_the_colleagues_correction_stays(store):
    """Two editors have the published document open with a new file each; one replaces it with a corrected
    version 2; the other's later click on "Ersätt" is refused (who and when), and version 2 stays current."""
    first = editor(EDITOR)
    review_and_publish(first, upload(first))
    corrected = REPORT.replace(b"1 520 000 kr", b"1 530 000 kr")
    stale = REPORT.replace(b"1 520 000 kr", b"1 510 000 kr")
    upload(first, corrected, "rattad.txt")
    second = editor(OTHER)
    upload(second, stale, "gammal.txt")
    # Both are ready to replace version 1; the first clicks, the second's page still shows "version 2".
    second.text_input(key="replace_reason").set_value("min version").run()
    first.text_input(key="replace_reason").set_value("rättad av kansliet").run()
    first.button(key="import_replace").click().run()
    assert outcome(first).startswith(f"{DOC} version 2 är publicerad")
    assert first.text_input(key="replace_reason").value == ""  # the next replace starts without the old reason
    before = (store.revision(), store.versions())
    second.button(key="import_replace").click().run()
    assert not second.exception
    errors = [plain(e.value) for e in second.error]
    assert any(
        f"{DOC} har ändrats sedan du började granska: {EDITOR['email']} ersatte det (version 2)" in e for e in errors
    ), errors
    assert (store.revision(), store.versions()) == before
    # Now the page says so, and its buttons wait until the new state is loaded.
    assert any("har ändrats av någon annan sedan du började granska" in plain(w.value) for w in second.warning)
    assert second.button(key="import_replace").disabled
    assert [v["source_file"] for v in store.versions() if v["status"] == "gällande"] == ["rattad.txt"]
    # Loading the new state is an explicit act; then the editor may replace knowingly.
    second.button(key="import_reload").click().run()
    assert not any("har ändrats av någon annan" in plain(w.value) for w in second.warning)
    assert second.button(key="import_replace").label == "Ersätt med version 3"


def test_two_editors_at_once_both_land_and_a_failing_publish_changes_nothing(store):
    first, second = editor(EDITOR), editor(OTHER)
    k = upload(first)
    upload(second)
    # Both see the report as new and review it; the first publishes.
    review_and_publish(first, k)
    # The second still has the publish button of a document that is now published: refused, nothing changes.
    before = (store.revision(), store.versions())
    second.button(key="import_publish").click().run()
    assert not second.exception
    errors = [plain(e.value) for e in second.error]
    # Refused as a stale write, saying who published it meanwhile (the store's check, inside its lock).
    assert any(
        e.startswith("Inte publicerat; inget ändrades:")
        and f"{DOC} har ändrats sedan du började granska: {EDITOR['email']} publicerade det (version 1)" in e
        for e in errors
    ), errors
    assert (store.revision(), store.versions()) == before
    # A second document (the same förbund's plan), published by the other editor, lands beside the first.
    plan = (FIXTURES / "nordana-vp-2025.txt").read_bytes()
    k2 = upload(second, plan, "nordana-vp-2025.txt")
    assert second.selectbox(key=f"imp_forbund_{k2}").value == "nordana"
    assert second.selectbox(key=f"doc_type_{k2}").value == "verksamhetsplan"
    second.button(key="import_publish").click().run()
    assert not second.exception
    assert [v["document"] for v in store.versions() if v["status"] == "gällande"] == [DOC, "nordana-vp-2025"]
    ds = build_dataset(published=store.published())
    assert {"nordana-ar-2024", "nordana-vp-2025"} <= set(ds.documents["document"].to_list())


def test_the_click_asks_again_an_editor_taken_off_the_list_publishes_nothing(store):
    at = editor()
    k = upload(at)
    assert at.selectbox(key=f"imp_forbund_{k}").value == "__nytt__"
    at.secrets["editors"] = {"emails": [OTHER["email"]]}  # removed while the page was open
    at.button(key="import_publish").click().run()
    assert not at.exception
    assert store.history() == [] and store.registered() == {}
    # The page itself is gone for them at that run: only the guard's message is left.
    assert not any(t.value == "Importera rapport" for t in at.title)


def test_visiting_the_dashboard_creates_no_store(tmp_path, monkeypatch):
    """The default SQLite file is made by the first publication (or the import page), not by a visit."""
    monkeypatch.delenv("FINSAM_STORE_URL", raising=False)
    target = tmp_path / "store" / "publicerat.sqlite"
    monkeypatch.setenv("FINSAM_STORE_FILE", str(target))
    at = visitor("overview")
    assert not at.exception and [i.value for i in at.info if "Publicerade" in i.value] == []
    assert not target.exists()
