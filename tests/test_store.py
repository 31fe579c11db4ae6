"""The store of published imports, on SQLite and on a real PostgreSQL server (tests/conftest.py: store_url)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading

import polars as pl
import pytest
from sqlalchemy import text

from lib.data import build_dataset
from lib.editors import ADMIN, Decision, Editor, authorise
from lib.store import Publication, PublishError, Registration, Store, transfer
from lib.store import schema as t
from lib.store.schema import SchemaTooNew
from lib.store.store import LOCK_KEY
from tests.conftest import ROOT

ANNA = Editor.admin("anna@example.se")
BO = Editor.admin("bo@example.se")
SHA = "a" * 64


def row(line: int, metric: str, printed: str, unit: str = "tkr", year: int = 2024, label: str = "", **extra) -> dict:
    return {
        "section": "Resultaträkning",
        "line": str(line),
        "label": label or metric,
        "metric": metric,
        "year": str(year),
        "basis": "utfall",
        "printed": printed,
        "printed_unit": unit,
        **extra,
    }


ROWS = [
    row(21, "medlemsbidrag", "6 400"),
    row(33, "eget_kapital", "1 520"),
    row(23, "verksamhetens_kostnader", "-6 180"),
]


def registration(slug: str = "nordana", name: str = "Samordningsförbundet Nordanå") -> Registration:
    return Registration(
        {
            "forbund": slug,
            "name": name,
            "short_name": name.split()[-1],
            "org_nr": "222000-9911",
            "org_nr_document": f"{slug}-ar-2024",
            "org_nr_line": "3",
            "lan": "Västernorrlands län",
            "region": "Region Västernorrland",
            "ceiling_pct": "20",
            "ceiling_basis": "medlemsbidrag",
            "ceiling_label": "20 % av årets medlemsbidrag: Nationella rådets rekommendation (standardvärde)",
        },
        [
            {"forbund": slug, "member": "Ånge", "kind": "kommun", "document": f"{slug}-ar-2024", "line": "7"},
            {"forbund": slug, "member": "Försäkringskassan", "kind": "stat", "document": "", "line": ""},
        ],
    )


def publication(slug="nordana", year=2024, rows=ROWS, reg=True, **kw) -> Publication:
    return Publication(
        document=f"{slug}-ar-{year}",
        forbund=slug,
        type="årsredovisning",
        year=year,
        title=f"Årsredovisning {year} {slug}",
        source_file=f"{slug}-{year}.pdf",
        sha256=SHA,
        rows=list(rows),
        registration=registration(slug) if reg else None,
        **kw,
    )


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.engine.dispose()


def test_publish_registers_and_the_build_shows_the_forbund_with_provenance(store):
    assert store.revision() == "0:0"
    assert store.publish(publication(), ANNA) == 1
    ds = build_dataset(published=store.published())
    assert "nordana" in ds.forbund["forbund"].to_list()
    f = ds.figures.filter(forbund="nordana", basis="utfall").sort("metric")
    assert dict(zip(f["metric"], f["value"], strict=True)) == {
        "eget_kapital": 1_520_000.0,
        "medlemsbidrag": 6_400_000.0,
        "verksamhetens_kostnader": 6_180_000.0,  # costs are positive whatever the sign printed
    }
    share = ds.figures.filter(forbund="nordana", metric="eget_kapital_andel")["value"].to_list()
    assert share == [pytest.approx(23.75)]
    doc = ds.documents.filter(document="nordana-ar-2024").row(0, named=True)
    assert doc["origin"] == "publicerad" and doc["version"] == 1 and doc["sha256"] == SHA
    assert doc["provenance"].startswith("inläst från nordana-2024.pdf, granskad av anna@example.se (administratör) 20")
    members = ds.members.filter(forbund="nordana")
    assert members.sort("member")["member"].to_list() == ["Försäkringskassan", "Ånge"]
    h = store.history()
    assert [(e["action"], e["document"], e["version"]) for e in h] == [
        ("registrera", None, None),
        ("publicera", "nordana-ar-2024", 1),
    ]
    assert store.revision() == "2:2"


def test_a_document_cannot_be_published_twice_only_replaced(store):
    store.publish(publication(), ANNA)
    with pytest.raises(PublishError, match="redan publicerat"):
        store.publish(publication(reg=False), BO)
    with pytest.raises(PublishError, match="ange varför"):
        store.replace(publication(reg=False), BO, "  ")


def test_replace_keeps_the_old_version_and_withdraw_keeps_everything(store):
    store.publish(publication(), ANNA)
    corrected = [row(21, "medlemsbidrag", "6 450"), *ROWS[1:]]
    assert store.replace(publication(rows=corrected, reg=False), BO, "rättad årsredovisning") == 2
    ds = build_dataset(published=store.published())
    assert ds.figures.filter(forbund="nordana", metric="medlemsbidrag")["value"].to_list() == [6_450_000.0]
    assert [(v["version"], v["status"]) for v in store.versions()] == [(1, "ersatt"), (2, "gällande")]

    store.withdraw("nordana-ar-2024", ANNA, "fel förbund")
    ds = build_dataset(published=store.published())
    assert ds.figures.filter(forbund="nordana").height == 0
    assert "nordana" not in ds.forbund["forbund"].to_list()  # no document left: not in the comparison
    assert [(v["version"], v["status"]) for v in store.versions()] == [(1, "ersatt"), (2, "tillbakadragen")]
    assert "nordana" in store.registered()  # but still registered, with its members
    with pytest.raises(PublishError, match="inte publicerat nu"):
        store.withdraw("nordana-ar-2024", ANNA, "igen")
    # Published again later: a new version, the history shows every step.
    assert store.publish(publication(reg=False), ANNA) == 3
    assert [e["action"] for e in store.history()] == ["registrera", "publicera", "ersätt", "dra tillbaka", "publicera"]
    with store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from figures")).scalar() == 9  # three versions kept whole


def test_a_publication_that_fails_validation_names_the_row_and_writes_nothing(store):
    bad = [*ROWS, row(40, "medlemsbidragg", "12"), row(41, "eget_kapital", "12 34")]
    with pytest.raises(PublishError) as exc:
        store.publish(publication(rows=bad), ANNA)
    assert exc.value.problems == [
        "uppgift 4 (medlemsbidragg 2024, rad 40): okänt mått 'medlemsbidragg'",
        "uppgift 5 (eget_kapital 2024, rad 41): 'printed' kan inte läsas: oväntad siffergruppering: '12 34'",
    ]
    assert store.revision() == "0:0" and store.registered() == {}
    with pytest.raises(PublishError) as exc:
        store.publish(publication(slug="Nordanå"), ANNA)
    assert exc.value.problems[0].startswith("registreringen: 'Nordanå' duger inte som slug: bara a–z, 0–9")
    with pytest.raises(PublishError) as exc:
        store.publish(publication(slug="sydnarke", year=2025), ANNA)  # a curated förbund is not registered again
    assert exc.value.problems == ["registreringen: 'sydnarke' används redan av ett annat förbund"]
    assert store.revision() == "0:0"


def test_a_failure_in_the_middle_of_a_publish_leaves_the_store_as_it_was(store, monkeypatch):
    store.publish(publication(), ANNA)
    before = (store.revision(), store.versions())
    real_execute = None

    def failing(self, statement, *args, **kwargs):
        if getattr(statement, "table", None) is t.figures:
            raise RuntimeError("disken tog slut")
        return real_execute(self, statement, *args, **kwargs)

    from sqlalchemy.engine import Connection

    real_execute = Connection.execute
    monkeypatch.setattr(Connection, "execute", failing)
    with pytest.raises(RuntimeError):
        store.publish(publication(slug="sodervik", reg=True), ANNA)
    monkeypatch.undo()
    assert (store.revision(), store.versions()) == before
    assert "sodervik" not in store.registered()  # the registration in the same transaction is gone too


def test_only_editors_can_write(store):
    with pytest.raises(PermissionError):
        store.publish(publication(), "anna@example.se")  # a string is not an authorised editor
    with pytest.raises(PermissionError):
        store.withdraw("nordana-ar-2024", Editor(""), "x")
    with pytest.raises(PermissionError, match="inte på listan"):
        authorise(Decision(False, "inte på listan"), "anna@example.se")
    assert authorise(Decision(True, "", role=ADMIN), " Anna@Example.se ") == Editor.admin("anna@example.se")
    assert store.revision() == "0:0"


def test_two_editors_publishing_at_once_both_land(store_url):
    """Two servers (two engines), two documents, released at the same moment: both are published."""
    stores = [Store.open(store_url), Store.open(store_url)]
    for s in stores:
        s.ensure_schema()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def publish(s: Store, pub: Publication, who: Editor) -> None:
        try:
            start.wait()
            s.publish(pub, who)
        except BaseException as exc:  # reported below
            errors.append(exc)

    jobs = [
        threading.Thread(target=publish, args=(stores[0], publication("nordana"), ANNA)),
        threading.Thread(target=publish, args=(stores[1], publication("sodervik"), BO)),
    ]
    for j in jobs:
        j.start()
    for j in jobs:
        j.join(60)
    assert errors == []
    ds = build_dataset(published=stores[0].published())
    assert {"nordana", "sodervik"} <= set(ds.forbund["forbund"].to_list())
    assert sorted(e["editor"] for e in stores[1].history() if e["action"] == "publicera") == [
        "anna@example.se",
        "bo@example.se",
    ]
    for s in stores:
        s.engine.dispose()


def test_the_same_new_forbund_registered_twice_at_once_is_registered_once(store_url):
    a, b = Store.open(store_url), Store.open(store_url)
    a.publish(publication("nordana", 2024), ANNA)
    # The second editor registered it too (before seeing the first publication): same förbund, kept once.
    b.publish(publication("nordana", 2023), BO)
    assert [e["action"] for e in b.history()].count("registrera") == 1
    with pytest.raises(PublishError, match=r"registrerades redan av anna@example\.se"):
        b.publish(
            dataclasses.replace(
                publication("nordana", 2022), registration=registration("nordana", "Samordningsförbundet Annat")
            ),
            BO,
        )
    for s in (a, b):
        s.engine.dispose()


def test_schema_is_migrated_once_and_a_newer_schema_is_refused(store_url):
    s = Store.open(store_url)
    assert s.ensure_schema() == [1, 2, 3]
    assert Store.open(store_url).ensure_schema() == []  # another process: nothing to do
    with s.engine.begin() as conn:
        conn.execute(t.schema_version.insert().values(version=99, description="framtida", applied_at="x"))
    with pytest.raises(SchemaTooNew, match="schemaversion 99"):
        Store.open(store_url).publish(publication(), ANNA)
    s.engine.dispose()


def test_a_published_document_overlapping_a_curated_one_is_a_finding_not_an_override(store):
    sydnarke = [row(10, "medlemsbidrag", "9 999", year=2023)]
    store.publish(publication("sydnarke", 2023, rows=sydnarke, reg=False), ANNA)
    ds = build_dataset(published=store.published())
    curated = build_dataset()
    assert ds.figures.filter(forbund="sydnarke").equals(curated.figures.filter(forbund="sydnarke"))
    found = ds.findings.filter(check="kurerat_och_publicerat").row(0, named=True)
    assert found["forbund"] == "sydnarke" and found["year"] == 2023 and found["severity"] == "dubblett"
    assert "jämförelsen visar det kurerade" in found["description"]


def test_export_writes_the_curated_format_and_import_moves_a_deployment(store, store_url, tmp_path):
    store.publish(publication(), ANNA)
    formula = row(30, "fordringar", "310", label="=Kortfristiga fordringar")
    store.replace(publication(rows=[*ROWS, formula], reg=False), BO, "rättad")
    out = tmp_path / "export"
    assert transfer.export(store, out) == {"förbund": 1, "dokument": 1, "historik": 3}
    figures = (out / "figures" / "nordana-ar-2024.csv").read_text(encoding="utf-8")
    assert "'=Kortfristiga fordringar" in figures  # a cell that would be a spreadsheet formula is written safe
    # The curated-format files are what data/ holds: a copy of data/ with them appended builds.
    data = tmp_path / "data"
    subprocess.run(["cp", "-r", str(ROOT / "data"), str(data)], check=True)
    for name in ("forbund.csv", "members.csv", "documents.csv"):
        lines = (out / name).read_text(encoding="utf-8").splitlines()[1:]
        with (data / name).open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    (data / "figures" / "nordana-ar-2024.csv").write_text(figures, encoding="utf-8")
    merged = build_dataset(data)
    published = build_dataset(published=store.published())
    cols = ["figure_id", "value", "printed", "label"]
    assert (
        merged.figures.filter(forbund="nordana")
        .select(cols)
        .equals(published.figures.filter(forbund="nordana").select(cols))
    )
    assert merged.figures.filter(forbund="nordana", metric="fordringar")["label"].to_list() == [
        "=Kortfristiga fordringar"
    ]
    # The full dump restores every version and the history into an empty store, and only an empty one.
    target = Store.open(f"sqlite:///{tmp_path / 'flyttad.sqlite'}")
    assert transfer.restore(target, out) == {"förbund": 1, "dokument": 2, "historik": 3}
    assert [(v["version"], v["status"]) for v in target.versions()] == [(1, "ersatt"), (2, "gällande")]
    assert [e["action"] for e in target.history()] == ["registrera", "publicera", "ersätt"]
    assert target.published().figures == store.published().figures
    with pytest.raises(PublishError, match="tom databas"):
        transfer.restore(target, out)


def test_the_command_line(store_url, tmp_path):
    Store.open(store_url).publish(publication(), ANNA)
    run = [sys.executable, "-m", "lib.store", "--url", store_url]
    status = subprocess.run([*run, "status"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "1 registrerade förbund, 1 gällande dokument (1 versioner), 2 händelser" in status.stdout
    assert "@" not in status.stdout.split(":")[0]  # the store is named without a password or host
    subprocess.run([*run, "export", str(tmp_path / "ut")], check=True, cwd=ROOT, capture_output=True)
    again = subprocess.run([*run, "import", str(tmp_path / "ut")], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 1 and "Inget ändrades" in again.stderr and "tom databas" in again.stderr


def test_postgres_writes_take_the_store_lock(store_url):
    """On PostgreSQL a write holds an advisory lock for its transaction: a second writer waits for it."""
    if not store_url.startswith("postgresql"):
        pytest.skip("gäller PostgreSQL")
    s = Store.open(store_url)
    s.ensure_schema()
    with s._write() as conn:
        held = conn.execute(
            text("select count(*) from pg_locks where locktype = 'advisory' and objid = :k"), {"k": LOCK_KEY}
        ).scalar()
    assert held == 1
    s.engine.dispose()


def test_published_rows_are_read_like_the_curated_files(store):
    """Every column of a source row survives the store unchanged (text in, text out)."""
    full = row(
        12,
        "deltagare",
        "212",
        unit="personer",
        label="deltog",
        qualifier="ca",
        page="2",
        note="granskad av anna@example.se 2026-11-26",
        definition="",
        item="Steget vidare",
        item_kind="insats",
    )
    store.publish(publication(rows=[*ROWS, full]), ANNA)
    back = store.published().figures["nordana-ar-2024"][-1]
    assert {k: v for k, v in back.items() if v} == {k: v for k, v in full.items() if v}
    f = build_dataset(published=store.published()).figures.filter(metric="deltagare", forbund="nordana")
    assert f.select("value", "item", "qualifier", "page").row(0) == (212.0, "Steget vidare", "ca", 2)
    assert pl.Series(f["precision"]).to_list() == [1.0]  # "ca" keeps a count from being exact


def test_which_store_the_settings_pick(tmp_path):
    from lib.store.settings import describe, store_url

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.sql]\nurl = "postgresql+psycopg://finsam:hemligt@db.example.se/finsam"\n')
    default = store_url({"FINSAM_DATA_DIR": str(tmp_path)}, tmp_path / "saknas.toml")
    assert default == f"sqlite:///{tmp_path.resolve()}/store/publicerat.sqlite"
    assert store_url({"FINSAM_STORE_FILE": str(tmp_path / "x.sqlite")}, tmp_path / "saknas.toml").endswith("/x.sqlite")
    from_secrets = store_url({}, secrets)
    assert from_secrets == "postgresql+psycopg://finsam:hemligt@db.example.se/finsam"
    assert store_url({"FINSAM_STORE_URL": "sqlite:///a.sqlite"}, secrets) == "sqlite:///a.sqlite"
    assert describe(from_secrets) == "postgresql-databasen finsam"  # no password, no host
    assert describe(default) == "SQLite-fil publicerat.sqlite"
    parts = tmp_path / "delar.toml"
    parts.write_text(
        '[connections.sql]\ndialect = "postgresql"\ndriver = "psycopg"\nusername = "finsam"\n'
        'password = "p@ss"\nhost = "db.example.se"\nport = 5432\ndatabase = "finsam"\n'
    )
    assert store_url({}, parts) == "postgresql+psycopg://finsam:p%40ss@db.example.se:5432/finsam"
    broken = tmp_path / "trasig.toml"
    broken.write_text("[connections.sql\nurl=")
    assert store_url({"FINSAM_DATA_DIR": str(tmp_path)}, broken) == default  # a broken file: the default


def test_a_folder_in_the_curated_format_is_published_only_with_its_files_checksums(store, tmp_path):
    source = Store.open(f"sqlite:///{tmp_path / 'kalla.sqlite'}")
    source.publish(publication(), ANNA)
    out = tmp_path / "ut"
    transfer.export(source, out)
    assert transfer.publish_folder(store, out, BO) == ["nordana-ar-2024: version 1"]
    assert store.versions()[0]["sha256"] == SHA and store.versions()[0]["published_by"] == "bo@example.se"
    bare = tmp_path / "utan"
    transfer.export(source, bare)
    docs = (bare / "documents.csv").read_text(encoding="utf-8").replace(f"; sha256 {SHA}", "")
    (bare / "documents.csv").write_text(docs, encoding="utf-8")
    other = Store.open(f"sqlite:///{tmp_path / 'tom.sqlite'}")
    with pytest.raises(PublishError, match="ingen 'sha256"):
        transfer.publish_folder(other, bare, BO)
    assert other.revision() == "0:0"


def test_a_write_on_a_document_changed_since_the_review_began_is_refused_with_who_and_when(store):
    """No lost update (issue 21): two editors have the published document open; one replaces it with a
    corrected version, the other's stale replace or withdrawal is refused and changes nothing."""
    from lib.store import StaleError

    store.publish(publication(), ANNA)
    seen_by_anna = seen_by_bo = store.seen("nordana-ar-2024")
    corrected = [row(21, "medlemsbidrag", "6 450"), *ROWS[1:]]
    assert store.replace(publication(rows=corrected, reg=False), ANNA, "rättad", seen=seen_by_anna) == 2
    before = (store.revision(), store.versions())
    with pytest.raises(StaleError) as refused:
        store.replace(publication(reg=False), BO, "min version", seen=seen_by_bo)
    (message,) = refused.value.problems
    assert message.startswith(
        "nordana-ar-2024 har ändrats sedan du började granska: anna@example.se ersatte det (version 2) 20"
    )
    assert message.endswith("Inget sparades; läs in dokumentets nya läge och granska mot det.")
    with pytest.raises(StaleError):
        store.withdraw("nordana-ar-2024", BO, "fel", seen=seen_by_bo)
    assert (store.revision(), store.versions()) == before
    # Reloaded, Bo's write is taken; a new document starts from 0 (nothing there yet).
    assert store.replace(publication(reg=False), BO, "min version", seen=store.seen("nordana-ar-2024")) == 3
    assert store.seen("nordana-vp-2025") == 0
    assert [v["seen"] for v in store.versions()] == [store.seen("nordana-ar-2024")] * 3


