"""The store's tables (SQLAlchemy Core) and the numbered migrations that create and change them.

Migration story: the database records every migration it has had in ``schema_version``. On open,
``migrate`` takes a write lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), applies the
missing migrations in order in that one transaction, and records them, so two servers starting at
once cannot both migrate. A change to a table is a *new* migration appended to MIGRATIONS (ALTER
TABLE …); migration 1 must keep creating the first shape, so copy a table's old definition into it
before changing the one below. A database newer than the code is refused, not written to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
)

from lib.schema import SOURCE_COLUMNS

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", String(32), nullable=False),
)

# A förbund registered through the import page (the curated ones live in data/forbund.csv).
forbund = Table(
    "forbund",
    metadata,
    Column("forbund", String(60), primary_key=True),
    Column("name", Text, nullable=False),
    Column("short_name", Text, nullable=False),
    Column("org_nr", String(20)),
    Column("org_nr_document", String(120)),
    Column("org_nr_line", Integer),
    Column("lan", Text),
    Column("region", Text),
    Column("ceiling_pct", Float, nullable=False),
    Column("ceiling_basis", Text, nullable=False),
    Column("ceiling_document", String(120)),
    Column("ceiling_line", Integer),
    Column("ceiling_label", Text, nullable=False),
    Column("income_is_medlemsbidrag_document", String(120)),
    Column("income_is_medlemsbidrag_line", Integer),
    Column("registered_by", Text, nullable=False),
    Column("registered_at", String(32), nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("forbund", String(60), ForeignKey("forbund.forbund"), primary_key=True),
    Column("member", String(200), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("document", String(120)),
    Column("line", Integer),
    Column("label", Text),
)

# One row per published version of a document; a replacement is a new row, never an update.
documents = Table(
    "documents",
    metadata,
    Column("version_id", Integer, primary_key=True, autoincrement=True),
    Column("document", String(120), nullable=False),
    Column("version", Integer, nullable=False),
    Column("forbund", String(60), nullable=False),
    Column("type", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("adopted", String(10)),
    Column("adopted_line", Integer),
    Column("source_file", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", Integer),
    Column("amounts_unit", String(10)),
    Column("note", Text),
    Column("published_by", Text, nullable=False),
    Column("published_at", String(32), nullable=False),
    Column("published_role", String(60)),  # the publisher's role then (migration 3)
    UniqueConstraint("document", "version", name="uq_document_version"),
)

# The reviewed figures of one version, as text in the curated CSV's columns (validated like them).
figures = Table(
    "figures",
    metadata,
    Column("version_id", Integer, ForeignKey("documents.version_id"), primary_key=True),
    Column("row", Integer, primary_key=True, autoincrement=False),
    *[Column(c, Text, nullable=False, default="") for c in SOURCE_COLUMNS],
)

# Append-only: who registered, published, replaced or withdrew what, and when.
history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("editor", Text, nullable=False),
    Column("action", String(20), nullable=False),
    Column("forbund", String(60), nullable=False),
    Column("document", String(120)),
    Column("version", Integer),
    Column("comment", Text),
)

ACTIONS = ("registrera", "publicera", "ersätt", "dra tillbaka", "register", "roll", "föreslå", "nekad")
# Publication events (shown on Källor); the others concern the register, roles and refused attempts.
PUBLICATION_ACTIONS = ACTIONS[:4]

# A review in progress, one per editor and document: what the editor decided about the proposals of one
# file (JSON), so a restart, a lost connection or a colleague's question costs nothing. Not published data:
# removed when the document is published from it, never exported.
reviews = Table(
    "reviews",
    metadata,
    Column("editor", String(320), primary_key=True),
    Column("document", String(120), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("source_file", Text, nullable=False),
    Column("saved_at", String(32), nullable=False),
    Column("state", Text, nullable=False),
)


# The register of Sweden's förbund (lib.register), independent of reports. Append-only: every addition, edit,
# end or merger is a new row (version) for its förbund; the newest version is the register's entry.
register = Table(
    "register",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("forbund", String(60), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("short_name", Text, nullable=False),
    Column("org_nr", String(20)),
    Column("lan", Text),
    Column("region", Text),
    Column("kommuner", Text, nullable=False),  # SCB codes separated by spaces
    Column("kommundel", Text),  # the part of a kommun it covers, where it shares the kommun
    Column("valid_from", String(10)),
    Column("valid_to", String(10)),
    Column("website", Text),
    Column("source", Text, nullable=False),
    Column("changed_by", Text, nullable=False),
    Column("changed_at", String(32), nullable=False),
    Column("comment", Text),
    UniqueConstraint("forbund", "version", name="uq_register_version"),
)

# Roles given by admins in the store (besides those in secrets): an admin, or the editor of one förbund.
roles = Table(
    "roles",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("role", String(40), primary_key=True),
    Column("forbund", String(60), primary_key=True),  # "" for an admin
    Column("granted_by", Text, nullable=False),
    Column("granted_at", String(32), nullable=False),
)


# The stable identity (the provider's "iss|sub") an editor's address was first used with (lib.editors.bound).
identities = Table(
    "identities",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("subject", Text, nullable=False),
    Column("bound_at", String(32), nullable=False),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[forbund, members, documents, figures, history])


def _v2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[reviews])


def _v3(conn: Connection) -> None:
    """The register and the roles; documents get the publisher's role (a store made by migration 1 since this
    version already has the column: it is added only where it is missing)."""
    metadata.create_all(conn, tables=[register, roles, identities])
    if "published_role" not in {c["name"] for c in inspect(conn).get_columns("documents")}:
        conn.exec_driver_sql("ALTER TABLE documents ADD COLUMN published_role VARCHAR(60)")


# (version, description, function): append only.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "förbund, medlemmar, dokument (versioner), uppgifter och historik", _v1),
    (2, "pågående granskningar per redaktör och dokument", _v2),
    (3, "förbundsregister (versioner), roller och redaktörernas bundna identiteter", _v3),
]
LATEST = MIGRATIONS[-1][0]


class SchemaTooNew(RuntimeError):
    pass


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def applied(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("schema_version"):
        return set()
    return set(conn.execute(select(schema_version.c.version)).scalars())


def migrate(conn: Connection) -> list[int]:
    """Apply the missing migrations inside the caller's (locked) transaction; the versions applied."""
    metadata.create_all(conn, tables=[schema_version])
    done = applied(conn)
    if done and max(done) > LATEST:
        raise SchemaTooNew(
            f"databasen har schemaversion {max(done)}, men koden känner bara till {LATEST}: uppdatera koden"
        )
    new = []
    for version, description, step in MIGRATIONS:
        if version in done:
            continue
        step(conn)
        conn.execute(schema_version.insert().values(version=version, description=description, applied_at=now()))
        new.append(version)
    return new
