"""Publishing, replacing and withdrawing documents in the store, each one transaction with a history row.

Writes are serialised (PostgreSQL: a transaction-level advisory lock; SQLite: BEGIN IMMEDIATE with a
busy timeout), so two editors publishing at once both land, one after the other, and the history's
order is the order of the commits. Every write validates the store's whole published state with the
candidate added, the same way the build does (lib.sources), before anything is written; a failure
at any point rolls the transaction back and the store is as it was.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from lib.editors import ROLE_NAMES, ROLES, Editor
from lib.format import fmt_time
from lib.schema import (
    DOCUMENTS_SCHEMA,
    FORBUND_SCHEMA,
    MEMBERS_SCHEMA,
    SOURCE_COLUMNS,
    DataValidationError,
    member_problems,
    registration_problems,
)
from lib.sources import DATA_DIR, Published, curated_slugs, load_sources
from lib.store import schema as t
from lib.store.register import RegisterStore, current_entries

LOCK_KEY = 7_246_001  # PostgreSQL advisory lock id for the store's writes
DOCUMENT_TYPES = ("årsredovisning", "verksamhetsplan")


class PublishError(ValueError):
    """A write that was refused; ``problems`` name the row and the reason, in Swedish. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class StaleError(PublishError):
    """A write on a document that has changed since the editor began reviewing it (no lost update)."""


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or used (message for people, in Swedish; ``detail`` for the log)."""

    def __init__(self, message: str, detail: str = ""):
        self.detail = detail
        super().__init__(message)


@dataclass(frozen=True)
class Registration:
    """A förbund that is not known yet: its FORBUND_SCHEMA columns (as text) and its members."""

    forbund: dict[str, str]
    members: list[dict[str, str]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.forbund["forbund"]


@dataclass(frozen=True)
class Publication:
    """One reviewed document: what it is, the file it was read from, and its figures in the curated columns."""

    document: str
    forbund: str
    type: str
    year: int
    title: str
    source_file: str
    sha256: str
    rows: list[dict[str, str]]
    size_bytes: int | None = None
    amounts_unit: str = ""
    adopted: str = ""
    adopted_line: int | None = None
    note: str = ""
    registration: Registration | None = None

    def document_row(self) -> dict[str, str]:
        return {
            "document": self.document,
            "forbund": self.forbund,
            "type": self.type,
            "year": str(self.year),
            "title": self.title,
            "adopted": self.adopted,
            "adopted_line": "" if self.adopted_line is None else str(self.adopted_line),
            "source_file": self.source_file,
            "amounts_unit": self.amounts_unit,
            "note": self.note,
        }


CONNECT_TIMEOUT_S = 3  # a server that accepts and never answers costs a page this long, once (ui/published backs off)
STATEMENT_TIMEOUT_MS = 15_000  # a statement (a lock wait included) that takes longer is stopped


def engine_options(url: str) -> dict:
    """create_engine() options for the store: SQLite waits for a writer; PostgreSQL gives up on a server that
    does not answer (connect timeout) and stops a statement that hangs (statement and lock timeouts)."""
    if make_url(url).get_backend_name() == "sqlite":
        return {"connect_args": {"timeout": 30}}
    options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={STATEMENT_TIMEOUT_MS}"
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": CONNECT_TIMEOUT_S, "options": options}}


def engine_for(url: str) -> Engine:
    """An engine for the store URL (an SQLite file's folder is created on first use)."""
    return create_engine(url, **engine_options(url))


def _prepare_sqlite(engine: Engine) -> None:
    """WAL (readers never wait for a writer), a busy timeout, foreign keys, and BEGIN IMMEDIATE for writes."""
    if getattr(engine, "_finsam_ready", False):
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # transactions are begun below, explicitly
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        with contextlib.suppress(Exception):  # an in-memory database has no WAL
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("finsam_write") else "BEGIN")

    engine._finsam_ready = True  # type: ignore[attr-defined]


def _text(value) -> str:
    return "" if value is None else str(value)


