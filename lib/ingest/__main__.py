"""`python -m lib.ingest REPORT.pdf|REPORT.txt --forbund SLUG [--year YEAR] [--type TYPE] [--output FILE]`.

Writes the proposed figures (curated source format, marked unreviewed, each with the rule that found
it) as CSV to stdout or FILE, and a summary of missing metrics, conflicts, notes and consistency
findings to stderr. The förbund need not be in the data yet: its members, when the data knows them,
name the items of the members' contributions.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from lib.ingest.propose import propose
from lib.ingest.reading import IngestError, read_report


def _members(slug: str) -> list[tuple[str, str]]:
    try:
        import polars as pl

        from lib.sources import load_sources

        members = load_sources().members.filter(pl.col("forbund") == slug)
        return [(r["member"], r["kind"]) for r in members.iter_rows(named=True)]
    except Exception:  # the data cannot be read: propose without member names
        return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.ingest", description="Föreslå uppgifter ur en rapport.")
    parser.add_argument("report", type=Path)
    parser.add_argument("--forbund", required=True, help="förbundets id (små bokstäver, siffror och bindestreck)")
    parser.add_argument("--year", type=int, help="rapportens år (annars läses det ur texten)")
    parser.add_argument("--type", choices=["årsredovisning", "verksamhetsplan"], help="dokumenttyp (annars gissad)")
    parser.add_argument("--output", type=Path, help="CSV-fil att skriva förslaget till (annars stdout)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", args.forbund):
        print(f"Ogiltigt förbunds-id {args.forbund!r}: små bokstäver a–z, siffror och bindestreck.", file=sys.stderr)
        return 2
    try:
        lines = read_report(args.report)
    except IngestError as exc:
        print(f"Kan inte läsa {args.report.name}: {exc}", file=sys.stderr)
        return 1
    result = propose(lines, args.forbund, args.year, doc_type=args.type, members=_members(args.forbund))
    if args.output:
        args.output.write_text(result.csv(), encoding="utf-8")
    else:
        sys.stdout.write(result.csv())
    print(result.summary(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