def test_a_store_of_the_first_schema_gets_the_reviews_table_and_keeps_its_data(store_url):
    """A database made before migration 2 (issue 21's reviews in progress) is migrated, nothing lost."""
    old = Store.open(store_url)
    with old.engine.begin() as conn:
        t.metadata.create_all(conn, tables=[t.schema_version])
        t._v1(conn)
        conn.execute(t.schema_version.insert().values(version=1, description="v1", applied_at=t.now()))
        conn.execute(  # what the first schema held: here, one line of history
            t.history.insert().values(at=t.now(), editor=ANNA.email, action="registrera", forbund="nordana")
        )
    old.engine.dispose()
    new = Store.open(store_url)
    assert new.ensure_schema() == [2, 3]
    assert [(h["editor"], h["action"]) for h in new.history()] == [(ANNA.email, "registrera")]
    new.save_review(BO, "nordana-ar-2024", SHA, "x.pdf", {"decisions": {}, "added": []})
    assert new.review(BO.email, "nordana-ar-2024")["source_file"] == "x.pdf"
    new.engine.dispose()


# -- a store file is never made anew over what was there (issue 27) --------------------------------------


def test_an_empty_or_foreign_sqlite_file_is_a_loud_error_never_a_new_store(tmp_path):
    import sqlite3

    from lib.store import StoreUnavailable

    empty = tmp_path / "publicerat.sqlite"
    empty.write_bytes(b"")  # `truncate -s 0` on the store
    with pytest.raises(StoreUnavailable) as said:
        Store.open(f"sqlite:///{empty}").revision()
    assert str(said.value).startswith(
        "databasfilen publicerat.sqlite finns men innehåller ingen databas (0 byte: tom eller avkortad); den skapas "
        "inte om"
    )
    assert empty.stat().st_size == 0 and not (tmp_path / "publicerat.sqlite-wal").exists()
    foreign = tmp_path / "annan.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE kunder (id INTEGER)")
    with pytest.raises(StoreUnavailable, match=r"innehåller en annan databas \(tabellerna kunder\)"):
        Store.open(f"sqlite:///{foreign}").publish(publication(), ANNA)
    with sqlite3.connect(foreign) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["kunder"]
    # A file that does not exist is made by the first publication, as before.
    fresh = Store.open(f"sqlite:///{tmp_path / 'ny.sqlite'}")
    assert fresh.publish(publication(), ANNA) == 1


def test_a_backup_is_a_consistent_copy_with_what_the_wal_file_holds(tmp_path):
    url = f"sqlite:///{tmp_path / 'publicerat.sqlite'}"
    store = Store.open(url)
    store.publish(publication(), ANNA)
    store.replace(publication(rows=[row(21, "medlemsbidrag", "6 450"), *ROWS[1:]], reg=False), BO, "rättad")
    path = store.backup(tmp_path / "kopior")
    copy = Store.open(f"sqlite:///{path}")
    assert [(v["version"], v["status"]) for v in copy.versions()] == [(1, "ersatt"), (2, "gällande")]
    assert copy.revision() == store.revision()
    done = subprocess.run(
        [sys.executable, "-m", "lib.store", "--url", url, "backup", str(tmp_path / "cli")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0 and "händelser i historiken" in done.stdout, done.stderr
    store.engine.dispose()
    copy.engine.dispose()
    pg = subprocess.run(
        [sys.executable, "-m", "lib.store", "--url", "postgresql+psycopg://x@127.0.0.1:9/finsam", "backup", "k"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert pg.returncode == 2 and "pg_dump" in pg.stderr
