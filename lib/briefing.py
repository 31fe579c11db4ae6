"""The board briefing: a one-to-two page A4 PDF for one förbund and year, in Swedish, with charts and sources."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import polars as pl
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from lib import charts, views, views_costs, views_participants
from lib.data import Dataset
from lib.downloads import png_bytes
from lib.format import fmt_int, fmt_kr, fmt_pct
from lib.views_profile import findings_table, key_numbers, profile_year

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"), Path("/Library/Fonts")]
_fonts_registered = False


class BriefingError(RuntimeError):
    """The briefing cannot be made on this server (e.g. a font or Chromium is missing)."""


def _register_fonts() -> None:
    """DejaVu Sans: reportlab's built-in fonts cannot show å, ä, ö reliably; Debian's fonts-dejavu-core can."""
    global _fonts_registered
    if _fonts_registered:
        return
    for d in FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            _fonts_registered = True
            return
    raise BriefingError("Typsnittet DejaVu Sans saknas på servern (Debian-paketet fonts-dejavu-core).")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="DejaVuSans", fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=base, fontName="DejaVuSans-Bold", fontSize=16, leading=20),
        "sub": ParagraphStyle("sub", parent=base, textColor=colors.HexColor("#555555")),
        "h2": ParagraphStyle("h2", parent=base, fontName="DejaVuSans-Bold", fontSize=11, leading=14, spaceBefore=6),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")),
    }


def _esc(text: object) -> str:
    """reportlab paragraphs read a little markup: data text must not be taken as such."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return {"kr": fmt_kr, "%": fmt_pct, "personer": fmt_int}.get(unit, fmt_int)(value)


def _chart(fig, width_cm: float, height_px: int) -> Image:
    """A chart as the slide export draws it (margins from its labels, nothing clipped), at the page's width; the
    heading above it in the PDF is its title."""
    width = 1000
    height = round(height_px * width / 760)
    png = png_bytes(charts.export_figure(fig, title=None, width=width, height=height, font_size=16), width, height)
    return Image(io.BytesIO(png), width=width_cm * cm, height=width_cm * height / width * cm)


def average_note(keys) -> str:
    """¹ What the others' average mixes: how many förbund and which years (per measure where they differ)."""
    spans: dict[str, list[str]] = {}
    for measure, span in zip(keys["Mått"], keys["Snittet omfattar"], strict=True):
        if span:
            spans.setdefault(span, []).append(measure)
    if not spans:
        return ""
    if len(spans) == 1:
        return f"¹ Ovägt medelvärde av de övriga förbundens värden ({next(iter(spans))})."
    parts = [f"{', '.join(m.lower() for m in measures)}: {span}" for span, measures in spans.items()]
    return "¹ Ovägt medelvärde av de övriga förbundens värden; " + "; ".join(parts) + "."


