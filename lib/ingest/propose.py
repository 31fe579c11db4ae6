"""From report lines to a reviewed-ready proposal: figures, missing metrics, conflicts and consistency findings."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import polars as pl

from lib.checks import run_checks
from lib.derive import derive
from lib.ingest.extract import FINDERS, Proposal
from lib.ingest.reading import Line
from lib.schema import FIGURES_SCHEMA, MAPPINGS_SCHEMA, SOURCE_COLUMNS, check_source_row, conform
from lib.sources import compile_figure

# What every annual report should give; listed as missing when not found.
EXPECTED_METRICS = (
    "medlemsbidrag",
    "verksamhetens_intakter",
    "verksamhetens_kostnader",
    "arets_resultat",
    "eget_kapital",
    "summa_tillgangar",
    "likvida_medel",
    "deltagare",
)
# The metrics the finders look for (the evaluation measures recall over these).
EXTRACTED_METRICS = frozenset(
    {
        *EXPECTED_METRICS,
        "finansiella_intakter",
        "finansiella_kostnader",
        "skulder",
        "summa_eget_kapital_och_skulder",
        "soliditet",
        "eget_kapital_andel",
        "kostnad_administration",
        "kostnad_individinriktat",
        "kostnad_strukturovergripande",
        "kostnad_administration_andel",
        "kostnad_individinriktat_andel",
        "kostnad_strukturovergripande_andel",
        "deltagare_kvinnor",
        "deltagare_man",
        "nya_deltagare",
        "nya_deltagare_kvinnor",
        "nya_deltagare_man",
        "avslutade_deltagare",
        "avslutade_deltagare_kvinnor",
        "avslutade_deltagare_man",
        "avslutade_arbete_studier",
        "avslutade_arbete_studier_kvinnor",
        "avslutade_arbete_studier_man",
        "avslutade_stegforflyttning",
        "hae_sjukpenning",
        "hae_sjuk_och_aktivitetsersattning",
        "hae_arbetsloshet",
        "hae_arbetsmarknadsatgarder",
        "hae_ekonomiskt_bistand",
        "hae_etableringsersattning",
        "hae_totalt",
        "folkmangd",
        "hae_andel",
    }
)
KEY = ("metric", "year", "basis", "period", "item", "kommun", "age_band")


@dataclass
class Result:
    rows: list[dict[str, str]]
    figures: pl.DataFrame
    missing: list[str]
    conflicts: list[str]
    notes: list[str]
    findings: pl.DataFrame

    def csv(self) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(SOURCE_COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        return buf.getvalue()

    def summary(self) -> str:
        parts = [f"{len(self.rows)} föreslagna uppgifter (ogranskade)"]
        if self.missing:
            parts.append("Saknas: " + ", ".join(self.missing))
        parts += [f"Konflikt: {c}" for c in self.conflicts]
        parts += [f"Notering: {n}" for n in self.notes]
        parts.append(f"{self.findings.height} avvikelser enligt konsistenskontrollerna")
        parts += [f"  - {d}" for d in self.findings["description"].to_list()[:15]]
        return "\n".join(parts)


def guess_year(lines: list[Line]) -> int | None:
    """The report's year from its own words ("Årsredovisning 2023", "budgetåret 2023")."""
    counts: Counter[int] = Counter()
    for ln in lines[:400]:
        for m in re.finditer(r"(årsredovisning|budgetår(?:et)?|verksamhetsåret|för år)\s+(20\d{2})", ln.text, re.I):
            counts[int(m.group(2))] += 1
    return counts.most_common(1)[0][0] if counts else None


def _value_kr(row: dict[str, str]) -> float | None:
    try:
        f = compile_figure("förslag", "x", row)
    except (ValueError, KeyError):
        return None
    return f["value"]


def propose(lines: list[Line], forbund: str, year: int | None = None, document: str = "forslag") -> Result:
    """Run every finder; keep the first copy of a repeated figure; report conflicts, missing and findings."""
    year = year or guess_year(lines)
    p = Proposal()
    for finder in FINDERS:
        finder(lines, p, year)
    if year is None:
        p.notes.append("Rapportens år hittades inte; ange --year")

    kept: list[dict[str, str]] = []
    seen: dict[tuple, list[tuple[float, dict]]] = defaultdict(list)
    problems = []
    for row in sorted(p.rows, key=lambda r: int(r["line"])):
        errors = check_source_row("förslag", int(row["line"]), row, {document})
        if errors:
            problems.append("; ".join(e.message for e in errors))
            continue
        value = _value_kr(row)
        if value is None:
            continue
        key = tuple(row[k] or ("helår" if k == "period" else "") for k in KEY)
        if any(
            abs(v - value) < 1e-6 and r["section"] == row["section"] and r["label"] == row["label"]
            for v, r in seen[key]
        ):
            continue  # the same table line again (the report extracted twice): one figure
        seen[key].append((value, row))
        kept.append(row)
    conflicts = []
    for key, copies in seen.items():
        if len({round(v, 6) for v, _r in copies}) > 1:
            where = ", ".join(f"{r['printed']} {r['printed_unit']} (rad {r['line']})" for _v, r in copies)
            conflicts.append(f"{key[0]} {key[1]}: {where}")
    missing = [
        m for m in EXPECTED_METRICS if year and not any(r["metric"] == m and r["year"] == str(year) for r in kept)
    ]
    for note in problems[:5]:
        p.notes.append(f"förkastad rad: {note}")

    seen_ids = set()
    figures = []
    for r in kept:
        f = compile_figure(document, forbund, r)
        if f["figure_id"] in seen_ids:  # same key on one line (two copies of a table line) keeps one
            continue
        seen_ids.add(f["figure_id"])
        figures.append(f)
    fig_df = (
        conform(pl.DataFrame(figures, schema=FIGURES_SCHEMA, strict=False), FIGURES_SCHEMA)
        if figures
        else pl.DataFrame(schema=FIGURES_SCHEMA)
    )
    forbund_df = pl.DataFrame(
        {"forbund": [forbund], "income_is_medlemsbidrag_line": [None], "income_is_medlemsbidrag_document": [None]},
        schema={
            "forbund": pl.String,
            "income_is_medlemsbidrag_line": pl.Int32,
            "income_is_medlemsbidrag_document": pl.String,
        },
    )
    derived = derive(fig_df, forbund_df, pl.DataFrame(schema=MAPPINGS_SCHEMA)) if figures else fig_df
    all_figures = pl.concat([fig_df, derived]) if figures else fig_df
    findings = run_checks(all_figures)
    return Result(kept, all_figures, missing, conflicts, p.notes, findings)
