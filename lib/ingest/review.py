"""Reviewing a proposal: the table an editor corrects, and turning the decisions into source rows."""

from __future__ import annotations

import polars as pl

from lib.ingest.propose import UNREVIEWED
from lib.ingest.reading import Line
from lib.numbers import NumberFormatError, parse_number
from lib.registry import METRICS
from lib.schema import SOURCE_COLUMNS, check_source_row

REVIEW_COLUMNS = [
    "Godkänn",
    "Mått",
    "År",
    "Tryckt värde",
    "Enhet",
    "Etikett",
    "Rad",
    "Sida",
    "Raden i rapporten",
    "Skäl",
]


def review_table(rows: list[dict[str, str]], lines: list[Line]) -> pl.DataFrame:
    """One row per proposed figure, next to the report line it was read from."""
    text = {ln.no: ln.text.strip() for ln in lines}
    return pl.DataFrame(
        {
            "Godkänn": [True] * len(rows),
            "Mått": [
                f"{METRICS[r['metric']].label} ({r['metric']})" + (f" – {r['kommun']}" if r["kommun"] else "")
                for r in rows
            ],
            "År": [r["year"] for r in rows],
            "Tryckt värde": [r["printed"] for r in rows],
            "Enhet": [r["printed_unit"] for r in rows],
            "Etikett": [r["label"] for r in rows],
            "Rad": [int(r["line"]) for r in rows],
            "Sida": [r["page"] for r in rows],
            "Raden i rapporten": [text.get(int(r["line"]), "") for r in rows],
            "Skäl": [r.get("rule", "") for r in rows],
        },
        schema={
            "Godkänn": pl.Boolean,
            "Mått": pl.String,
            "År": pl.String,
            "Tryckt värde": pl.String,
            "Enhet": pl.String,
            "Etikett": pl.String,
            "Rad": pl.Int64,
            "Sida": pl.String,
            "Raden i rapporten": pl.String,
            "Skäl": pl.String,
        },
    )


def apply_review(
    rows: list[dict[str, str]], decisions: list[dict], reviewer: str, today: str
) -> tuple[list[dict[str, str]], list[str]]:
    """Accepted rows with the editor's corrections, marked reviewed; problems for rows that no longer validate."""
    out, problems = [], []
    for row, decision in zip(rows, decisions, strict=True):
        if not decision.get("Godkänn"):
            continue
        new = {c: row.get(c, "") for c in SOURCE_COLUMNS}
        note = f"granskad av {reviewer} {today}"
        corrected = str(decision.get("Tryckt värde", row["printed"])).strip()
        if corrected != row["printed"]:
            note += f"; rättad vid granskning, förslaget var {row['printed']}"
            new["printed"] = corrected
        new["printed_unit"] = str(decision.get("Enhet", row["printed_unit"])).strip()
        old = row.get("note", "")
        if old.startswith(UNREVIEWED):  # the proposal's rule was shown; keep only what explains the value
            kept = [p for p in old.split("; ")[1:] if p.startswith("talet ")]
            new["note"] = "; ".join([note, *kept])
        else:
            new["note"] = f"{old}; {note}" if old else note
        errors = check_source_row("granskning", int(new["line"]), new, set())
        if errors:
            problems += [f"rad {new['line']} ({new['metric']} {new['year']}): {e.message}" for e in errors]
            continue
        try:
            parse_number(new["printed"])
        except NumberFormatError as exc:
            problems.append(f"rad {new['line']} ({new['metric']} {new['year']}): {exc}")
            continue
        out.append(new)
    return out, problems
