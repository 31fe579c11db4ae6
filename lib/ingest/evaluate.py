"""`python -m lib.ingest.evaluate [SEEDS_DIR] [--corpus DIR] [--verbose]`: how well the extractor reads reports.

Seeds: for each curated document whose text is in SEEDS_DIR, every curated figure of the in-scope
metrics (IN_SCOPE_METRICS, of any basis, per named row too) counts once per key (metric, year,
basis, period, item, kommun, age band; the same figure printed on several lines is one key):
- recovered: a proposal has the exact value on one of the lines the curated figure stands on;
- wrong: a proposal for that key has a value no curated copy has (a wrong value, worse than none);
- missing: neither (a right value on a line the curation did not record counts as missing).
A named row's item is matched by name or by line (the report prints "Bidrag från regioner" where
the curation names the member "Region Västerbotten"). Proposals of in-scope metrics that match no
curated key are "extra".

Corpus: texts written for the tests (tests/ingest_corpus), each with the figures it states; the
same counts per pattern, and every proposal not expected is extra.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lib.ingest.propose import IN_SCOPE_METRICS, propose
from lib.ingest.reading import read_report
from lib.registry import METRICS
from lib.sources import compile_figure, load_sources

KEY = ("metric", "year", "basis", "period", "item", "kommun", "age_band")
LOOSE = ("metric", "year", "basis", "period", "kommun", "age_band")


@dataclass
class Score:
    recovered: int = 0
    wrong: int = 0
    missing: int = 0
    extra: int = 0
    details: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.recovered += other.recovered
        self.wrong += other.wrong
        self.missing += other.missing
        self.extra += other.extra
        self.details += other.details

    @property
    def total(self) -> int:
        return self.recovered + self.wrong + self.missing


def _norm_item(item: str | None) -> str:
    return (item or "").strip().lower()


def score(expected: list[dict], proposed: list[dict], complete: bool = False) -> dict[str, Score]:
    """Per metric group: expected figures (dicts with KEY fields, value, line) against proposed figures.

    ``complete``: the expected figures are every in-scope figure the text states (the corpus), so a
    proposal that matches none of them is wrong, not extra."""
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for e in expected:  # a complete list names every printed copy: each line is a figure of its own
        by_key[tuple(e[k] for k in KEY) + ((e["line"],) if complete else ())].append(e)
    used: set[int] = set()
    out: dict[str, Score] = defaultdict(Score)
    for key, copies in by_key.items():
        group = METRICS[copies[0]["metric"]].group
        lines = {c["line"] for c in copies}
        values = [c["value"] for c in copies]
        cands = []
        for k, p in enumerate(proposed):
            if tuple(p[f] for f in LOOSE) != tuple(copies[0][f] for f in LOOSE):
                continue
            if bool(p["item"]) != bool(copies[0]["item"]):
                continue
            if p["item"] and _norm_item(p["item"]) != _norm_item(copies[0]["item"]) and p["line"] not in lines:
                continue
            if complete and p["line"] not in lines:
                continue
            cands.append(k)
        used.update(cands)
        s = out[group]
        label = f"{key[0]} {key[1]} {key[2]}" + (f" «{key[4]}»" if key[4] else "") + (f" {key[5]}" if key[5] else "")
        wrong = [proposed[k] for k in cands if all(abs(proposed[k]["value"] - v) > 1e-6 for v in values)]
        if wrong:
            s.wrong += 1
            shown = ", ".join(f"{w['value']:g} (rad {w['line']})" for w in wrong)
            s.details.append(f"FEL     {label}: föreslaget {shown}, rätt {values[0]:g} (rad {sorted(lines)})")
        elif any(
            abs(proposed[k]["value"] - c["value"]) <= 1e-6 and proposed[k]["line"] == c["line"]
            for k in cands
            for c in copies
        ):
            s.recovered += 1
        else:
            s.missing += 1
            s.details.append(f"SAKNAS  {label}: {values[0]:g} (rad {sorted(lines)})")
    for k, p in enumerate(proposed):
        if k not in used and p["metric"] in IN_SCOPE_METRICS | {c["metric"] for c in expected}:
            s = out[METRICS[p["metric"]].group]
            label = f"{p['metric']} {p['year']} {p['basis']}" + (f" «{p['item']}»" if p["item"] else "")
            if complete:
                s.wrong += 1
                s.details.append(f"FEL     {label}: {p['value']:g} (rad {p['line']}) står inte i texten")
            else:
                s.extra += 1
                s.details.append(f"EXTRA   {label}: {p['value']:g} (rad {p['line']})")
    return dict(out)


def evaluate_document(document: str, forbund: str, year: int, doc_type: str, path: Path, src) -> dict[str, Score]:
    members = [(r["member"], r["kind"]) for r in src.members.filter(pl.col("forbund") == forbund).iter_rows(named=True)]
    result = propose(read_report(path), forbund, year, document, doc_type, members)
    cur = src.figures.filter(
        (pl.col("document") == document)
        & pl.col("derived_from").is_null()
        & pl.col("metric").is_in(list(IN_SCOPE_METRICS))
    )
    expected = list(cur.iter_rows(named=True))
    proposed = [compile_figure(document, forbund, r) for r in result.rows]
    proposed = [p for p in proposed if p["metric"] in IN_SCOPE_METRICS]
    return score(expected, proposed)


def evaluate(directory: Path) -> dict[str, dict[str, Score]]:
    src = load_sources()
    out = {}
    for d in src.documents.iter_rows(named=True):
        path = directory / d["source_file"]
        if path.exists():
            out[d["document"]] = evaluate_document(d["document"], d["forbund"], d["year"], d["type"], path, src)
    return out


def totals(results: dict[str, dict[str, Score]]) -> Score:
    t = Score()
    for groups in results.values():
        for s in groups.values():
            t.add(s)
    return t


# -- the corpus of texts written for the tests --------------------------------------------------


def read_expected(path: Path) -> list[dict]:
    """An expected-figures file: metric, year, basis, item, value (kr, persons or %), line."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(line for line in fh if not line.startswith("#")):
            out.append(
                {
                    "metric": r["metric"],
                    "year": int(r["year"]),
                    "basis": r.get("basis") or "utfall",
                    "period": r.get("period") or "helår",
                    "item": r.get("item") or None,
                    "kommun": r.get("kommun") or None,
                    "age_band": r.get("age_band") or None,
                    "value": float(r["value"]),
                    "line": int(r["line"]),
                }
            )
    return out


