"""`python -m lib.ingest REPORT.pdf|REPORT.txt --forbund SLUG [--year YEAR] [--output FILE]`.

Writes the proposed figures (curated source format, marked unreviewed) as CSV to stdout or FILE,
and a summary of missing metrics, conflicts and consistency findings to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib.ingest.propose import propose
from lib.ingest.reading import IngestError, read_report
from lib.registry import FORBUND_SLUGS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.ingest", description="Föreslå uppgifter ur en rapport.")
    parser.add_argument("report", type=Path)
    parser.add_argument("--forbund", required=True, help=f"förbundets id, t.ex. {', '.join(FORBUND_SLUGS)}")
    parser.add_argument("--year", type=int, help="rapportens år (annars läses det ur texten)")
    parser.add_argument("--output", type=Path, help="CSV-fil att skriva förslaget till (annars stdout)")
    args = parser.parse_args(argv)
    try:
        lines = read_report(args.report)
    except IngestError as exc:
        print(f"Kan inte läsa {args.report.name}: {exc}", file=sys.stderr)
        return 1
    result = propose(lines, args.forbund, args.year)
    if args.output:
        args.output.write_text(result.csv(), encoding="utf-8")
    else:
        sys.stdout.write(result.csv())
    print(result.summary(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
