"""`python -m lib.store export|import|migrate|status|backup|register`: the store from the command line
(maintainers, who act as admins; the history records them with "kommandorad")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib.editors import Editor
from lib.store import transfer
from lib.store.schema import SchemaTooNew
from lib.store.settings import describe, store_url
from lib.store.store import PublishError, Store, StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.store", description=__doc__)
    parser.add_argument("--url", help="databasens URL (annars FINSAM_STORE_URL, secrets.toml eller SQLite-filen)")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="skriv det publicerade i data/:s CSV-format (och allt under DIR/store/)")
    exp.add_argument("dir", type=Path)
    imp = sub.add_parser("import", help="läs in en export i en tom databas, eller publicera en mapp i CSV-formatet")
    imp.add_argument("dir", type=Path)
    imp.add_argument("--editor", help="e-post som står i historiken när en mapp i CSV-formatet publiceras")
    sub.add_parser("migrate", help="skapa eller uppdatera databasens schema")
    sub.add_parser("status", help="vad databasen innehåller")
    bak = sub.add_parser("backup", help="en konsekvent kopia av SQLite-filen i DIR (PostgreSQL: pg_dump)")
    bak.add_argument("dir", type=Path)
    reg = sub.add_parser("register", help="förbundsregistret: läs in en lista (CSV), skriv ut det, lista det")
    reg_sub = reg.add_subparsers(dest="register_command", required=True)
    reg_imp = reg_sub.add_parser("import", help="läs in en CSV-lista: alla rader eller ingen")
    reg_imp.add_argument("file", type=Path)
    reg_imp.add_argument("--dry-run", action="store_true", help="kontrollera och visa vad som skulle hända")
    reg_imp.add_argument("--editor", help="e-post som står i historiken (annars användare@dator)")
    reg_imp.add_argument("--comment", default="", help="varifrån listan kommer (står i historiken)")
    reg_exp = reg_sub.add_parser("export", help="skriv registret som CSV (samma format som import)")
    reg_exp.add_argument("file", type=Path)
    reg_sub.add_parser("list", help="förbunden i registret")
    args = parser.parse_args(argv)

    url = args.url or store_url()
    print(f"Databas: {describe(url)}", file=sys.stderr)  # which store, always (never its password)
    store = Store.open(url)
    try:
        if args.command == "register":
            return _register(store, args)
        elif args.command == "migrate":
            done = store.ensure_schema()
            print(f"{describe(url)}: " + (f"migreringar {done} körda" if done else "schemat är aktuellt"))
        elif args.command == "status":
            versions = store.versions()
            current = [v for v in versions if v["status"] == "gällande"]
            print(
                f"{describe(url)}: {len(store.registered())} registrerade förbund, {len(current)} gällande "
                f"dokument ({len(versions)} versioner), {len(store.history())} händelser i historiken"
            )
        elif args.command == "backup":
            if store.file is None:
                print(
                    "PostgreSQL säkerhetskopieras med pg_dump, t.ex. pg_dump --format=custom "
                    "--file finsam.dump <databasens URL>; se README.",
                    file=sys.stderr,
                )
                return 2
            path = store.backup(args.dir)
            print(f"Säkerhetskopia: {path} ({len(Store.open(f'sqlite:///{path}').history())} händelser i historiken)")
        elif args.command == "export":
            counts = transfer.export(store, args.dir)
            print(f"Exporterat till {args.dir}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        elif args.command == "import":
            if (args.dir / "store").is_dir():
                counts = transfer.restore(store, args.dir)
                print(f"Importerat till {describe(url)}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
            else:
                if not args.editor or "@" not in args.editor:
                    print("En mapp i CSV-formatet publiceras av en redaktör: ange --editor e-post.", file=sys.stderr)
                    return 2
                for line in transfer.publish_folder(store, args.dir, Editor.admin(args.editor, via="kommandorad")):
                    print(line)
    except (PublishError, StoreUnavailable, SchemaTooNew, FileNotFoundError) as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        print("Inget ändrades:\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


def _register(store: Store, args) -> int:
    from lib.register.entries import read_csv, to_csv

    if args.register_command == "list":
        for slug, e in sorted(store.register().items()):
            until = f", till {e.valid_to}" if e.valid_to else ""
            print(f"{slug}: {e.name} ({e.org_nr or 'utan org.nr'}), {len(e.kommuner)} kommuner{until}")
        return 0
    if args.register_command == "export":
        args.file.write_text(to_csv(sorted(store.register().values(), key=lambda e: e.forbund)), encoding="utf-8")
        print(f"Registret ({len(store.register())} förbund) skrivet till {args.file}")
        return 0
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Filen kan inte läsas: {exc}", file=sys.stderr)
        return 1
    rows, problems = read_csv(text)
    plan = store.plan_register(rows) if not problems else None
    problems += plan.problems if plan else []
    if problems:
        print(f"Inget ändrades: {len(problems)} fel\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"Kontrollerat, inget skrivet: {plan.summary()}")
        return 0
    import getpass
    import socket

    who = args.editor or f"{getpass.getuser()}@{socket.gethostname()}"
    done = store.load_register(Editor.admin(who, via="kommandorad"), rows, args.comment or f"lista {args.file.name}")
    print(f"Inläst i registret: {done.summary()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
