"""Extraction time per PDF page, as a ratio to pdfplumber's bare text extraction of the same PDF; and what
reading the PDF in a child process under limits (lib.ingest.worker) costs against reading it in this one.

    python scripts/benchmark_ingest.py [--runs N]

The PDF is made at run time (reportlab, DejaVu Sans, 50 lines a page) from a seed report's text when
../shared/seeds is present, otherwise from a synthetic report; it is never written into the project.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from lib.briefing import FONT_DIRS  # noqa: E402
from lib.ingest.propose import clear_caches, propose  # noqa: E402
from lib.ingest.reading import lines_from_pdf, lines_from_pdf_isolated, read_report  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "004_676d460a7b20bd12.txt"


def make_pdf(lines: list[str]) -> bytes:
    font = next(d / "DejaVuSans.ttf" for d in FONT_DIRS if (d / "DejaVuSans.ttf").exists())
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(font)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for start in range(0, len(lines), 50):
        c.setFont("DejaVuSans", 8)
        for k, line in enumerate(lines[start : start + 50]):
            c.drawString(40, 800 - 15 * k, line[:120])
        c.showPage()
    c.save()
    return buf.getvalue()


def median(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if SEED.exists():
        lines, source = SEED.read_text(encoding="utf-8").split("\n"), "Sydnärkes årsredovisning (seed 004)"
    else:
        lines = [
            "Årsredovisning 2023",
            " 2. Resultaträkning",
            "Belopp i kr. Not 2023 2022",
            "Verksamhetens intäkter 1 2 832 000 2 838 000",
        ] * 300
        source = "en syntetisk rapport"
    pdf = make_pdf(lines)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = len(doc.pages)

    def bare() -> None:
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            for page in doc.pages:
                page.extract_text()

    base = median(bare, args.runs)

    def cold() -> None:  # every run reads the report as if for the first time
        clear_caches()
        propose(read_report(data=pdf, name="r.pdf"), "sydnarke", 2023)

    full = median(cold, args.runs)
    inside = median(lambda: lines_from_pdf(pdf), args.runs)
    child = median(lambda: lines_from_pdf_isolated(pdf), args.runs)
    print(f"PDF av {source}: {pages} sidor")
    print(f"pdfplumber, bara text: {base / pages * 1000:.1f} ms per sida")
    print(
        f"lib.ingest (läsning, förslag, kontroller): {full / pages * 1000:.1f} ms per sida "
        f"= {full / base:.2f} gånger bar textutvinning"
    )
    print(
        f"läsning i en egen process med gränser: {child * 1000:.0f} ms mot {inside * 1000:.0f} ms i samma process "
        f"= {child / inside:.2f} gånger ({(child - inside) * 1000:.0f} ms för processen)"
    )


if __name__ == "__main__":
    main()
