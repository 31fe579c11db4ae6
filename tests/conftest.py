"""Shared fixtures: where the seeds are, and the real dataset loaded once per session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def seeds_available() -> bool:
    return SEEDS.is_dir() and any(SEEDS.glob("*.txt"))


needs_seeds = pytest.mark.skipif(not seeds_available(), reason="../shared/seeds finns inte på den här maskinen")


def squash(text: str) -> str:
    """Fold the PDF extraction's spacing so that labels can be compared as printed."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def dataset():
    from lib.data import load_dataset

    return load_dataset()
