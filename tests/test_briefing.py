"""The board briefing PDF: read back as text, rendered to images, checked as a person would check it."""

from __future__ import annotations

import io
import os
import shutil
from datetime import date

import pdfplumber
import pytest

from lib.briefing import briefing_unavailable, build_briefing
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    briefing_unavailable() is not None and not os.environ.get("CI"), reason="Chromium eller DejaVu Sans saknas"
)
OUT = ROOT / "test-output" / "briefing"
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def pdfs(dataset) -> dict[str, bytes]:
    return {slug: build_briefing(dataset, slug, "senaste", TODAY) for slug in ("sodra-lappland", "solleftea")}


def _text(pdf: bytes) -> tuple[int, str, list]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return (
            len(doc.pages),
            "\n".join(p.extract_text() for p in doc.pages),
            [(p.width, p.height, p.chars, p.images) for p in doc.pages],
        )


def test_one_to_two_a4_pages_in_swedish_with_the_numbers(pdfs):
    pages, text, layout = _text(pdfs["sodra-lappland"])
    assert 1 <= pages <= 2
    assert all(round(w) == 595 and round(h) == 842 for w, h, _c, _i in layout)  # A4 in points
    for expected in (
        "Styrelseunderlag: Samordningsförbundet Södra",
        "Nyckeltal",
        "3 752 000 kr",
        "2 173 000 kr",
        "57,9 %",
        "inte taket 20 % under planperioden 2023–2026",
        "27,4 %",
        "Administration 20,2 %",
        "Deltagare 2023: 18, varav 5 kvinnor och 13 män",
        "Avvikelser i rapporterna (8)",
        "Årsredovisning 2023 Samordningsförbundet Södra Lappland, fastställd 2024-03-21",
        "2026-11-23",
    ):
        assert expected in text.replace("\u00a0", " ").replace("\u2212", "-"), expected


def test_charts_are_images_and_nothing_is_cut_off(pdfs):
    _pages, _, layout = _text(pdfs["sodra-lappland"])
    images = [img for _w, _h, _c, imgs in layout for img in imgs]
    assert len(images) == 2  # eget kapital trend and cost split
    for w, h, chars, imgs in layout:
        for c in chars:
            assert c["x0"] >= 0 and c["x1"] <= w and c["top"] >= 0 and c["bottom"] <= h
        for img in imgs:
            assert img["x0"] >= 0 and img["x1"] <= w and img["top"] >= 0 and img["bottom"] <= h


def test_a_forbund_with_findings_lists_them(pdfs):
    _pages, text, _layout = _text(pdfs["solleftea"])
    flat = text.replace("\u00a0", " ")
    assert "Avvikelser i rapporterna (8)" in flat
    assert "88 126" in flat and "88 326" in flat


def test_rendered_pages_are_readable_images(pdfs):
    import pypdfium2 as pdfium

    OUT.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdfs["sodra-lappland"])
    for i in range(len(doc)):
        image = doc[i].render(scale=1.5).to_pil()
        image.save(OUT / f"styrelseunderlag_sodra-lappland_sida{i + 1}.png")
        gray = image.convert("L")
        histogram = gray.histogram()
        dark = sum(histogram[:128]) / (gray.width * gray.height)
        assert dark > 0.005, "page looks empty"
        # The page has margins: nothing is drawn in the outermost strip on any side (cut-off content would be).
        border = 20
        strips = [
            gray.crop((0, 0, gray.width, border)),
            gray.crop((0, gray.height - border, gray.width, gray.height)),
            gray.crop((0, 0, border, gray.height)),
            gray.crop((gray.width - border, 0, gray.width, gray.height)),
        ]
        assert all(strip.getextrema()[0] > 200 for strip in strips)


def test_missing_chromium_is_reported_in_swedish(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert (
        briefing_unavailable() == "Chromium saknas på servern, så diagrammen kan inte ritas (Debian-paketet chromium)."
    )
