"""`python -m lib.ingest.evaluate DIR`: how much of the curated data the extractor recovers from the reports in DIR.

Per document and metric group: curated figures (over the metrics the extractor looks for) recovered
with the exact value and line, found with another value or line (wrong), not found (missing), and
figures proposed that the curated data does not have (extra).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import polars as pl

from lib.ingest.propose import EXTRACTED_METRICS, propose
from lib.ingest.reading import read_report
from lib.registry import METRICS
from lib.sources import compile_figure, load_sources

KEY = ["metric", "year", "basis", "period", "item", "kommun", "age_band"]


def evaluate_document(document: str, forbund: str, year: int, path: Path, curated: pl.DataFrame) -> dict:
    """Counts per metric group: recovered, wrong, missing, extra."""
    result = propose(read_report(path), forbund, year, document)
    cur = curated.filter(
        (pl.col("document") == document)
        & pl.col("derived_from").is_null()
        & pl.col("metric").is_in(list(EXTRACTED_METRICS))
    )
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for r in cur.iter_rows(named=True):
        by_key[tuple(r[k] for k in KEY)].append(r)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"recovered": 0, "wrong": 0, "missing": 0, "extra": 0})
    proposed: dict[tuple, list[dict]] = defaultdict(list)
    for row in result.rows:
        f = compile_figure(document, forbund, row)
        proposed[tuple(f[k] for k in KEY)].append(f)
    for key, copies in by_key.items():
        group = METRICS[copies[0]["metric"]].group
        found = proposed.get(key, [])
        if not found:
            counts[group]["missing"] += 1
        elif any(abs(c["value"] - f["value"]) < 1e-6 and c["line"] == f["line"] for c in copies for f in found):
            counts[group]["recovered"] += 1
        else:
            counts[group]["wrong"] += 1
    for key, found in proposed.items():
        if key not in by_key:
            counts[METRICS[found[0]["metric"]].group]["extra"] += 1
    return dict(counts)


def evaluate(directory: Path) -> dict[str, dict]:
    src = load_sources()
    out = {}
    for d in src.documents.iter_rows(named=True):
        path = directory / d["source_file"]
        if path.exists():
            out[d["document"]] = evaluate_document(d["document"], d["forbund"], d["year"], path, src.figures)
    return out


def report(results: dict[str, dict]) -> str:
    lines = [f"{'dokument':28} {'grupp':20} {'rätt':>6} {'fel':>5} {'saknas':>7} {'extra':>6}"]
    total = {"recovered": 0, "wrong": 0, "missing": 0, "extra": 0}
    for document, groups in results.items():
        for group, c in sorted(groups.items()):
            lines.append(f"{document:28} {group:20} {c['recovered']:6} {c['wrong']:5} {c['missing']:7} {c['extra']:6}")
            for k in total:
                total[k] += c[k]
    found = total["recovered"] + total["wrong"] + total["missing"]
    share = 100 * total["recovered"] / found if found else 0
    lines.append(f"{'totalt':49} {total['recovered']:6} {total['wrong']:5} {total['missing']:7} {total['extra']:6}")
    lines.append(f"Återfunna med exakt värde och rad: {total['recovered']} av {found} ({share:.0f} %).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.ingest.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"{args.directory} är ingen mapp", file=sys.stderr)
        return 1
    print(report(evaluate(args.directory)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
