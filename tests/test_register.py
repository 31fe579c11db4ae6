"""The register of förbund (lib.register, lib.store.register): the CSV list with each kind of bad row, all rows or
none, versions and history, mergers on the map, coverage, and the role matrix on every write path; every store
test on SQLite and PostgreSQL (tests/conftest.py: store_url)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date

import polars as pl
import pytest

from lib.data import build_dataset
from lib.editors import ADMIN, FORBUND_EDITOR, Decision, Editor, authorise, decide
from lib.register import coverage
from lib.register.entries import entry_from, read_csv
from lib.store import PublishError, Store
from lib.store.register import Refused
from lib.views import LATEST
from lib.views_map import legend_counts, map_table
from tests.conftest import FIXTURES, ROOT
from tests.test_store import ROWS, SHA, publication

LIST = FIXTURES / "register" / "urval.csv"
CURATED = "projektet (git)"
BAD = FIXTURES / "register" / "fel.csv"
ADMIN_ED = Editor.admin("admin@example.se")
EDITOR_A = Editor("a@example.se", role=FORBUND_EDITOR, forbund=frozenset({"nordana"}))
EDITOR_B = Editor("b@example.se", role=FORBUND_EDITOR, forbund=frozenset({"solleftea"}))
AUTH = {"auth": {"redirect_uri": "x", "cookie_secret": "x" * 32, "client_id": "x", "client_secret": "x"}}
OK = {"email_verified": True}


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.engine.dispose()


def register_nordana(store: Store) -> None:
    """Nordanå in the register (an admin's act), so that its editor may publish its first report."""
    cells = {"forbund": "nordana", "name": "Samordningsförbundet Nordanå", "short_name": "Nordanå", "kommuner": "2260"}
    cells["source"] = "test"
    store.save_entry(ADMIN_ED, entry_from(cells), "")


def rows_of(path):
    rows, problems = read_csv(path.read_text(encoding="utf-8"))
    assert problems == []
    return rows


# -- the list ------------------------------------------------------------------------------------------


def test_a_list_with_bad_rows_names_each_and_writes_nothing(store):
    store.load_register(ADMIN_ED, rows_of(LIST), "urval")
    before = (store.register_versions(), store.history())
    with pytest.raises(PublishError) as err:
        store.load_register(ADMIN_ED, rows_of(BAD), "felaktig lista")
    assert err.value.problems == [
        "rad 2 (ok-forbund): kommun 1315 är samtidigt medlem i Samordningsförbundet Dubbel (rad 4), utan "
        "slutdatum; avsluta det ena förbundet (valid_to) innan det andra börjar, eller ange kommundel för båda om "
        "de delar kommunen",
        "rad 3 (okand-kod): okänd kommunkod 9999 (SCB:s fyrsiffriga kommunkoder)",
        "rad 5 (fel-orgnr): organisationsnumret 222000-1785 är inte giltigt (kontrollsiffran stämmer inte)",
        "rad 6 (sydnarke): kortnamnet sydnarke är redan taget av Samordningsförbundet Sydnärke (222000-2600)",
        "rad 7 (Stora Bokstäver): kortnamnet (forbund) 'Stora Bokstäver' får bara ha a–z, 0–9 och bindestreck",
        "rad 8 (utan-kalla): källan (source) saknas",
        "rad 9 (fel-datum): valid_from '2020-13-01' är inget datum (ÅÅÅÅ-MM-DD)",
        "rad 10 (ok-forbund): kortnamnet ok-forbund finns redan på rad 2 i filen",
    ]
    assert (store.register_versions(), store.history()) == before  # nothing written


def test_a_slug_of_a_forbund_known_from_reports_is_taken_by_another_name(store):
    rows = [(2, entry_from({"forbund": "jamtland", "name": "Annat", "kommuner": "2380", "source": "x"}))]
    assert store.plan_register(rows).problems == [
        "rad 2 (jamtland): kortnamnet jamtland är redan taget av Samordningsförbundet i Jämtlands län (rapporterna)"
    ]


def test_a_list_loads_once_is_versioned_and_loading_it_again_changes_nothing(store):
    done = store.load_register(ADMIN_ED, rows_of(LIST), "urval")
    assert done.summary() == "9 nya, 0 ändrade, 0 oförändrade"
    assert store.load_register(ADMIN_ED, rows_of(LIST), "igen").summary() == "0 nya, 0 ändrade, 9 oförändrade"
    edited = entry_from({**store.register()["solleftea"].as_row(), "website": "https://www.example.se/s"})
    assert store.save_entry(ADMIN_ED, edited, "webbplats").summary() == "0 nya, 1 ändrade, 0 oförändrade"
    versions = store.register_versions("solleftea")
    assert [(v["version"], v["website"], v["changed_by"]) for v in versions] == [
        (1, None, "admin@example.se"),
        (2, "https://www.example.se/s", "admin@example.se"),
    ]
    assert [h["action"] for h in store.history()].count("register") == 10
    assert store.register()["sodra-lappland"].kommuner == ("2418", "2421", "2422", "2425", "2462", "2463", "2481")


def test_a_merger_ends_the_old_forbund_the_day_before(store):
    rows = [
        (i, entry_from({"forbund": s, "name": f"Förbund {s}", "kommuner": k, "source": "test"}))
        for i, (s, k) in enumerate([("norra", "2480"), ("sodra", "2401 2403")], 2)
    ]
    store.load_register(ADMIN_ED, rows, "")
    new = entry_from({"forbund": "samman", "name": "Förbundet Samman", "valid_from": "2021-01-01", "source": "beslut"})
    store.merge(ADMIN_ED, ["norra", "sodra"], new, "")
    reg = store.register()
    assert (reg["norra"].valid_to, reg["sodra"].valid_to) == ("2020-12-31", "2020-12-31")
    assert (reg["samman"].valid_from, reg["samman"].kommuner) == ("2021-01-01", ("2480", "2401", "2403"))
    with pytest.raises(PublishError, match="samtidigt medlem"):  # a kommun cannot join a second förbund
        store.save_entry(ADMIN_ED, entry_from({**reg["norra"].as_row(), "valid_to": ""}), "")


def test_the_command_line_checks_a_list_and_loads_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    cmd = [sys.executable, "-m", "lib.store", "--url", url, "register", "import"]
    bad = subprocess.run([*cmd, str(BAD)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "Inget ändrades: 8 fel" in bad.stderr and "rad 3 (okand-kod)" in bad.stderr
    dry = subprocess.run([*cmd, str(LIST), "--dry-run"], cwd=ROOT, capture_output=True, text=True)
    assert dry.returncode == 0 and "Kontrollerat, inget skrivet: 9 nya" in dry.stdout
    assert Store.open(url).register() == {}
    done = subprocess.run([*cmd, str(LIST), "--editor", "rådet@example.se"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "Inläst i registret: 9 nya" in done.stdout
    assert len(Store.open(url).register()) == 9
    out = tmp_path / "ut.csv"
    subprocess.run([sys.executable, "-m", "lib.store", "--url", url, "register", "export", str(out)], cwd=ROOT)
    again = subprocess.run([*cmd, str(out), "--dry-run"], cwd=ROOT, capture_output=True, text=True)
    assert "0 nya, 0 ändrade, 9 oförändrade" in again.stdout  # the export is the import's format


# -- the role matrix -----------------------------------------------------------------------------------


def test_roles_from_secrets_and_the_store():
    secrets = {**AUTH, "editors": {"emails": ["admin@example.se"], "forbund": {"nordana": ["a@example.se"]}}}
    assert decide(secrets, True, "admin@example.se", OK).role == ADMIN
    a = decide(secrets, True, "A@example.se", OK)
    assert (a.allowed, a.role, a.forbund) == (True, FORBUND_EDITOR, frozenset({"nordana"}))
    assert not decide(secrets, True, "c@example.se", OK).allowed  # signed in without a role
    assert not decide(secrets, False, "a@example.se", OK).allowed  # anonymous
    c = decide(secrets, True, "c@example.se", OK, [(FORBUND_EDITOR, "solleftea"), ("okänd", "x")])
    assert (c.role, c.forbund) == (FORBUND_EDITOR, frozenset({"solleftea"}))
    assert decide(secrets, True, "c@example.se", OK, [(ADMIN, "")]).role == ADMIN
    # Only per-förbund lists, no central list: fine, and nobody else gets in.
    only = {**AUTH, "editors": {"forbund": {"nordana": "a@example.se"}}}
    assert decide(only, True, "a@example.se", OK).forbund == frozenset({"nordana"})
    assert not decide(only, True, "admin@example.se", OK).allowed
    assert not decide({**AUTH, "editors": {"forbund": {"nordana": []}}}, True, "a@example.se", OK).allowed
    # An unverified address gets no role at all.
    assert not decide(secrets, True, "a@example.se", {"email_verified": False}).allowed
    with pytest.raises(PermissionError):
        authorise(Decision(True, ""), "a@example.se")  # allowed without a role is not a role


def _attempts(store: Store, actor: Editor):
    """Every write path, on förbund A (nordana) and on förbund B (solleftea): name → callable."""
    a_reg = publication("nordana", 2024)
    b_doc = dataclasses.replace(publication("solleftea", 2024, reg=False), document="solleftea-ar-2024")
    entry = entry_from({"forbund": "nytt", "name": "Nytt förbund", "kommuner": "0114", "source": "test"})
    return {
        "publicera A": lambda: store.publish(a_reg, actor),
        "ersätt A": lambda: store.replace(publication("nordana", 2024, reg=False), actor, "rättad"),
        "granskning A": lambda: store.save_review(actor, "nordana-ar-2024", SHA, "x.pdf", {}, forbund="nordana"),
        "dra tillbaka A": lambda: store.withdraw("nordana-ar-2024", actor, "fel fil"),
        "publicera B": lambda: store.publish(b_doc, actor),
        "granskning B": lambda: store.save_review(actor, "solleftea-ar-2024", SHA, "x.pdf", {}, forbund="solleftea"),
        "dra tillbaka B": lambda: store.withdraw("solleftea-ar-2023-publ", actor, "x"),
        "registret": lambda: store.save_entry(actor, entry, ""),
        "roll": lambda: store.grant(actor, "x@example.se", FORBUND_EDITOR, "nordana"),
    }


def _outcome(fn) -> str:
    try:
        fn()
    except Refused:
        return "nekad"
    except PermissionError:
        return "ingen roll"
    except PublishError as exc:
        return f"fel: {exc.problems[0][:40]}"
    return "ok"


def test_the_role_matrix_on_every_write_path(store):
    register_nordana(store)
    # B has a published document, so that withdrawing B's is a real attempt.
    store.publish(
        dataclasses.replace(
            publication("solleftea", 2024, reg=False), document="solleftea-ar-2023-publ", year=2023, rows=ROWS
        ),
        ADMIN_ED,
    )
    nobody = Editor("c@example.se")  # signed in, no role
    got = {}
    for name, actor in [("utan roll", nobody), ("redaktör A", EDITOR_A), ("admin", ADMIN_ED)]:
        got[name] = {what: _outcome(fn) for what, fn in _attempts(store, actor).items()}
    assert got["utan roll"] == dict.fromkeys(got["utan roll"], "ingen roll")
    assert got["redaktör A"] == {
        "publicera A": "ok",
        "ersätt A": "ok",
        "granskning A": "ok",
        "dra tillbaka A": "ok",
        "publicera B": "nekad",
        "granskning B": "nekad",
        "dra tillbaka B": "nekad",
        "registret": "nekad",
        "roll": "nekad",
    }
    assert got["admin"] == dict.fromkeys(got["admin"], "ok")  # A withdrew A's document: published again
    refused = [(r["editor"], r["forbund"], r["comment"]) for r in reversed(store.refusals())]
    assert refused == [
        ("a@example.se", "solleftea", "publicera solleftea-ar-2024 (förbundsredaktör (nordana))"),
        ("a@example.se", "solleftea", "spara en granskning av solleftea-ar-2024 (förbundsredaktör (nordana))"),
        ("a@example.se", "solleftea", "dra tillbaka solleftea-ar-2023-publ (förbundsredaktör (nordana))"),
        ("a@example.se", "*", "ändra förbundsregistret (förbundsredaktör (nordana))"),
        ("a@example.se", "nordana", "ge rollen förbundsredaktör (förbundsredaktör (nordana))"),
    ]
    docs = {v["document"]: (v["published_by"], v["published_role"]) for v in store.versions() if v["version"] == 1}
    assert docs["nordana-ar-2024"] == ("a@example.se", "förbundsredaktör")
    assert docs["solleftea-ar-2023-publ"] == ("admin@example.se", "administratör")


def test_a_forbund_editor_registers_report_facts_only_for_a_forbund_in_the_register(store):
    rogue = Editor("r@example.se", role=FORBUND_EDITOR, forbund=frozenset({"nordana"}))
    with pytest.raises(Refused, match="bara en administratör registrerar"):
        store.publish(publication("nordana", 2024), rogue)  # in their role by secrets, but not in the register
    assert store.registered() == {}
    nordana = entry_from({"forbund": "nordana", "name": "Samordningsförbundet Nordanå", "kommuner": "2260"})
    store.save_entry(ADMIN_ED, dataclasses.replace(nordana, source="test"), "")
    assert store.publish(publication("nordana", 2024), rogue) == 1  # now an admin has registered it


def test_a_forbund_editor_cannot_replace_another_forbunds_document_by_naming_their_own(store):
    store.publish(publication("nordana", 2024), ADMIN_ED)
    hijack = dataclasses.replace(publication("nordana", 2024, reg=False), forbund="solleftea")
    with pytest.raises(Refused):
        store.replace(hijack, EDITOR_B, "min nu")
    assert store.versions()[-1]["version"] == 1


def test_roles_given_in_the_store_count_and_an_admin_keeps_their_own(store):
    store.grant(ADMIN_ED, "C@Example.se", FORBUND_EDITOR, "jamtland")
    assert store.roles_of("c@example.se") == [(FORBUND_EDITOR, "jamtland")]
    with pytest.raises(PublishError, match="finns inte i registret"):
        store.grant(ADMIN_ED, "d@example.se", FORBUND_EDITOR, "finns-inte")
    with pytest.raises(PublishError, match="ingen e-postadress"):
        store.grant(ADMIN_ED, "inte en adress", ADMIN)
    store.grant(ADMIN_ED, "admin@example.se", ADMIN)
    with pytest.raises(PublishError, match="din egen administratörsroll"):
        store.revoke(ADMIN_ED, "admin@example.se", ADMIN)
    store.revoke(ADMIN_ED, "c@example.se", FORBUND_EDITOR, "jamtland")
    assert store.roles_of("c@example.se") == []
    assert [h["comment"] for h in store.history() if h["action"] == "roll"] == [
        "gav c@example.se rollen förbundsredaktör",
        "gav admin@example.se rollen administratör",
        "tog bort rollen förbundsredaktör för c@example.se",
    ]


def test_a_forbund_editor_proposes_and_an_admin_registers(store):
    e = entry_from({"forbund": "nytt", "name": "Samordningsförbundet Nytt", "kommuner": "0114", "source": "ordning"})
    store.propose(EDITOR_A, e, "saknas")
    assert [(p["editor"], p["entry"].name) for p in store.proposals()] == [("a@example.se", e.name)]
    store.save_entry(ADMIN_ED, store.proposals()[0]["entry"], "förslag")
    assert store.proposals() == [] and "nytt" in store.register()


def test_a_dump_keeps_the_register_and_the_roles(store, tmp_path, store_url):
    from lib.store import transfer

    store.load_register(ADMIN_ED, rows_of(LIST), "urval")
    store.grant(ADMIN_ED, "c@example.se", FORBUND_EDITOR, "jamtland")
    transfer.export(store, tmp_path / "dump")
    copy = Store.open(f"sqlite:///{tmp_path / 'kopia.sqlite'}")
    transfer.restore(copy, tmp_path / "dump")
    assert copy.register() == store.register() and copy.roles() == store.roles()


# -- coverage and the map ------------------------------------------------------------------------------


def test_a_merger_on_the_map_before_and_after_its_date(store):
    store.load_register(ADMIN_ED, rows_of(LIST), "urval")
    ds = build_dataset(published=store.published())
    assert coverage.membership(ds, 2018)["1480"] == "goteborg-centrum"  # four förbund shared it by stadsdel
    assert coverage.membership(ds, 2019)["1480"] == "goteborg"
    assert coverage.membership(ds, 2019)["2283"] == "solleftea"
    before, _ = map_table(ds, "eget_kapital", "2018")
    after, _ = map_table(ds, "eget_kapital", "2019")
    gbg = pl.col("kommun_kod") == "1480"
    assert before.filter(gbg).select("Förbund", "Klass").row(0) == (
        "Samordningsförbundet Göteborg Centrum",
        "Förbundet saknar publicerad årsredovisning",
    )
    assert after.filter(gbg).select("Förbund", "Anmärkning").row(0) == (
        "Samordningsförbundet Göteborg",
        "ingen publicerad årsredovisning för 2019",
    )


def test_the_map_tells_the_three_kinds_of_missing_apart(store):
    store.load_register(ADMIN_ED, rows_of(LIST), "urval")
    ds = build_dataset(published=store.published())
    table, _ = map_table(ds, "eget_kapital", "2023")
    assert legend_counts(table, "eget_kapital")[-3:] == [
        ("Måttet saknas i rapporten", "#9A9A9A", 0),
        ("Förbundet saknar publicerad årsredovisning", "#D0D0D0", 9),  # Jämtland's 8 (2022 only) and Göteborg
        ("Kommun utan samordningsförbund i registret", "#FAFAFA", 269),
    ]
    work, _ = map_table(ds, "arbete_studier", "2023")
    missing = work.filter(pl.col("Klass") == "Måttet saknas i rapporten")
    assert sorted(set(missing["slug"].to_list())) == ["sodra-lappland", "solleftea", "sydnarke"]
    assert missing.filter(pl.col("slug") == "sydnarke")["Anmärkning"][0] == (
        "redovisar med en annan definition (positiv stegförflyttning)"
    )
    latest, _ = map_table(ds, "eget_kapital", LATEST)
    assert latest.filter(pl.col("kommun_kod") == "2303")["År"].to_list() == [2022]


def test_the_coverage_table_for_the_curated_data_and_a_published_forbund(store):
    store.load_register(ADMIN_ED, rows_of(LIST)[:3], "tre av de fyra: Sydnärke är känt bara ur sin rapport")
    register_nordana(store)
    store.publish(publication("nordana", 2024), EDITOR_A)
    ds = build_dataset(published=store.published())
    table = coverage.coverage_table(ds)
    at = store.versions()[0]["published_at"][:10]
    assert table["Förbund"].unique(maintain_order=True).to_list() == [
        *("Jämtland", "Nordanå", "Sollefteå", "Sydnärke", "Södra Lappland"),
    ]
    assert table.drop("Förbund", "Fullständigt namn").rows() == [
        ("jamtland", 2022, "kurerad", "–", CURATED, "saknas", "–", "–", 6, "ja"),
        ("jamtland", 2023, "saknas", "–", "–", "saknas", "–", "–", 0, "ja"),
        ("jamtland", 2024, "saknas", "–", "–", "saknas", "–", "–", 0, "ja"),
        ("nordana", 2022, "saknas", "–", "–", "saknas", "–", "–", 0, "ja"),
        ("nordana", 2023, "saknas", "–", "–", "saknas", "–", "–", 0, "ja"),
        ("nordana", 2024, "publicerad", at, "a@example.se", "saknas", "–", "–", 0, "ja"),
        ("solleftea", 2022, "saknas", "–", "–", "saknas", "–", "–", 0, "ja"),
        ("solleftea", 2023, "kurerad", "–", CURATED, "saknas", "–", "–", 10, "ja"),
        ("solleftea", 2024, "saknas", "–", "–", "saknas", "–", "–", 0, "ja"),
        ("sydnarke", 2022, "saknas", "–", "–", "saknas", "–", "–", 0, "nej"),
        ("sydnarke", 2023, "kurerad", "–", CURATED, "saknas", "–", "–", 8, "nej"),
        ("sydnarke", 2024, "saknas", "–", "–", "saknas", "–", "–", 0, "nej"),
        ("sodra-lappland", 2022, "saknas", "–", "–", "saknas", "–", "–", 0, "ja"),
        ("sodra-lappland", 2023, "kurerad", "–", CURATED, "saknas", "–", "–", 8, "ja"),
        ("sodra-lappland", 2024, "saknas", "–", "–", "kurerad", "–", CURATED, 1, "ja"),
    ]
    assert coverage.coverage_sentence(ds) == "1 av 5 kända förbund har en årsredovisning för 2024."
    assert coverage.coverage_sentence(ds, 2023) == "3 av 5 kända förbund har en årsredovisning för 2023."


def test_a_forbund_that_ended_is_not_counted_after(store):
    store.load_register(ADMIN_ED, rows_of(LIST), "urval")
    ds = build_dataset(published=store.published())
    known = coverage.known(ds)
    assert known["goteborg-centrum"].active_in(2019) and not known["goteborg-centrum"].active_in(2020)
    assert not known["goteborg"].active_on(date(2019, 6, 30))
    assert coverage.coverage_sentence(ds, 2020) == "0 av 5 kända förbund har en årsredovisning för 2020."


# -- the account behind an address ---------------------------------------------------------------------


def test_an_address_is_bound_to_the_account_it_was_first_used_with(store):
    from lib.editors import bound, subject

    anna = subject({"iss": "https://login.example.se", "sub": "anna-1"})
    assert anna == "https://login.example.se|anna-1" and subject({"iss": "x"}) == ""
    assert store.bind_identity("Anna@example.se", anna) == anna  # first use binds
    other = subject({"iss": "https://login.example.se", "sub": "anna-2"})  # the same address, another account
    on_record = store.bind_identity("anna@example.se", other)
    assert on_record == anna
    ok = Decision(True, "", role=ADMIN)
    assert bound(ok, anna, on_record) == ok
    refused = bound(ok, other, on_record)
    assert not refused.allowed and "knuten till ett annat konto" in refused.reason
    with pytest.raises(PermissionError):
        authorise(refused, "anna@example.se")
    with pytest.raises(Refused):
        store.release_identity(EDITOR_A, "anna@example.se")  # only an admin
    store.release_identity(ADMIN_ED, "anna@example.se")
    assert store.bind_identity("anna@example.se", other) == other


def test_the_page_refuses_an_address_signed_in_from_another_account(app_store):
    from tests.test_import_page import app

    first = app({"is_logged_in": True, "email": "redaktor@example.se", "email_verified": True, "iss": "i", "sub": "1"})
    first.switch_page("pages/importera.py")
    first.run()
    assert [t.value for t in first.title] == ["Importera rapport"]
    second = app({"is_logged_in": True, "email": "redaktor@example.se", "email_verified": True, "iss": "i", "sub": "2"})
    second.switch_page("pages/importera.py")
    second.run()
    assert not second.exception and "Importera rapport" not in [t.value for t in second.title]
    assert any("knuten till ett annat konto" in c.value for c in second.caption), [c.value for c in second.caption]
    assert app_store.identities()[0]["subject"] == "i|1"


def test_a_row_that_a_spreadsheet_would_run_as_a_formula_is_refused(store):
    cells = {"forbund": "x", "name": '=HYPERLINK("http://evil.example")', "kommuner": "0114", "source": "@import"}
    problems = store.plan_register([(2, entry_from(cells))]).problems
    assert problems == [
        "rad 2 (x): name börjar med '=', som ett kalkylprogram läser som en formel",
        "rad 2 (x): short_name börjar med '=', som ett kalkylprogram läser som en formel",
        "rad 2 (x): source börjar med '@', som ett kalkylprogram läser som en formel",
    ]