def evaluate_corpus(directory: Path) -> dict[str, dict[str, Score]]:
    """Each corpus text (NAME.txt beside NAME.expected.csv) is one pattern."""
    out = {}
    for text in sorted(directory.glob("*.txt")):
        exp_path = text.with_suffix(".expected.csv")
        if not exp_path.exists():
            continue
        meta = {}
        for line in exp_path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                k, _, v = line[2:].partition(":")
                meta[k.strip()] = v.strip()
        year = int(meta["year"]) if meta.get("year") else None
        result = propose(read_report(text), "korpus", year, text.stem, meta.get("type") or None)
        proposed = [compile_figure(text.stem, "korpus", r) for r in result.rows]
        out[text.stem] = score(read_expected(exp_path), proposed, complete=True)
    return out


def report(results: dict[str, dict[str, Score]], verbose: bool = False, title: str = "dokument") -> str:
    lines = [f"{title:34} {'grupp':20} {'rätt':>6} {'fel':>5} {'saknas':>7} {'extra':>6}"]
    for document, groups in results.items():
        for group, c in sorted(groups.items()):
            lines.append(f"{document:34} {group:20} {c.recovered:6} {c.wrong:5} {c.missing:7} {c.extra:6}")
            if verbose:
                lines += [f"    {d}" for d in c.details]
    t = totals(results)
    share = 100 * t.recovered / t.total if t.total else 0
    lines.append(f"{'totalt':55} {t.recovered:6} {t.wrong:5} {t.missing:7} {t.extra:6}")
    lines.append(f"Återfunna med exakt värde och rad: {t.recovered} av {t.total} ({share:.1f} %), fel: {t.wrong}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.ingest.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, nargs="?", help="mappen med rapporttexterna (../shared/seeds)")
    parser.add_argument("--corpus", type=Path, help="mapp med egna testtexter och förväntade uppgifter")
    parser.add_argument("--verbose", action="store_true", help="lista varje fel, saknad och extra uppgift")
    args = parser.parse_args(argv)
    if args.directory is None and args.corpus is None:
        parser.error("ange en mapp med rapporter och/eller --corpus")
    for d in (args.directory, args.corpus):
        if d is not None and not d.is_dir():
            print(f"{d} är ingen mapp", file=sys.stderr)
            return 1
    if args.directory:
        print(report(evaluate(args.directory), args.verbose))
    if args.corpus:
        print(report(evaluate_corpus(args.corpus), args.verbose, "mönster"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
