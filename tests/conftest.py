"""Shared fixtures: where the seeds are, and the real dataset loaded once per session."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

# The store of published imports: a fresh SQLite file for this test run (inherited by the servers the
# browser tests start), never the developer's data/store/. Tests of the store make their own.
os.environ.setdefault("FINSAM_STORE_FILE", str(Path(tempfile.mkdtemp(prefix="finsam-store-")) / "test.sqlite"))

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
