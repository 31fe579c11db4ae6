"""The import page: not reachable without signing in; for an editor, upload → review → corrected rows."""

from __future__ import annotations

import csv
import hashlib
import io

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

REPORT = (
    "Årsredovisning 2023\n 2. Resultaträkning\nBelopp i kr. Not 2023 2022\n"
    "Verksamhetens intäkter 1 2 832 000 2 838 000\nÅrets resultat -117 094 22 090\n"
).encode()
EDITOR = {"is_logged_in": True, "email": "redaktor@example.se", "email_verified": True}
AUTH = {
    "redirect_uri": "http://localhost/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "c",
    "client_secret": "s",
    "server_metadata_url": "http://localhost/.well-known/openid-configuration",
}


def app(user: dict | None = None, editors: object = ("Redaktor@Example.se",), auth: bool = True) -> AppTest:
    """The app as a signed-in user sees it; auth is faked at the edge (st.user and secrets), in tests only."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if auth:
        at.secrets["auth"] = AUTH
    if editors is not None:
        at.secrets["editors"] = {"emails": list(editors) if isinstance(editors, tuple) else editors}
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


def test_editor_uploads_reviews_and_corrects(monkeypatch, tmp_path):
    monkeypatch.setenv("FINSAM_STORE_URL", f"sqlite:///{tmp_path / 'publicerat.sqlite'}")
    at = app(EDITOR)
    at.switch_page("pages/importera.py")
    at.run()
    assert at.title[0].value == "Importera rapport"
    at.file_uploader(key="upload").upload("rapport.txt", REPORT, "text/plain").run()
    k = hashlib.sha256(REPORT).hexdigest()[:12]
    # Nothing names the förbund: it is offered as a new one until the editor chooses.
    assert at.selectbox(key=f"imp_forbund_{k}").value == "__nytt__"
    at.selectbox(key=f"imp_forbund_{k}").set_value("solleftea").run()
    assert not at.exception
    assert at.success[0].value == "4 föreslagna uppgifter ur 6 rader."
    assert any("Hittades inte" in w.value and "medlemsbidrag" in w.value for w in at.warning)
    editor = at.data_editor(key=f"review_{k}_solleftea-ar-2023")
    table = editor.value
    assert list(table["Tryckt värde"]) == ["2 832 000", "2 838 000", "-117 094", "22 090"]
    assert table["Raden i rapporten"].iloc[0] == "Verksamhetens intäkter 1 2 832 000 2 838 000"
    # The report text beside the table, the chosen proposal's line highlighted, every value escaped.
    html = next(h.proto.body for h in at.get("html") if "Verksamhetens" in h.proto.body)  # the report's text
    assert "Verksamhetens intäkter 1 2 832 000 2 838 000</div>" in html and "font-weight:600" in html
    # Reject one row and correct another, as an editor would in the table.
    at.session_state[editor.key] = {
        "edited_rows": {3: {"Godkänn": False}, 0: {"Tryckt värde": "2 832 001"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    button = next(b for b in at.get("download_button") if "granskade uppgifterna" in b.proto.label)
    assert button.proto.label == "⬇ De 3 granskade uppgifterna (CSV, data/:s format)"
    # Sollefteå 2023 is curated: publishing it is allowed, and the overlap is said before the click.
    assert [s.value for s in at.subheader if s.value.startswith("Kontroller")] == [
        "Kontroller av det granskade (1 avvikelse)"
    ]
    found = next(d.value for d in at.dataframe if "Kontroll" in d.value.columns)
    assert list(found["Kontroll"]) == ["Samma rapport finns både i data/ och publicerad"]
    assert "jämförelsen visar det kurerade" in found["Beskrivning"].iloc[0]
    assert at.button(key="import_publish").label == "Publicera 3 uppgifter"


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


# -- the editors list fails closed ----------------------------------------------------------------


def test_the_editors_list_fails_closed():
    from lib.editors import decide

    auth = {"auth": AUTH}
    me = "redaktor@example.se"
    allowed = [
        {**auth, "editors": {"emails": ["Redaktor@Example.SE"]}},  # letter case does not matter
        {**auth, "editors": {"emails": " redaktor@example.se "}},  # one address as a string
    ]
    refused = [
        {},  # no sign-in configured
        auth,  # [editors] missing
        {**auth, "editor": {"emails": [me]}},  # a misspelt section
        {**auth, "editors": {"email": [me]}},  # a misspelt key
        {**auth, "editors": {"emails": []}},  # an empty list
        {**auth, "editors": {"emails": ["", 3, None]}},  # nothing that is an address
        {**auth, "editors": {"emails": 3}},
        {**auth, "editors": "redaktor@example.se"},
        {**auth, "editors": {"emails": ["annan@example.se"]}},  # a list without me
    ]
    ok = {"email_verified": True}
    assert [decide(s, True, me, ok).allowed for s in allowed] == [True, True]
    assert [decide(s, True, me, ok).allowed for s in refused] == [False] * len(refused)
    assert decide(allowed[0], False, me, ok).allowed is False  # signed out
    assert decide(allowed[0], True, None, ok).allowed is False  # no address from the provider
    # A mistake in the configuration is reported as one, with what is wrong.
    assert decide({**auth, "editors": {"email": [me]}}, True, me).reason.endswith(
        "saknar nyckeln 'emails' (fanns: email))"
    )
    assert decide({**auth, "editors": {"emails": []}}, True, me).config_problem
    assert not decide({**auth, "editors": {"emails": ["annan@example.se"]}}, True, me).config_problem


def test_a_signed_in_user_not_on_the_list_is_told_why_and_gets_no_import():
    at = app(EDITOR, editors=["annan@example.se"])
    at.switch_page("pages/importera.py")
    at.run()
    assert not at.exception
    assert not any(t.value == "Importera rapport" for t in at.title)
    assert any("finns inte på redaktörslistan" in c.value for c in at.caption)


def test_a_malformed_list_lets_nobody_in_and_says_so():
    at = AppTest.from_file(str(ROOT / "pages" / "importera.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["editors"] = {"email": ["redaktor@example.se"]}  # the key misspelt
    at.user = EDITOR
    at.run()
    assert [e.value for e in at.error] == ["Den här sidan är bara för inloggade redaktörer."]
    assert "saknar nyckeln 'emails'" in at.info[0].value
    assert len(at.file_uploader) == 0


# -- a verified identity, not a string (issue 25) --------------------------------------------------------


def test_only_an_address_the_provider_vouches_for_is_an_editor():
    from lib.editors import authorise, decide

    me = "redaktor@example.se"
    entra = "https://login.microsoftonline.com/0000-tenant/v2.0"
    secrets = {"auth": AUTH, "editors": {"emails": [me, "Åsa.Öberg@example.se"], "trusted_issuers": [entra]}}
    cases = {
        "verified": ({"email_verified": True, "iss": "https://accounts.google.com"}, me),
        "verified as text": ({"email_verified": "true"}, "REDAKTOR@example.se"),
        "not verified": ({"email_verified": False, "iss": "https://accounts.google.com"}, me),
        "not verified as text": ({"email_verified": "false"}, me),
        "no claim, trusted issuer": ({"iss": entra}, me),
        "no claim, other issuer": ({"iss": "https://login.example.org"}, me),
        "no claims at all": (None, me),
        "kelvin sign": ({"email_verified": True}, "redaktor@example.se".replace("k", "\u212a")),
        "non-ascii exactly as listed": ({"email_verified": True}, "Åsa.Öberg@example.se"),
        "non-ascii in another case": ({"email_verified": True}, "åsa.öberg@example.se"),
    }
    got = {name: decide(secrets, True, email, claims).allowed for name, (claims, email) in cases.items()}
    assert got == {
        "verified": True,
        "verified as text": True,
        "not verified": False,
        "not verified as text": False,
        "no claim, trusted issuer": True,
        "no claim, other issuer": False,
        "no claims at all": False,
        "kelvin sign": False,
        "non-ascii exactly as listed": True,
        "non-ascii in another case": False,
    }
    assert decide(secrets, True, me, {"email_verified": False}).reason.startswith(
        "inloggningstjänsten säger att e-postadressen inte är bekräftad (email_verified = false)"
    )
    assert "litar inte på dess adresser" in decide(secrets, True, me, {"iss": "https://login.example.org"}).reason
    assert (
        authorise(decide(secrets, True, "REDAKTOR@example.se", {"email_verified": True}), "REDAKTOR@example.se").email
        == me
    )
    assert authorise(
        decide(secrets, True, "Åsa.Öberg@example.se", {"email_verified": True}), "Åsa.Öberg@example.se"
    ).email == ("Åsa.Öberg@example.se")


def test_an_unverified_identity_is_told_so_on_the_page_and_cannot_import():
    at = app({**EDITOR, "email_verified": False}, editors=["redaktor@example.se"])
    at.switch_page("pages/importera.py")
    at.run()
    assert not at.exception
    assert not any(t.value == "Importera rapport" for t in at.title)
    assert any("email_verified = false" in c.value.replace("\\", "") for c in at.caption)
    # A look-alike address (Kelvin sign) with a verified claim is not the listed editor either.
    look_alike = app({**EDITOR, "email": "redaktor@example.se".replace("k", "\u212a")}, editors=["redaktor@example.se"])
    look_alike.switch_page("pages/importera.py")
    look_alike.run()
    assert not any(t.value == "Importera rapport" for t in look_alike.title)
    assert any("finns inte på redaktörslistan" in c.value for c in look_alike.caption)
