"""Parsing numbers as printed in Swedish reports (spaces, decimal comma, minus variants, tkr)."""

from __future__ import annotations

import re

# Characters that PDF extraction leaves where a plain space or hyphen-minus is meant.
_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "}
_MINUSES = {"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"}

# Multipliers from a printed unit to the stored unit.
UNIT_SCALE: dict[str, int] = {"kr": 1, "tkr": 1_000, "mkr": 1_000_000}

_NUMBER_RE = re.compile(r"^[+-]?\d+(?:,\d+)?$")
_POINT_RE = re.compile(r"^[+-]?\d+\.\d{1,2}$")


class NumberFormatError(ValueError):
    """A printed number could not be read."""


def normalise(text: str, keep_dashes: bool = False) -> str:
    """Replace non-breaking/narrow spaces and typographic minus signs by ASCII.

    ``keep_dashes`` leaves the en dash (U+2013) as it is: in running text " – " is punctuation, not a
    minus (a report's text is read so; the number readers decide where an en dash is a minus)."""
    for src, dst in {**_SPACES, **_MINUSES}.items():
        if keep_dashes and src == "\u2013":
            continue
        text = text.replace(src, dst)
    return text


def parse_number(printed: str) -> float:
    """Read a number as printed: "2 173", "-4 249", "− 4 920 564", "(4 212)", "20,5 %", "1 305 500,00", "3.4".

    Thousands separators are spaces; the decimal mark is a comma, or a point before one or two
    digits ("3.4"; "4.150" could be thousands and is refused); a minus may be followed by a space
    ("- 497"). A trailing "%" or "kr" is ignored.
    """
    text = normalise(printed).strip()
    text = re.sub(r"\s*(%|kr|tkr|mkr)\.?$", "", text).strip()
    if re.fullmatch(r"\(\s*[^()-]+\s*\)", text):  # "(4 212)": a negative amount in a table
        text = "-" + text.strip("() ")
    text = re.sub(r"^([+-])\s+", r"\1", text)
    compact = text.replace(" ", "")
    if _POINT_RE.match(compact):  # "3.4 mkr": a decimal point before one or two digits is unambiguous
        return float(compact)
    if re.fullmatch(r"[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}", compact):  # "4.012.500": points as thousands
        return float(compact.replace(".", ""))
    if not _NUMBER_RE.match(compact):
        raise NumberFormatError(f"inte ett tal: {printed!r}")
    # A space group must have exactly three digits, else "497 0000" style typos
    # would silently read as a different number than the one printed.
    groups = text.lstrip("+-").split(",")[0].split(" ")
    if len(groups) > 1 and (any(len(g) != 3 for g in groups[1:]) or not 1 <= len(groups[0]) <= 3):
        raise NumberFormatError(f"oväntad siffergruppering: {printed!r}")
    return float(compact.replace(",", "."))


def parse_amount(printed: str, unit: str) -> float:
    """Parse a printed amount and convert it to kronor (tkr × 1 000)."""
    if unit not in UNIT_SCALE:
        raise NumberFormatError(f"okänd enhet {unit!r}")
    return parse_number(printed) * UNIT_SCALE[unit]


def decimals_of(printed: str) -> int:
    """Number of decimals printed ("20,16 %" → 2, "2 173" → 0)."""
    text = normalise(printed).strip().rstrip("%").strip()
    if _POINT_RE.match(text.replace(" ", "")):
        return len(text.split(".")[1])
    return len(text.split(",")[1]) if "," in text else 0
