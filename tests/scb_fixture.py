"""The SCB fixtures (tests/fixtures/scb) loaded into a cache folder, as `python -m lib.scb läs` would."""

from __future__ import annotations

from pathlib import Path

from lib.scb import cache
from lib.scb.hae import read_csv, read_px

FIXTURES = Path(__file__).parent / "fixtures" / "scb"


def load_fixtures(directory: Path) -> cache.ScbData:
    px = read_px(FIXTURES / "hae_20-64.px", retrieved="2024-04-12")
    cache.store(px, directory)
    csv = read_csv(FIXTURES / "hae_20-65.csv", table_id="TAB0000", retrieved="2025-03-01")
    return cache.store(csv, directory)
