"""The store's side of the register of förbund and of roles: versioned register entries, the role table, and
the history rows for changes, proposals and refused attempts. Admin-only writes; every one is logged."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import Connection, func, select

from lib import geo
from lib.editors import ADMIN, FORBUND_EDITOR, ROLE_NAMES, ROLES, Editor, canonical
from lib.register.entries import Entry, Plan, entry_from, plan
from lib.store import schema as t


class Refused(PermissionError):
    """A write outside the editor's role; recorded in the history (action "nekad") before it is raised."""


def _entry(row) -> Entry:
    return entry_from({k: "" if v is None else str(v) for k, v in dict(row).items()})


def current_entries(conn: Connection) -> dict[str, Entry]:
    """slug → the newest version of its register entry."""
    newest = (
        select(t.register.c.forbund, func.max(t.register.c.version).label("v"))
        .group_by(t.register.c.forbund)
        .subquery()
    )
    rows = conn.execute(
        select(t.register).join(
            newest, (t.register.c.forbund == newest.c.forbund) & (t.register.c.version == newest.c.v)
        )
    ).mappings()
    return {r["forbund"]: _entry(r) for r in rows}


def _kommun_codes() -> set[str]:
    return set(geo.kommuner()["kommun_kod"].to_list())


def _lan_names() -> set[str]:
    return {x for x in geo.kommuner()["lan"].to_list() if x}


