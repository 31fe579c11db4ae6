"""The scripted careful editor of issue 21 (scripts/editor_run.py) publishes the two whole reports in Chromium:
no wrong proposal pre-ticked, every key figure entered, the actions as the README states them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.localserver import CHROMIUM
from tests.test_browser import SHOTS

pytestmark = pytest.mark.browser


def test_a_careful_editor_publishes_both_whole_reports():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium finns inte på den här maskinen")
    spec = importlib.util.spec_from_file_location("editor_run", ROOT / "scripts" / "editor_run.py")
    editor_run = importlib.util.module_from_spec(spec)
    sys.modules["editor_run"] = editor_run  # its dataclasses look their module up
    spec.loader.exec_module(editor_run)
    reports = sorted((ROOT / "tests" / "ingest_corpus").glob("helrapport_*.txt"))
    tallies = {t.report: t for t in editor_run.run(reports, SHOTS)}
    got = {
        name: (t.proposals, t.wrong_preticked, t.entered, t.key, t.not_entered, sum(t.actions.values()))
        for name, t in tallies.items()
    }
    assert got == {
        "helrapport_kustlandet": (100, 0, 77, 77, [], 11),
        "helrapport_ovre_dalarna": (151, 0, 125, 125, [], 17),
    }