class Store(RegisterStore):
    """The published imports, the register of förbund and the roles in one database (SQLite or PostgreSQL), read
    and written through SQLAlchemy. Every write asks the Editor whether it may touch that förbund."""

    def __init__(self, engine: Engine, data_dir: Path = DATA_DIR):
        self.engine = engine
        self.data_dir = data_dir
        self.file: Path | None = None  # an SQLite store's file
        self._file_found = False  # it was there before this store first opened it
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            if database and database != ":memory:" and not database.startswith("file:"):
                self.file = Path(database)
                self._file_found = self.file.exists()
                with contextlib.suppress(OSError):  # a read-only folder: the store reports it on first use
                    self.file.parent.mkdir(parents=True, exist_ok=True)
            _prepare_sqlite(engine)
        self._migrated = False

    @classmethod
    def open(cls, url: str, data_dir: Path = DATA_DIR) -> Store:
        return cls(engine_for(url), data_dir)

    # -- connections ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """One serialised write transaction: committed at the end, rolled back on any exception."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(finsam_write=True)
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
                    yield conn
        except OperationalError as exc:
            raise StoreUnavailable(_unavailable(exc), str(exc.orig)) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        self.ensure_schema()
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except OperationalError as exc:
            raise StoreUnavailable(_unavailable(exc), str(exc.orig)) from exc

    def ensure_schema(self) -> list[int]:
        """Create or migrate the schema (once per process; safe when several processes start at once)."""
        if self._migrated:
            return []
        if self.file is not None and self._file_found and self.file.exists():
            wal = self.file.with_name(self.file.name + "-wal")
            if self.file.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size):
                self._refuse("ingen databas (0 byte: tom eller avkortad)")  # said before SQLite writes a header
        with self._write() as conn:
            self._refuse_a_foreign_file(conn)
            done = t.migrate(conn)
        self._migrated = True
        return done

    def _refuse_a_foreign_file(self, conn: Connection) -> None:
        """Inside the write lock: an SQLite file that was there but holds no store of ours (empty, truncated,
        another program's) is never made into a new, empty store over it — that would lose what it held."""
        if self.file is None:
            return
        tables = set(inspect(conn).get_table_names())
        if "schema_version" in tables:
            return
        if tables:
            self._refuse(f"en annan databas (tabellerna {', '.join(sorted(tables)[:5])})")
        elif self._file_found:
            self._refuse("ingen databas (tom eller avkortad)")
        # else a new file: the first publication makes the store

    def _refuse(self, what: str) -> None:
        raise StoreUnavailable(
            f"databasfilen {self.file.name} finns men innehåller {what}; den skapas inte om, så att inget skrivs "
            "över: återställ den från en säkerhetskopia (python -m lib.store backup) eller flytta undan den",
            f"{self.file}: {what}",
        )

    def backup(self, folder: Path) -> Path:
        """A consistent copy of an SQLite store in ``folder`` (SQLite's online backup: what sits in the -wal file
        is included, and writers may go on meanwhile); its path. PostgreSQL: see README (pg_dump)."""
        import sqlite3

        if self.file is None:
            raise StoreUnavailable("säkerhetskopian görs här bara av en SQLite-fil; för PostgreSQL: pg_dump (README)")
        if not self.file.exists():
            raise StoreUnavailable(f"databasfilen {self.file.name} finns inte")
        self.ensure_schema()  # an empty or foreign file is said, not copied as if it were a store
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self.file.stem}-{t.now().replace(':', '').replace('-', '')}.sqlite"
        source = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return target

    # -- reading --------------------------------------------------------------------------------

    def revision(self) -> str:
        """Changes whenever anything is written (the history only grows): the dataset's cache key."""
        with self._read() as conn:
            n, last = conn.execute(select(func.count(), func.max(t.history.c.id))).one()
        return f"{n}:{last or 0}"

    def published(self) -> Published:
        with self._read() as conn:
            return published_state(conn)

    def history(self) -> list[dict]:
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.history).order_by(t.history.c.id))]

    def versions(self) -> list[dict]:
        """Every published version with its status now ("gällande", "ersatt", "tillbakadragen")."""
        with self._read() as conn:
            current = _current(conn)
            last = dict(
                conn.execute(
                    select(t.history.c.document, func.max(t.history.c.id))
                    .where(t.history.c.document.is_not(None))
                    .group_by(t.history.c.document)
                ).all()
            )
            rows = conn.execute(select(t.documents).order_by(t.documents.c.document, t.documents.c.version)).mappings()
            out = []
            for r in rows:
                state = current.get(r["document"])
                if state and state[1] == r["version"] and state[0] != "dra tillbaka":
                    status = "gällande"
                elif state and state[0] == "dra tillbaka" and state[1] == r["version"]:
                    status = "tillbakadragen"
                else:
                    status = "ersatt"
                out.append({**dict(r), "status": status, "seen": int(last.get(r["document"]) or 0)})
            return out

    def seen(self, document: str) -> int:
        """The document's state as an editor sees it now: the id of its last history row (0 when it has none).
        A write that carries it is refused if anyone has changed the document since."""
        with self._read() as conn:
            return _last_change(conn, document)[0]

    def registered(self) -> dict[str, dict]:
        """slug → the registry row, with ``members`` as (name, kind) pairs."""
        with self._read() as conn:
            out = {r["forbund"]: {**dict(r), "members": []} for r in conn.execute(select(t.forbund)).mappings()}
            for m in conn.execute(select(t.members).order_by(t.members.c.member)).mappings():
                if m["forbund"] in out:
                    out[m["forbund"]]["members"].append((m["member"], m["kind"]))
            return out

    # -- reviews in progress --------------------------------------------------------------------

    def save_review(
        self, editor: Editor, document: str, sha256: str, source_file: str, state: dict, forbund: str = ""
    ) -> str:
        """Keep the editor's review of one file for a document of ``forbund`` (replacing their earlier one); when
        it was saved. A förbund editor keeps reviews of their own förbund's documents only."""
        self._may(editor, forbund, f"spara en granskning av {document}")
        self.ensure_schema()
        at = t.now()
        values = {
            "sha256": sha256,
            "source_file": source_file,
            "saved_at": at,
            "state": json.dumps(state, ensure_ascii=False, sort_keys=True),
        }
        with self._write() as conn:
            where = (t.reviews.c.editor == editor.email) & (t.reviews.c.document == document)
            if conn.execute(select(t.reviews.c.editor).where(where)).first():
                conn.execute(t.reviews.update().where(where).values(**values))
            else:
                conn.execute(t.reviews.insert().values(editor=editor.email, document=document, **values))
        return at

    def review(self, editor: str, document: str) -> dict | None:
        """The editor's saved review of the document: sha256, source_file, saved_at and state; None if none."""
        with self._read() as conn:
            row = (
                conn.execute(
                    select(t.reviews).where((t.reviews.c.editor == editor) & (t.reviews.c.document == document))
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        try:
            state = json.loads(row["state"])
        except ValueError:
            state = {}
        return {**dict(row), "state": state if isinstance(state, dict) else {}}

    def reviews(self, editor: str) -> list[dict]:
        """The editor's reviews in progress, newest first (without their state)."""
        with self._read() as conn:
            rows = conn.execute(
                select(t.reviews.c.document, t.reviews.c.source_file, t.reviews.c.saved_at)
                .where(t.reviews.c.editor == editor)
                .order_by(t.reviews.c.saved_at.desc())
            ).mappings()
            return [dict(r) for r in rows]

    def drop_review(self, editor: Editor, document: str) -> None:
        _check_editor(editor)  # only the editor's own review (the key includes their address)
        self.ensure_schema()
        with self._write() as conn:
            conn.execute(
                t.reviews.delete().where((t.reviews.c.editor == editor.email) & (t.reviews.c.document == document))
            )

    # -- writing --------------------------------------------------------------------------------

    def publish(self, pub: Publication, editor: Editor, comment: str = "", seen: int | None = None) -> int:
        """Publish a document not currently published (a new one, or one withdrawn before); its version.
        ``seen``: the document's state when the editor began (Store.seen); None skips that check (tools)."""
        return self._put(pub, editor, "publicera", comment, seen)

    def replace(self, pub: Publication, editor: Editor, reason: str, seen: int | None = None) -> int:
        """A corrected report for a published document: a new version; the old one stays in the store."""
        if not reason.strip():
            raise PublishError(["ange varför dokumentet ersätts"])
        return self._put(pub, editor, "ersätt", reason, seen)

    def withdraw(self, document: str, editor: Editor, reason: str, seen: int | None = None) -> None:
        """Take a document out of the comparison; its versions and figures stay in the store and the history."""
        _check_editor(editor)
        with self._read() as conn:
            owner = conn.execute(select(t.documents.c.forbund).where(t.documents.c.document == document)).scalar()
        self._may(editor, owner or "", f"dra tillbaka {document}")
        if not reason.strip():
            raise PublishError(["ange varför dokumentet dras tillbaka"])
        self.ensure_schema()
        with self._write() as conn:
            _refuse_if_changed(conn, document, seen)
            state = _current(conn).get(document)
            if state is None or state[0] == "dra tillbaka":
                raise PublishError([f"{document} är inte publicerat nu"])
            forbund = conn.execute(
                select(t.documents.c.forbund).where(
                    t.documents.c.document == document, t.documents.c.version == state[1]
                )
            ).scalar_one()
            _log(conn, editor, "dra tillbaka", forbund, document, state[1], reason.strip())

    def check(self, pub: Publication) -> list[str]:
        """What would stop this publication now (empty when it can be published); nothing is written."""
        with self._read() as conn:
            return _validate(conn, pub, self.data_dir, _version_for(conn, pub.document))

    def _may(self, editor: Editor, forbund: str, attempt: str) -> None:
        """Refuse (and record) a write on a förbund outside the editor's role."""
        _check_editor(editor)
        if not editor.may(forbund):
            mine = ", ".join(sorted(editor.forbund)) or "inget förbund"
            self.refuse(
                editor,
                forbund,
                attempt,
                f"du är redaktör för {mine} och får inte {attempt} ({forbund or 'okänt förbund'}); "
                "försöket har noterats i historiken",
            )

    def _put(self, pub: Publication, editor: Editor, action: str, comment: str, seen: int | None = None) -> int:
        verb = {"publicera": "publicera", "ersätt": "ersätta"}[action]
        self._may(editor, pub.forbund, f"{verb} {pub.document}")
        with self._read() as conn:  # the document's owner, whatever the publication says
            owner = conn.execute(select(t.documents.c.forbund).where(t.documents.c.document == pub.document)).scalar()
            in_register = pub.forbund in current_entries(conn)
        if owner and owner != pub.forbund:
            self._may(editor, owner, f"{verb} {pub.document}")
        if pub.registration is not None and not editor.is_admin and not in_register:
            self.refuse(
                editor,
                pub.forbund,
                f"registrera förbundet {pub.forbund}",
                "bara en administratör registrerar ett nytt förbund; föreslå det för registret i stället",
            )
        self.ensure_schema()
        try:
            with self._write() as conn:
                _refuse_if_changed(conn, pub.document, seen)
                state = _current(conn).get(pub.document)
                active = state is not None and state[0] != "dra tillbaka"
                if action == "publicera" and active:
                    raise PublishError(
                        [f"{pub.document} är redan publicerat (version {state[1]}); ersätt det i stället"]
                    )
                if action == "ersätt" and not active:
                    raise PublishError([f"{pub.document} är inte publicerat nu och kan inte ersättas"])
                if action == "ersätt":
                    old = conn.execute(
                        select(t.documents.c.forbund).where(
                            t.documents.c.document == pub.document, t.documents.c.version == state[1]
                        )
                    ).scalar_one()
                    if old != pub.forbund:
                        raise PublishError([f"{pub.document} hör till {old}, inte {pub.forbund}"])
                version = _version_for(conn, pub.document)
                pub = _registration_needed(conn, pub)
                problems = _validate(conn, pub, self.data_dir, version)
                if problems:
                    raise PublishError(problems)
                now = t.now()
                if pub.registration is not None:
                    reg = pub.registration
                    conn.execute(
                        t.forbund.insert().values(
                            **typed_values(t.forbund, reg.forbund, FORBUND_SCHEMA),
                            registered_by=editor.email,
                            registered_at=now,
                        )
                    )
                    for m in reg.members:
                        conn.execute(t.members.insert().values(**typed_values(t.members, m, MEMBERS_SCHEMA)))
                    _log(conn, editor, "registrera", reg.slug, None, None, reg.forbund.get("name", ""), now)
                doc = typed_values(t.documents, pub.document_row(), DOCUMENTS_SCHEMA)
                version_id = conn.execute(
                    t.documents.insert().values(
                        **doc,
                        version=version,
                        sha256=pub.sha256,
                        size_bytes=pub.size_bytes,
                        published_by=editor.email,
                        published_at=now,
                        published_role=ROLE_NAMES.get(editor.role, editor.role),
                    )
                ).inserted_primary_key[0]
                if pub.rows:
                    conn.execute(
                        t.figures.insert(),
                        [
                            {"version_id": version_id, "row": i, **{c: _text(r.get(c)).strip() for c in SOURCE_COLUMNS}}
                            for i, r in enumerate(pub.rows, 1)
                        ],
                    )
                _log(conn, editor, action, pub.forbund, pub.document, version, comment.strip(), now)
                conn.execute(  # the review is done: what it decided is now the published version
                    t.reviews.delete().where(
                        (t.reviews.c.editor == editor.email) & (t.reviews.c.document == pub.document)
                    )
                )
                return version
        except IntegrityError as exc:  # a constraint the checks above did not foresee: nothing was written
            raise PublishError([f"databasen vägrade spara ({type(exc.orig).__name__}); inget sparades"]) from exc


def _unavailable(exc: Exception) -> str:
    name = type(getattr(exc, "orig", exc)).__name__
    return f"databasen för publicerade rapporter svarar inte ({name})"


def _check_editor(editor: Editor) -> None:
    if not isinstance(editor, Editor) or not editor.email or "@" not in editor.email or editor.role not in ROLES:
        raise PermissionError("bara inloggade redaktörer får publicera")


def typed_values(table, row: dict, names=None) -> dict:
    """Text cells → ``table``'s column types, for the columns in ``names`` (all when None). An empty cell is NULL,
    except in a figure's text columns, which hold "" as the curated CSV does. Validation has already read them."""
    out: dict[str, object] = {}
    for col in table.columns:
        if names is not None and col.name not in names:
            continue
        value = _text(row.get(col.name)).strip()
        if value == "":
            out[col.name] = None if col.nullable or col.name not in SOURCE_COLUMNS else ""
        elif col.type.python_type is int:
            out[col.name] = int(value)
        elif col.type.python_type is float:
            out[col.name] = float(value)
        else:
            out[col.name] = value
    return out


def _log(conn, editor: Editor, action: str, forbund, document, version, comment: str, at: str | None = None) -> None:
    conn.execute(
        t.history.insert().values(
            at=at or t.now(),
            editor=editor.email,
            action=action,
            forbund=forbund,
            document=document,
            version=version,
            comment=comment or None,
        )
    )


def _current(conn: Connection) -> dict[str, tuple[str, int]]:
    """document → (last action, version) from the history (serialised writes: id order is commit order)."""
    out: dict[str, tuple[str, int]] = {}
    rows = conn.execute(
        select(t.history.c.document, t.history.c.action, t.history.c.version)
        .where(t.history.c.document.is_not(None))
        .order_by(t.history.c.id)
    )
    for document, action, version in rows:
        out[document] = (action, version)
    return out


def _last_change(conn: Connection, document: str) -> tuple[int, dict | None]:
    row = (
        conn.execute(select(t.history).where(t.history.c.document == document).order_by(t.history.c.id.desc()).limit(1))
        .mappings()
        .first()
    )
    return (int(row["id"]), dict(row)) if row else (0, None)


_DONE = {"publicera": "publicerade", "ersätt": "ersatte", "dra tillbaka": "drog tillbaka"}


def _refuse_if_changed(conn: Connection, document: str, seen: int | None) -> None:
    """Inside the write's lock: the document must be as the editor saw it, or nothing is written."""
    if seen is None:
        return
    last, row = _last_change(conn, document)
    if last == seen or row is None:
        return
    what = _DONE.get(row["action"], row["action"])
    version = f" (version {row['version']})" if row["version"] else ""
    raise StaleError(
        [
            f"{document} har ändrats sedan du började granska: {row['editor']} {what} det{version} "
            f"{fmt_time(row['at'])}. Inget sparades; läs in dokumentets nya läge och granska mot det."
        ]
    )


def _version_for(conn: Connection, document: str) -> int:
    last = conn.execute(select(func.max(t.documents.c.version)).where(t.documents.c.document == document)).scalar()
    return (last or 0) + 1


def _registration_needed(conn: Connection, pub: Publication) -> Publication:
    """A registration of a förbund already registered (by someone who published first) is dropped if it is
    the same förbund, and refused if it differs."""
    if pub.registration is None:
        return pub
    existing = conn.execute(select(t.forbund).where(t.forbund.c.forbund == pub.registration.slug)).mappings().first()
    if existing is None:
        return pub
    if _text(existing["name"]) != _text(pub.registration.forbund.get("name")).strip():
        raise PublishError(
            [
                f"förbundet {pub.registration.slug} registrerades redan av {existing['registered_by']} "
                f"({existing['name']}); välj ett annat kortnamn eller välj det registrerade förbundet"
            ]
        )
    return replace(pub, registration=None)


def published_state(conn: Connection) -> Published:
    current = {d: v for d, (a, v) in _current(conn).items() if a != "dra tillbaka"}
    forbund = [{k: _text(v) for k, v in r.items()} for r in conn.execute(select(t.forbund)).mappings()]
    members = [{k: _text(v) for k, v in r.items()} for r in conn.execute(select(t.members)).mappings()]
    docs, figs = [], {}
    for r in conn.execute(select(t.documents).order_by(t.documents.c.document)).mappings():
        if current.get(r["document"]) != r["version"]:
            continue
        docs.append({k: _text(v) for k, v in r.items()})
        rows = conn.execute(
            select(t.figures).where(t.figures.c.version_id == r["version_id"]).order_by(t.figures.c.row)
        ).mappings()
        figs[r["document"]] = [{c: row[c] for c in SOURCE_COLUMNS} for row in rows]
    history = [dict(r) for r in conn.execute(select(t.history).order_by(t.history.c.id)).mappings()]
    register = [e.as_row() for e in current_entries(conn).values()]
    return Published(forbund=forbund, members=members, documents=docs, figures=figs, history=history, register=register)


def with_candidate(published: Published, pub: Publication, version: int, editor: str = "granskas") -> Published:
    """The published state as it would be with ``pub`` as the current version of its document."""
    doc = {
        **pub.document_row(),
        "version": str(version),
        "sha256": pub.sha256,
        "published_by": editor,
        "published_at": t.now(),
    }
    forbund, members = list(published.forbund), list(published.members)
    if pub.registration is not None:
        forbund.append({**pub.registration.forbund})
        members += [{**m, "forbund": pub.registration.slug} for m in pub.registration.members]
    return Published(
        forbund=forbund,
        members=members,
        documents=[d for d in published.documents if d["document"] != pub.document] + [doc],
        figures={**published.figures, pub.document: list(pub.rows)},
        history=published.history,
        register=published.register,
    )


def candidate_problems(published: Published, pub: Publication, data_dir: Path, version: int) -> list[str]:
    """Everything that stops ``pub`` from being published, its rows named as the editor saw them."""
    problems = _basic(pub)
    if pub.registration is not None:
        taken = set(curated_slugs(data_dir)) | {r["forbund"] for r in published.forbund}
        problems += [f"registreringen: {p}" for p in registration_problems(pub.registration.forbund, taken)]
        problems += [f"registreringen: {p}" for p in member_problems(pub.registration.members)]
    if problems:
        return problems
    try:
        load_sources(data_dir, with_candidate(published, pub, version))
    except DataValidationError as exc:
        mine = f"databasen, {pub.document} version {version}"
        for p in exc.problems:
            if p.file == mine and p.row is not None and 0 < p.row <= len(pub.rows):
                r = pub.rows[p.row - 1]
                problems.append(
                    f"uppgift {p.row} ({r.get('metric')} {r.get('year')}, rad {r.get('line')}): {p.message}"
                )
            elif p.file.startswith("databasen, förbund") or p.file.startswith("databasen, medlemmar"):
                problems.append(f"registreringen: {p.message}")
            elif p.file.startswith("databasen, dokument"):
                problems.append(f"dokumentet: {p.message}")
            else:
                problems.append(str(p))
    return problems


def _validate(conn: Connection, pub: Publication, data_dir: Path, version: int) -> list[str]:
    return candidate_problems(published_state(conn), pub, data_dir, version)


def _basic(pub: Publication) -> list[str]:
    out = []
    if pub.type not in DOCUMENT_TYPES:
        out.append(f"dokumenttypen måste vara {' eller '.join(DOCUMENT_TYPES)}, inte '{pub.type}'")
    if not pub.rows:
        out.append("inga granskade uppgifter att publicera")
    if len(pub.sha256) != 64:
        out.append("filens kontrollsumma (sha256) saknas")
    if not pub.title.strip() or not pub.source_file.strip():
        out.append("dokumentets titel och filnamn behövs")
    if not 1990 <= pub.year <= 2100:
        out.append(f"året {pub.year} är inte ett rapportår")
    if pub.registration is not None and pub.registration.slug != pub.forbund:
        out.append("registreringen gäller ett annat förbund än dokumentet")
    return out
