"""Moving published data out of and into a store: the curated CSV format for git, and a complete dump.

``export DIR`` writes the store's current state in data/'s own format (forbund.csv, members.csv,
documents.csv, figures/<document>.csv: a maintainer reviews them and appends them to data/) and,
under DIR/store/, every table whole (all versions and the history) so that ``import DIR`` can move a
deployment to another database without losing anything. ``import DIR`` restores that dump into an
empty store; a folder in the curated format only is published document by document, as an editor.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from lib.downloads import safe_cell
from lib.editors import Editor
from lib.schema import DOCUMENTS_SCHEMA, FORBUND_SCHEMA, MEMBERS_SCHEMA, SOURCE_COLUMNS, DataValidationError
from lib.sources import load_sources, provenance_text, read_rows
from lib.store import schema as t
from lib.store.store import Publication, PublishError, Registration, Store, published_state, typed_values

DUMP_TABLES = (t.forbund, t.members, t.documents, t.figures, t.history, t.register, t.roles, t.identities)
OPTIONAL = ("register", "roles", "identities")  # not in dumps made before the register existed


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: safe_cell("" if r.get(c) is None else r.get(c)) for c in columns})
    path.write_text(buf.getvalue(), encoding="utf-8")


def export(store: Store, target: Path) -> dict[str, int]:
    """Write the published data in the curated format (and a full dump under store/); counts written."""
    pub = store.published()
    _write_csv(target / "forbund.csv", list(FORBUND_SCHEMA), pub.forbund)
    _write_csv(target / "members.csv", list(MEMBERS_SCHEMA), pub.members)
    docs = []
    for d in pub.documents:
        note = "; ".join(x for x in (d.get("note"), provenance_text(d), f"sha256 {d.get('sha256')}") if x)
        docs.append({**d, "note": note})
    _write_csv(target / "documents.csv", list(DOCUMENTS_SCHEMA), docs)
    for document, rows in pub.figures.items():
        _write_csv(target / "figures" / f"{document}.csv", list(SOURCE_COLUMNS), rows)
    with store.engine.connect() as conn:
        for table in DUMP_TABLES:
            rows = [dict(r) for r in conn.execute(select(table)).mappings()]
            _write_csv(target / "store" / f"{table.name}.csv", [c.name for c in table.columns], rows)
    return {"förbund": len(pub.forbund), "dokument": len(pub.documents), "historik": len(pub.history)}


def _rows(path: Path) -> list[dict[str, str]]:
    problems: list = []
    rows = [r for _, r in read_rows(path, problems, ())]
    if problems:
        raise PublishError([str(p) for p in problems])
    return rows


def restore(store: Store, source: Path) -> dict[str, int]:
    """Load a dump (DIR/store/*.csv) into an empty store in one transaction, keeping every version and the
    history in order; the result is validated like a publication before it is committed."""
    dump = source / "store"
    tables = {
        table.name: _rows(dump / f"{table.name}.csv")
        for table in DUMP_TABLES
        if table.name not in OPTIONAL or (dump / f"{table.name}.csv").exists()
    }
    store.ensure_schema()
    with store._write() as conn:
        if conn.execute(select(t.history.c.id).limit(1)).first() is not None:
            raise PublishError(["databasen har redan publicerade uppgifter; importera bara till en tom databas"])
        for row in tables["forbund"]:
            conn.execute(t.forbund.insert().values(**typed_values(t.forbund, row)))
        for row in tables["members"]:
            conn.execute(t.members.insert().values(**typed_values(t.members, row)))
        ids: dict[str, int] = {}  # the new database numbers versions itself; figures follow their version
        for row in sorted(tables["documents"], key=lambda r: int(r["version_id"])):
            values = typed_values(t.documents, row)
            old = str(values.pop("version_id"))
            ids[old] = conn.execute(t.documents.insert().values(**values)).inserted_primary_key[0]
        figures = []
        for row in tables["figures"]:
            values = typed_values(t.figures, row)
            values["version_id"] = ids[str(row["version_id"])]
            figures.append(values)
        if figures:
            conn.execute(t.figures.insert(), figures)
        for row in sorted(tables["history"], key=lambda r: int(r["id"])):
            values = typed_values(t.history, row)
            values.pop("id")
            conn.execute(t.history.insert().values(**values))
        for row in sorted(tables.get("register", []), key=lambda r: int(r["id"])):
            values = typed_values(t.register, row)
            values.pop("id")
            conn.execute(t.register.insert().values(**values))
        for row in tables.get("identities", []):
            conn.execute(t.identities.insert().values(**typed_values(t.identities, row)))
        for row in tables.get("roles", []):
            conn.execute(t.roles.insert().values(**{**typed_values(t.roles, row), "forbund": row.get("forbund") or ""}))
        try:
            load_sources(store.data_dir, published_state(conn))
        except DataValidationError as exc:
            raise PublishError([str(p) for p in exc.problems]) from exc
    return {"förbund": len(tables["forbund"]), "dokument": len(tables["documents"]), "historik": len(tables["history"])}


def publish_folder(store: Store, source: Path, editor: Editor) -> list[str]:
    """Publish a folder in the curated format (documents.csv + figures/), registering its förbund; messages."""
    known = store.registered()
    forbund = {r["forbund"]: r for r in _rows(source / "forbund.csv")} if (source / "forbund.csv").exists() else {}
    members = _rows(source / "members.csv") if (source / "members.csv").exists() else []
    documents = _rows(source / "documents.csv")
    # The file a document was read from is identified by its checksum (export writes it into the note); a
    # made-up one would be false provenance, so a folder without it publishes nothing.
    unknown = [d["document"] for d in documents if not _sha_from_note(d.get("note", ""))]
    if unknown:
        raise PublishError(
            [f"{doc}: ingen 'sha256 <kontrollsumma>' i documents.csv:s note (den uppladdade filens)" for doc in unknown]
        )
    done = []
    for d in documents:
        rows = _rows(source / "figures" / f"{d['document']}.csv")
        reg = None
        if d["forbund"] in forbund and d["forbund"] not in known:
            reg = Registration(forbund[d["forbund"]], [m for m in members if m["forbund"] == d["forbund"]])
        pub = Publication(
            document=d["document"],
            forbund=d["forbund"],
            type=d["type"],
            year=int(d["year"]),
            title=d["title"],
            source_file=d["source_file"],
            sha256=_sha_from_note(d["note"]),
            rows=rows,
            amounts_unit=d.get("amounts_unit", ""),
            adopted=d.get("adopted", ""),
            adopted_line=int(d["adopted_line"]) if d.get("adopted_line") else None,
            note=d.get("note", ""),
            registration=reg,
        )
        version = store.publish(pub, editor, f"importerad från {source.name}/")
        known = store.registered()
        done.append(f"{d['document']}: version {version}")
    return done


def _sha_from_note(note: str) -> str | None:
    for part in note.split(";"):
        part = part.strip()
        if part.startswith("sha256 ") and len(part) == 71:
            return part[7:]
    return None


__all__ = ["export", "publish_folder", "restore"]
