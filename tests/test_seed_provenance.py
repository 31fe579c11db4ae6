"""Every curated figure's printed value and label really stand on the recorded line of its seed text."""

from __future__ import annotations

import polars as pl
import pytest

from lib.sources import load_sources
from tests.conftest import SEEDS, needs_seeds, squash

LABEL_WINDOW = 4  # PDF extraction splits headings over lines; the label may start a few lines up.

pytestmark = needs_seeds


@pytest.fixture(scope="module")
def seed_lines() -> dict[str, list[str]]:
    docs = load_sources().documents
    return {
        d: (SEEDS / f).read_text(encoding="utf-8").split("\n")
        for d, f in zip(docs["document"], docs["source_file"], strict=False)
    }


def provenance_errors(figures: pl.DataFrame, seed_lines: dict[str, list[str]]) -> list[str]:
    errors = []
    for f in figures.iter_rows(named=True):
        lines = seed_lines[f["document"]]
        n = f["line"]
        if n > len(lines):
            errors.append(f"{f['figure_id']}: rad {n} finns inte")
            continue
        line = squash(lines[n - 1])
        window = squash(" ".join(lines[max(0, n - 1 - LABEL_WINDOW) : n]))
        if squash(f["printed"]) not in line:
            errors.append(f"{f['figure_id']}: '{f['printed']}' står inte på rad {n}: {line!r}")
        if squash(f["label"]) not in window:
            errors.append(f"{f['figure_id']}: etiketten '{f['label']}' står inte vid rad {n}: {window[-160:]!r}")
    return errors


def test_every_label_and_value_is_on_its_line(seed_lines):
    figures = load_sources().figures
    errors = provenance_errors(figures, seed_lines)
    assert errors == [], "\n".join(errors[:40])


def test_the_check_itself_catches_a_wrong_line(seed_lines):
    figures = load_sources().figures.head(20).with_columns(pl.col("line") + 7)
    assert len(provenance_errors(figures, seed_lines)) > 0


def test_registry_lines_exist(seed_lines):
    src = load_sources()
    problems = []
    for r in src.members.iter_rows(named=True):
        text = squash(" ".join(seed_lines[r["document"]][r["line"] - 2 : r["line"]]))
        if squash(r["label"]) not in text:
            problems.append(f"medlem {r['member']}: '{r['label']}' saknas vid rad {r['line']}")
    for r in src.forbund.iter_rows(named=True):
        text = squash(" ".join(seed_lines[r["ceiling_document"]][r["ceiling_line"] - 3 : r["ceiling_line"]]))
        if squash(r["ceiling_label"]) not in text:
            problems.append(f"tak {r['forbund']}: '{r['ceiling_label']}' saknas vid rad {r['ceiling_line']}")
        if r["org_nr"]:
            line = squash(seed_lines[r["org_nr_document"]][r["org_nr_line"] - 1]).replace("–", "-")
            if r["org_nr"] not in line:
                problems.append(f"org.nr {r['forbund']} saknas på rad {r['org_nr_line']}")
    for r in src.documents.iter_rows(named=True):
        if r["adopted"] is not None:
            line = squash(seed_lines[r["document"]][r["adopted_line"] - 1])
            if r["adopted"].isoformat() not in line and r["adopted"].strftime("%Y.%m.%d") not in line:
                problems.append(f"dokument {r['document']}: datumet saknas på rad {r['adopted_line']}")
    assert problems == []