class RegisterStore:
    """Mixed into lib.store.Store: the register and the roles (uses its _read/_write/ensure_schema)."""

    # -- reading ----------------------------------------------------------------------------------

    def register(self) -> dict[str, Entry]:
        """slug → the register's entry for every förbund ever registered (ended ones too)."""
        with self._read() as conn:
            return current_entries(conn)

    def register_versions(self, forbund: str | None = None) -> list[dict]:
        """Every version of the register's entries (one förbund's, or all), oldest first."""
        with self._read() as conn:
            q = select(t.register).order_by(t.register.c.id)
            if forbund:
                q = q.where(t.register.c.forbund == forbund)
            return [dict(r) for r in conn.execute(q).mappings()]

    def roles(self) -> list[dict]:
        """Every role in the store's table: email, role, forbund ("" for an admin), granted_by, granted_at."""
        with self._read() as conn:
            q = select(t.roles).order_by(t.roles.c.email, t.roles.c.role, t.roles.c.forbund)
            return [dict(r) for r in conn.execute(q).mappings()]

    def roles_of(self, email: str | None) -> list[tuple[str, str]]:
        """(role, förbund) pairs the store gives this address (for lib.editors.decide)."""
        if not email:
            return []
        with self._read() as conn:
            rows = conn.execute(select(t.roles.c.role, t.roles.c.forbund).where(t.roles.c.email == canonical(email)))
            return [(r, f) for r, f in rows]

    def proposals(self) -> list[dict]:
        """New förbund proposed by förbund editors and not registered since: id, at, editor, forbund, entry."""
        with self._read() as conn:
            registered = set(current_entries(conn))
            rows = conn.execute(select(t.history).where(t.history.c.action == "föreslå").order_by(t.history.c.id))
            out = []
            for r in rows.mappings():
                if r["forbund"] in registered:
                    continue
                try:
                    cells = json.loads(r["comment"] or "{}")
                except ValueError:
                    cells = {}
                out.append({**dict(r), "entry": entry_from(cells if isinstance(cells, dict) else {})})
            return out

    def refusals(self) -> list[dict]:
        with self._read() as conn:
            q = select(t.history).where(t.history.c.action == "nekad").order_by(t.history.c.id.desc())
            return [dict(r) for r in conn.execute(q).mappings()]

    # -- the register -----------------------------------------------------------------------------

    def report_names(self) -> dict[str, str]:
        """slug → name of the förbund known from reports: curated in data/ and registered through the import."""
        import csv

        out = {}
        path = self.data_dir / "forbund.csv"
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                out = {r["forbund"]: r["name"] for r in csv.DictReader(f) if r.get("forbund")}
        with self._read() as conn:
            out.update(dict(conn.execute(select(t.forbund.c.forbund, t.forbund.c.name)).all()))
        return out

    def plan_register(self, rows: list[tuple[int, Entry]]) -> Plan:
        """What loading these rows would do (nothing is written)."""
        names = self.report_names()
        with self._read() as conn:
            return plan(rows, current_entries(conn), _kommun_codes(), _lan_names(), names)

    def load_register(self, editor: Editor, rows: list[tuple[int, Entry]], comment: str) -> Plan:
        """Add and update the register from a list, all rows or none (admins only); the plan that was carried
        out. Raises lib.store.PublishError naming every bad row."""
        from lib.store.store import PublishError, _log

        self._admin_only(editor, "ändra förbundsregistret", "")
        names = self.report_names()
        with self._write() as conn:
            p = plan(rows, current_entries(conn), _kommun_codes(), _lan_names(), names)
            if not p.ok:
                raise PublishError(p.problems)
            now = t.now()
            for e in [*p.added, *p.changed]:
                _insert(conn, e, editor, now, comment)
                what = "ny i registret" if e in p.added else "ändrad i registret"
                _log(conn, editor, "register", e.forbund, None, None, f"{what}: {comment}".strip(": "), now)
        return p

    def save_entry(self, editor: Editor, entry: Entry, comment: str) -> Plan:
        """Add or edit one förbund (admins only), checked like a list of one row."""
        return self.load_register(editor, [(1, entry)], comment)

    def end_forbund(self, editor: Editor, forbund: str, day: str, comment: str) -> Plan:
        """The förbund ends on ``day`` (its last day in the register)."""
        entry = self.register().get(forbund)
        if entry is None:
            from lib.store.store import PublishError

            raise PublishError([f"{forbund} finns inte i registret"])
        return self.save_entry(editor, entry_from({**entry.as_row(), "valid_to": day}), comment or f"avslutat {day}")

    def merge(self, editor: Editor, old: list[str], new: Entry, comment: str) -> Plan:
        """A merger on ``new.valid_from``: each old förbund ends the day before and ``new`` starts that day
        (with the old förbund's kommuner unless ``new`` names its own), in one write."""
        from lib.store.store import PublishError

        register = self.register()
        missing = [s for s in old if s not in register]
        if missing or not old:
            raise PublishError([f"{', '.join(missing) or 'inga förbund'} finns inte i registret"])
        try:
            start = date.fromisoformat(new.valid_from)
        except ValueError:
            raise PublishError(["sammanslagningen behöver ett datum (valid_from, ÅÅÅÅ-MM-DD)"]) from None
        last = (start - timedelta(days=1)).isoformat()
        kommuner = new.kommuner or tuple(dict.fromkeys(k for s in old for k in register[s].kommuner))
        rows = [(i, entry_from({**register[s].as_row(), "valid_to": last})) for i, s in enumerate(old, 1)]
        merged = entry_from({**new.as_row(), "kommuner": " ".join(kommuner)})
        rows.append((len(rows) + 1, merged))
        text = comment or f"{', '.join(old)} gick samman i {new.forbund} {new.valid_from}"
        return self.load_register(editor, rows, text)

    def propose(self, editor: Editor, entry: Entry, comment: str = "") -> None:
        """A förbund editor proposes a förbund for the register (an admin decides); recorded in the history."""
        from lib.store.store import _check_editor, _log

        _check_editor(editor)
        self.ensure_schema()
        with self._write() as conn:
            cells = {**entry.as_row(), "comment": comment.strip()}
            _log(conn, editor, "föreslå", entry.forbund or "?", None, None, json.dumps(cells, ensure_ascii=False))

    # -- roles ------------------------------------------------------------------------------------

    def grant(self, editor: Editor, email: str, role: str, forbund: str = "") -> None:
        from lib.store.store import PublishError, _log

        self._admin_only(editor, f"ge rollen {role}", forbund)
        email = canonical(email or "")
        problems = []
        if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
            problems.append(f"'{email[:80]}' är ingen e-postadress")
        if role not in ROLES:
            problems.append(f"rollen måste vara {' eller '.join(ROLES)}")
        if role == FORBUND_EDITOR and not forbund:
            problems.append("en förbundsredaktör behöver ett förbund")
        if problems:
            raise PublishError(problems)
        forbund = forbund if role == FORBUND_EDITOR else ""
        self.ensure_schema()
        with self._write() as conn:
            known = set(current_entries(conn)) | set(conn.execute(select(t.forbund.c.forbund)).scalars())
            if forbund and forbund not in known and forbund not in _curated():
                raise PublishError([f"förbundet {forbund} finns inte i registret"])
            key = (t.roles.c.email == email) & (t.roles.c.role == role) & (t.roles.c.forbund == forbund)
            if conn.execute(select(t.roles.c.email).where(key)).first():
                return
            conn.execute(
                t.roles.insert().values(
                    email=email, role=role, forbund=forbund, granted_by=editor.email, granted_at=t.now()
                )
            )
            _log(conn, editor, "roll", forbund or "*", None, None, f"gav {email} rollen {ROLE_NAMES[role]}")

    def revoke(self, editor: Editor, email: str, role: str, forbund: str = "") -> None:
        from lib.store.store import PublishError, _log

        self._admin_only(editor, f"ta bort rollen {role}", forbund)
        email = canonical(email or "")
        self.ensure_schema()
        with self._write() as conn:
            key = (t.roles.c.email == email) & (t.roles.c.role == role) & (t.roles.c.forbund == (forbund or ""))
            if not conn.execute(select(t.roles.c.email).where(key)).first():
                raise PublishError([f"{email} har inte rollen {ROLE_NAMES.get(role, role)} {forbund}".strip()])
            if role == ADMIN and email == editor.email:
                raise PublishError(["du kan inte ta bort din egen administratörsroll"])
            conn.execute(t.roles.delete().where(key))
            _log(conn, editor, "roll", forbund or "*", None, None, f"tog bort rollen {ROLE_NAMES[role]} för {email}")

    # -- identities --------------------------------------------------------------------------------

    def bind_identity(self, email: str, subject: str) -> str:
        """The subject this address is bound to: the one on record, or ``subject`` now bound (first use)."""
        email = canonical(email or "")
        self.ensure_schema()
        with self._write() as conn:
            found = conn.execute(select(t.identities.c.subject).where(t.identities.c.email == email)).scalar()
            if found is not None:
                return found
            conn.execute(t.identities.insert().values(email=email, subject=subject, bound_at=t.now()))
            return subject

    def identities(self) -> list[dict]:
        with self._read() as conn:
            return [dict(r) for r in conn.execute(select(t.identities).order_by(t.identities.c.email)).mappings()]

    def release_identity(self, editor: Editor, email: str) -> None:
        """An admin releases an address's binding (its owner changed account); the next sign-in binds again."""
        from lib.store.store import _log

        self._admin_only(editor, "släppa en identitetsbindning", "")
        email = canonical(email or "")
        with self._write() as conn:
            conn.execute(t.identities.delete().where(t.identities.c.email == email))
            _log(conn, editor, "roll", "*", None, None, f"släppte identitetsbindningen för {email}")

    # -- refusals ---------------------------------------------------------------------------------

    def _admin_only(self, editor: Editor, attempt: str, forbund: str) -> None:
        from lib.store.store import _check_editor

        _check_editor(editor)
        if not editor.is_admin:
            self.refuse(editor, forbund or "*", attempt, "bara en administratör får " + attempt)

    def refuse(self, editor: Editor, forbund: str, attempt: str, message: str, document: str | None = None) -> None:
        """Record a refused attempt in the history (its own transaction) and raise Refused with ``message``."""
        from lib.store.store import _log

        self.ensure_schema()
        with self._write() as conn:
            _log(
                conn,
                editor,
                "nekad",
                forbund or "*",
                document,
                None,
                f"{attempt} ({editor.describe() or 'ingen roll'})",
            )
        raise Refused(message)


def _insert(conn: Connection, e: Entry, editor: Editor, now: str, comment: str) -> None:
    last = conn.execute(select(func.max(t.register.c.version)).where(t.register.c.forbund == e.forbund)).scalar()
    row = e.as_row()
    conn.execute(
        t.register.insert().values(
            **{
                k: (row[k] or None)
                for k in ("org_nr", "lan", "region", "kommundel", "valid_from", "valid_to", "website")
            },
            forbund=e.forbund,
            version=(last or 0) + 1,
            name=e.name,
            short_name=e.short_name or e.name,
            kommuner=row["kommuner"],
            source=e.source,
            changed_by=editor.email,
            changed_at=now,
            comment=comment.strip() or None,
        )
    )


def _curated() -> set[str]:
    from lib.sources import curated_slugs

    return set(curated_slugs())
