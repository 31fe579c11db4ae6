"""Files people take away: Swedish-Excel CSV, XLSX and PNG of exactly what a chart shows."""

from __future__ import annotations

import io
import re
import threading
import unicodedata

import plotly.graph_objects as go
import polars as pl

from lib.pyvalues import map_values

_kaleido_lock = threading.Lock()
_kaleido_started = False


def swedish_csv(df: pl.DataFrame) -> bytes:
    """CSV as Swedish Excel opens it: ';' between fields, decimal comma, UTF-8 with BOM."""
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
    df.write_excel(buf, worksheet=sheet[:31], autofit=True, freeze_panes=(1, 0))
    return buf.getvalue()


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
            fig.to_dict(), opts={"format": "png", "width": width, "height": height, "scale": 2}
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
