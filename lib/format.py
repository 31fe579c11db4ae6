"""Swedish number formatting and the colour palette: the one place that owns both."""

from __future__ import annotations

import math
import re
import zlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NBSP = "\u00a0"  # keeps "2 173 000 kr" on one line
MINUS = "\u2212"

# Okabe–Ito: distinguishable with the common colour-vision deficiencies, in light and dark themes.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#999999",
}
CATEGORICAL = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow", "grey")]
# Över/under taket: a pair no förbund gets, so orange never means both "Sydnärke" and "över taket".
OVER_CEILING = PALETTE["vermillion"]
UNDER_CEILING = PALETTE["blue"]
# A förbund's own colour (lines of the trend): the Okabe–Ito colours left when the pair above is taken, and a
# brown; chosen from the slug, so a förbund has the same colour in every view, selection and session.
FORBUND_PALETTE = (PALETTE["orange"], PALETTE["sky"], PALETTE["green"], PALETTE["purple"], "#8C6D31", PALETTE["yellow"])
CEILING_LINE = PALETTE["grey"]
# The map's classes (ColorBrewer, both safe with the common colour-vision deficiencies): a diverging purple–orange
# for measures with a ceiling (purple under, orange over) and a yellow–green–blue sequence for the others;
# "ingen uppgift" is a pale grey no class comes near, drawn with a darker border.
MAP_DIVERGING = ("#542788", "#8073AC", "#FDB863", "#E66101")
MAP_SEQUENTIAL = ("#C7E9B4", "#7FCDBB", "#2C7FB8", "#253494")
MAP_NO_DATA = "#F0F0F0"
# A förbund measure's three kinds of missing: lighter is further from having a value.
MAP_NO_MEASURE = "#9A9A9A"  # the report is in, without this measure
MAP_NO_REPORT = "#D0D0D0"  # the förbund is known, its årsredovisning is not in
MAP_NO_FORBUND = "#FAFAFA"  # no förbund in the register for this kommun
MAP_BORDER = "#8C8C8C"
PLOTLY_SEPARATORS = ", "  # decimal comma, space as thousands separator


def forbund_colour(slug: str) -> str:
    """The förbund's colour, the same everywhere (with more than six förbund in a chart colours repeat; the
    legend and the hover name every line)."""
    return FORBUND_PALETTE[zlib.crc32(slug.encode()) % len(FORBUND_PALETTE)]


def _group(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def _signed(text: str, negative: bool) -> str:
    return f"{MINUS}{text}" if negative else text


def fmt_int(value: float | None) -> str:
    """12 345 → "12 345"; None → "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    n = round(value)
    return _signed(_group(abs(n)), n < 0)


def fmt_kr(value: float | None) -> str:
    """2173000 → "2 173 000 kr" (whole kronor)."""
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{fmt_int(value)}{NBSP}kr"


def fmt_mkr(value: float | None, decimals: int = 1) -> str:
    """2173000 → "2,2 mkr" — for tight spaces; the exact amount is always available next to it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{fmt_decimal(value / 1_000_000, decimals)}{NBSP}mkr"


def fmt_kr_short(value: float | None) -> str:
    """For a phone's tight space: 1 422 600 → "1,4 mkr", 17 626 → "18 tkr", 640 → "640 kr"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 1_000_000:
        return fmt_mkr(value)
    if abs(value) >= 1_000:
        return f"{fmt_int(value / 1000)}{NBSP}tkr"
    return fmt_kr(value)


def fmt_decimal(value: float | None, decimals: int = 1) -> str:
    """57.9158 → "57,9"; uses a real minus sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round(abs(value), decimals)
    whole, _, frac = f"{rounded:.{decimals}f}".partition(".")
    text = _group(int(whole)) + ("," + frac if decimals > 0 else "")
    return _signed(text, value < 0 and rounded != 0)


def fmt_pct(value: float | None, decimals: int = 1) -> str:
    """57.9158 → "57,9 %"."""
    return (
        "–"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{fmt_decimal(value, decimals)}{NBSP}%"
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# Markdown turns bare addresses into links ("autolink literals"); a zero-width space after the scheme,
# "www" and before "@" leaves the text as it reads and makes it no link.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto)(?=:)|(www)(?=\.)|(?<=\w)(@)(?=\w)")


def escape_markdown(text: str, limit: int = 80) -> str:
    """Make untrusted text (a URL value, a label from the data) inert wherever Streamlit renders Markdown:
    no links (bare addresses included), no HTML, no emphasis, no icons, no LaTeX."""
    text = str(text).replace("\n", " ").replace("\r", " ")
    if len(text) > limit:
        text = text[:limit] + "…"
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2) or "") + "\u200b" + (m.group(3) or ""), text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_label(text: str) -> str:
    """A label from the data for a widget, expander, tab, title or page link (all render Markdown)."""
    return escape_markdown(text, 120)


