"""Files people take away: Swedish-Excel CSV, XLSX and PNG of exactly what a chart shows."""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from lib.format import PLAIN_INT_COLUMNS
from lib.pyvalues import map_values

_kaleido_lock = threading.Lock()
_kaleido_started = False


# A cell a spreadsheet would run as a formula: it starts with = + - @, a tab or a carriage return.
_FORMULA_START = r"^[=+\-@\t\r]"
# …unless it is a plain number as printed ("-117 094", "+191", "-4,5 %"): no letters, no operators.
_PLAIN_NUMBER = r"^[+\-]?\s?[\d\s\u00a0,.]+%?$"
# xlsxwriter turns text that looks like a formula, a URL or a number into one unless told not to.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula get a leading ' (the usual convention); numbers stay numbers.

    Text in the data comes from uploaded reports, so ``=HYPERLINK("http://…")`` in a label is reachable."""
    cols = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        [
            pl.when(pl.col(c).str.contains(_FORMULA_START) & ~pl.col(c).str.contains(_PLAIN_NUMBER))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in cols
        ]
    )


def safe_cell(value: object) -> object:
    """One cell for a CSV written row by row (``csv.DictWriter``): the same rule as ``neutralise_formulas``."""
    if isinstance(value, str) and re.match(_FORMULA_START, value) and not re.match(_PLAIN_NUMBER, value):
        return "'" + value
    return value


# In a spreadsheet line numbers and ids are plain numbers too (on screen they are grouped: "rad 1 136").
EXCEL_PLAIN_INT_COLUMNS = PLAIN_INT_COLUMNS | {"line", "Rad", "id"}


def export_frame(df: pl.DataFrame) -> pl.DataFrame:
    """A view table as people take it away: kronor ("(kr)") whole, shares ("(%)") to one decimal, other decimals to
    two, yes/no as ja/nej, lists joined; numbers stay numbers (Excel sums them), an empty cell stays empty."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Boolean:
            out.append(pl.when(col).then(pl.lit("ja")).when(~col).then(pl.lit("nej")).otherwise(None).alias(name))
        elif dtype.is_float() and "(kr)" in name:
            out.append(col.round(0).cast(pl.Int64).alias(name))
        elif dtype.is_float():
            out.append(col.round(1 if "(%)" in name else 2).alias(name))
        elif isinstance(dtype, pl.List):
            out.append(col.cast(pl.List(pl.String)).list.join("; ").alias(name))
        else:
            out.append(col)
    return df.select(out)


def _excel_formats(df: pl.DataFrame) -> dict[str, str]:
    """Years and ids as plain numbers ("2023", not "2 023"), kronor with thousands, shares with one decimal."""
    formats = {}
    for name, dtype in df.schema.items():
        if dtype.is_integer():
            formats[name] = "0" if name in EXCEL_PLAIN_INT_COLUMNS else "#,##0"
        elif dtype.is_float():
            formats[name] = "0.0" if "(%)" in name else "#,##0.00"
    return formats


def write_excel(df: pl.DataFrame, target, worksheet: str, **kwargs) -> None:
    """``DataFrame.write_excel`` with formulas neutralised, text kept as text and Swedish-readable number formats
    (``target``: a path, a buffer or an open ``xlsxwriter.Workbook``)."""
    import xlsxwriter

    df = neutralise_formulas(df)
    kwargs.setdefault("column_formats", _excel_formats(df))
    if isinstance(target, xlsxwriter.Workbook):
        df.write_excel(target, worksheet=worksheet, **kwargs)
        return
    with xlsxwriter.Workbook(target, XLSX_OPTIONS) as wb:
        df.write_excel(wb, worksheet=worksheet, **kwargs)


def swedish_csv(df: pl.DataFrame) -> bytes:
    """CSV as Swedish Excel opens it: ';' between fields, decimal comma, UTF-8 with BOM, formulas neutralised."""
    df = neutralise_formulas(export_frame(df))
    out = df.with_columns([map_values(df[c], _decimal_comma, pl.String) for c, t in df.schema.items() if t.is_float()])
    buf = io.StringIO()
    out.write_csv(buf, separator=";")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _decimal_comma(v: float | None) -> str | None:
    if v is None:
        return None
    text = f"{v:.10f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return text.replace(".", ",")


def xlsx_bytes(df: pl.DataFrame, sheet: str = "Data") -> bytes:
    buf = io.BytesIO()
    write_excel(export_frame(df), buf, sheet[:31], autofit=True, freeze_panes=(1, 0))
    return buf.getvalue()


# Plotly asks for a world base layer even for a map that draws only its own shapes: the empty one in static/.
TOPOJSON_URL = (Path(__file__).resolve().parent.parent / "static").as_uri() + "/"


def png_bytes(fig: go.Figure, width: int = 1100, height: int = 600) -> bytes:
    """Render with kaleido and the system Chromium; the server starts once per process."""
    global _kaleido_started
    import kaleido

    with _kaleido_lock:
        if not _kaleido_started:
            kaleido.start_sync_server(silence_warnings=True)
            _kaleido_started = True
        # Directly, not fig.to_image(): plotly passes options the running server ignores (and warns about).
        return kaleido.calc_fig_sync(
            fig.to_dict(),
            opts={"format": "png", "width": width, "height": height, "scale": 2},
            topojson=TOPOJSON_URL,  # a map's (empty) base layer from static/, not from the CDN
        )


def file_stem(*parts: object) -> str:
    """A meaningful ASCII file name: ("Eget kapital", "Södra Lappland", 2023) → "eget-kapital_sodra-lappland_2023"."""
    words = []
    for p in parts:
        if p is None or p == "":
            continue
        text = unicodedata.normalize("NFKD", str(p)).encode("ascii", "ignore").decode()
        text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
        if text:
            words.append(text)
    return "_".join(words) or "data"