def build_briefing(ds: Dataset, slug: str, choice: str = "senaste", today: date | None = None) -> bytes:
    """The PDF as bytes. Raises BriefingError when the server lacks what it needs."""
    _register_fonts()
    today = today or date.today()
    st = _styles()
    name = views.names(ds)[slug]
    full = ds.forbund.filter(pl.col("forbund") == slug)["name"][0]
    year = profile_year(ds, slug, choice)
    ceiling = views.ceilings(ds)[slug]
    story: list = []

    story += [
        Paragraph(f"Styrelseunderlag: {_esc(full)}", st["title"]),
        Paragraph(
            f"Nyckeltal {year} ur förbundets årsredovisning, jämfört med andra samordningsförbund. "
            f"Framtaget {today.isoformat()} ur Finsam-jämförelsen.",
            st["sub"],
        ),
        Spacer(1, 6),
    ]

    keys = key_numbers(ds, slug, choice)
    rows = [["Mått", str(year), str(year - 1), "Placering", "Snitt övriga¹"]]
    for r in keys.iter_rows(named=True):
        rows.append(
            [
                r["Mått"],
                _fmt(r["Värde"], r["Enhet"]),
                _fmt(r["Året före"], r["Enhet"]),
                r["Placering"] or "–",
                _fmt(r["Snitt övriga förbund"], r["Enhet"]),
            ]
        )
    table = Table(rows, colWidths=[6.2 * cm, 3.0 * cm, 3.0 * cm, 3.2 * cm, 2.8 * cm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "DejaVuSans", 8.5),
                ("FONT", (0, 0), (-1, 0), "DejaVuSans-Bold", 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F2F2F2")]),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story += [Paragraph("Nyckeltal", st["h2"]), table, Paragraph(_esc(average_note(keys)), st["small"])]

    share = next((r for r in keys.iter_rows(named=True) if r["metric"] == "eget_kapital_andel"), None)
    trend = views.equity_trend(ds, [slug])
    plan = views.plan_sentence(trend, slug, ceiling)
    text = (
        f"Eget kapital motsvarar {fmt_pct(share['Värde'])} av årets medlemsbidrag; taket är {fmt_pct(ceiling.pct, 0)}."
        if share and share["Värde"] is not None
        else ""
    )
    story += [Paragraph("Eget kapital mot taket", st["h2"]), Paragraph(_esc(f"{text} {plan or ''}"), st["body"])]
    if trend.height:
        story.append(_chart(charts.equity_trend_chart(trend, {slug: ceiling.pct}), 16.5, 300))

    split = views_costs.cost_split(ds, [slug], choice)
    people = views_participants.participants(ds, [slug], choice)
    results = views_participants.outcomes(ds, [slug], choice)
    block = [Paragraph("Kostnader och deltagare", st["h2"])]
    if split.height:
        s = split.row(0, named=True)
        parts = [
            f"{k} {fmt_pct(s[f'{k} (%)'])}"
            for k in views_costs.CATEGORY_LABELS.values()
            if s.get(f"{k} (%)") is not None
        ]
        block.append(
            Paragraph(_esc(f"Kostnadsfördelning {s['År']} ({s['Fördelning']}): " + ", ".join(parts) + "."), st["body"])
        )
        block.append(_chart(charts.cost_split_chart(split), 16.5, 170))
    if people.height:
        p = people.row(0, named=True)
        sex = (
            f", varav {fmt_int(p['Kvinnor'])} kvinnor och {fmt_int(p['Män'])} män"
            if p["Kvinnor"] is not None and p["Män"] is not None
            else ""
        )
        approx = (
            f"{p['Anmärkning'].split(';')[0]}"
            if p["Anmärkning"] and p["Anmärkning"].startswith("ca")
            else fmt_int(p["Deltagare"])
        )
        block.append(Paragraph(_esc(f"Deltagare {p['År']}: {approx}{sex}."), st["body"]))
    for r in results.iter_rows(named=True):
        who = f"{r['Insats']}: " if r["Insats"] else ""
        counts = (
            f" ({fmt_int(r['Till utfallet'])} av {fmt_int(r['Avslutade'])} avslutade)"
            if r["Till utfallet"] is not None and r["Avslutade"] is not None
            else ""
        )
        block.append(
            Paragraph(
                _esc(f"{who}{fmt_pct(r['Andel (%)'])} av de avslutade gick till {r['Definition']}{counts}."), st["body"]
            )
        )
    story.append(KeepTogether(block))

    found = findings_table(ds, [slug]).filter(pl.col("Allvar") == "motsägelse")
    story.append(Paragraph(f"Avvikelser i rapporterna ({found.height})", st["h2"]))
    if found.height == 0:
        story.append(Paragraph("Inga motsägelser hittades i rapporternas siffror.", st["body"]))
    for r in found.head(8).iter_rows(named=True):
        story.append(Paragraph("• " + _esc(r["Beskrivning"]), st["small"]))
    if found.height > 8:
        story.append(Paragraph(f"… och {found.height - 8} till; se sidan Källor och datakvalitet.", st["small"]))

    docs = ds.documents.filter(pl.col("forbund") == slug)
    sources = [Paragraph("Källor", st["h2"])]
    for d in docs.iter_rows(named=True):
        adopted = f", fastställd {d['adopted'].isoformat()}" if d["adopted"] else ""
        origin = f"; {d['provenance']}" if d.get("origin") == "publicerad" else ""
        sources.append(
            Paragraph(
                _esc(f"{d['title']}{adopted} (radnummer avser textversionen {d['source_file']}{origin})."), st["small"]
            )
        )
    sources.append(
        Paragraph(
            _esc(
                f"Eget kapital andel = eget kapital vid årets slut / årets medlemsbidrag; taket "
                f"{ceiling.pct:g} % enligt {ceiling.source(ds)}. Belopp i kronor. Härledda värden "
                "är uträknade ur rapportens egna siffror."
            ),
            st["small"],
        )
    )
    story.append(KeepTogether(sources))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=f"Styrelseunderlag {name} {year}",
        author="Finsam-jämförelsen",
        lang="sv-SE",
    )

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("DejaVuSans", 7.5)
        canvas.drawString(1.8 * cm, 0.9 * cm, f"Styrelseunderlag {name} {year} · {today.isoformat()}")
        canvas.drawRightString(A4[0] - 1.8 * cm, 0.9 * cm, f"Sida {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def briefing_unavailable() -> str | None:
    """Why this server cannot make the PDF, in Swedish, or None when it can."""
    import shutil

    if not any((d / "DejaVuSans.ttf").exists() for d in FONT_DIRS):
        return "Typsnittet DejaVu Sans saknas på servern (Debian-paketet fonts-dejavu-core)."
    if not (shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")):
        return "Chromium saknas på servern, så diagrammen kan inte ritas (Debian-paketet chromium)."
    return None