def format_frame(df, kinds: dict[str, str]):
    """Swedish display strings, columns in the order of ``kinds`` (kr, mkr, pct, pct0, int, num, bool, text)."""
    import polars as pl

    fns = {
        "kr": fmt_kr,
        "mkr": fmt_mkr,
        "pct": fmt_pct,
        "pct0": lambda v: fmt_pct(v, 0),
        "pp": lambda v: "–" if v is None else f"{fmt_decimal(v, 1)}{NBSP}p.e.",
        "int": fmt_int,
        "num": lambda v: fmt_int(v) if v is None or float(v).is_integer() else fmt_decimal(v, 1),  # counts or shares
        "bool": format_value_bool,
        "text": lambda v: "–" if v in (None, "") else str(v),
    }
    cols = []
    for name, kind in kinds.items():
        if name not in df.columns:
            continue
        fn = fns[kind]
        cols.append(pl.Series(name, [fn(v) for v in df[name].to_list()], dtype=pl.String))
    return pl.DataFrame(cols)


# Whole-number columns that are identifiers, not quantities: written without a thousands space ("2023", not "2 023").
PLAIN_INT_COLUMNS = frozenset({"År", "Version", "year", "version", "Sida", "page"})


def present(df):
    """Any table as people read it: every cell a Swedish string, never None, NaN, true/false or a list.

    Amounts in kronor ("(kr)" in the column name) in whole kronor, shares ("(%)") with one decimal, years as
    years, yes/no as Ja/Nej, lists joined, an empty cell as "–". Columns already text keep their text."""
    import polars as pl

    cols = []
    for name, dtype in df.schema.items():
        values = df[name].to_list()
        if dtype == pl.Boolean:
            fn = format_value_bool
        elif dtype.is_integer():
            fn = (lambda v: "–" if v is None else str(v)) if name in PLAIN_INT_COLUMNS else fmt_int
        elif dtype.is_float():
            fn = fmt_kr if "(kr)" in name else fmt_pct if "(%)" in name else (lambda v: fmt_decimal(v, 1))
        elif isinstance(dtype, pl.List):
            fn = lambda v: "–" if not v else ", ".join(str(x) for x in v)
        else:
            fn = lambda v: "–" if v in (None, "") else str(v)
        cols.append(pl.Series(name, [fn(v) for v in values], dtype=pl.String))
    return pl.DataFrame(cols) if cols else df


def format_value_bool(v) -> str:
    return "–" if v is None else ("Ja" if v else "Nej")


def fmt_time(stamp: str | None) -> str:
    """A stored UTC time stamp ("2026-12-07T21:44:05Z") as Swedish local time, "2026-12-07 22:44"."""
    if not stamp:
        return ""
    try:
        at = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)[:16].replace("T", " ")
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M")


_SV_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def sv_key(text: str | None) -> str:
    """A sort key in Swedish alphabetical order (å, ä, ö after z; case does not matter)."""
    return (text or "").lower().translate(_SV_ORDER)
