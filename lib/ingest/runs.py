"""Runs of numbers at the end of a line, split into values: "3 760 3 752" → [3760, 3752].

PDF text loses the cell borders, so "169 879 206 659" may be two numbers or several. A run is
split into exactly the number of columns expected; when several splits are possible the caller
may give a constraint (e.g. that six HÅE categories sum to the total) and otherwise the split
with the most even magnitudes wins, as in a table of one kind of amount.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

_NUM_TOKEN = re.compile(r"^[-]?\d+(?:,\d+)?%?$")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


@dataclass(frozen=True)
class Number:
    value: float
    printed: str
    decimals: int


def _tokens(text: str) -> list[str]:
    return text.replace("%", " %").split()


def trailing_run(text: str) -> tuple[str, list[str]]:
    """Split a line into its label and the numeric tokens at its end ("-", "%" included)."""
    toks = _tokens(text)
    i = len(toks)
    while i > 0 and (_NUM_TOKEN.match(toks[i - 1]) or toks[i - 1] in ("-", "%")):
        i -= 1
    # A dash before the first number belongs to it ("- 1 432"); a dash at the start of the label does not.
    label = " ".join(toks[:i]).strip()
    return label, toks[i:]


def _candidates(tokens: list[str]) -> list[list[Number]]:
    """All ways to read the tokens as numbers with space-grouped thousands."""
    toks = [t for t in tokens if t != "%"]
    n = len(toks)
    out: list[list[Number]] = []

    def rec(i: int, acc: list[Number]) -> None:
        if i == n:
            out.append(list(acc))
            return
        sign = ""
        j = i
        if toks[j] == "-":
            sign = "-"
            j += 1
            if j == n:
                return
        first = toks[j]
        if first.startswith("-"):
            sign, first = "-", first[1:]
        if not re.match(r"^\d+(?:,\d+)?$", first):
            return
        # A lone number (any length) …
        parts = [first]
        k = j + 1
        options = [(k, list(parts))]
        # … or space-grouped: 1–3 digits, then groups of exactly three digits (the last may carry decimals).
        if "," not in first and len(first) <= 3:
            while k < n and re.match(r"^\d{3}(?:,\d+)?$", toks[k]):
                parts.append(toks[k])
                k += 1
                options.append((k, list(parts)))
                if "," in toks[k - 1]:
                    break
        for end, ps in options:
            text = " ".join(ps)
            digits = text.replace(" ", "")
            value = float(digits.replace(",", "."))
            dec = len(digits.split(",")[1]) if "," in digits else 0
            acc.append(Number(-value if sign else value, ("-" if sign else "") + text, dec))
            rec(end, acc)
            acc.pop()

    rec(0, [])
    return out


def split_run(tokens: list[str], count: int, check: Callable[[list[float]], bool] | None = None) -> list[Number] | None:
    """Read exactly ``count`` numbers, or None when the run cannot be read so (or only ambiguously)."""
    options = [c for c in _candidates(tokens) if len(c) == count]
    if check is not None:
        options = [c for c in options if check([x.value for x in c])]
    if not options:
        return None
    if len(options) == 1:
        return options[0]

    def spread(c: list[Number]) -> float:
        mags = [math.log10(abs(x.value)) for x in c if x.value]
        return max(mags) - min(mags) if mags else 0.0

    options.sort(key=spread)
    return options[0]


def years_in(text: str) -> list[int]:
    """Column years of a table header: "2023 2022", "2022-12-31 2023-12-31", "221231 211231"."""
    found = [int(y) for y in _YEAR.findall(text)]
    if not found:
        found = [2000 + int(m) for m in re.findall(r"(?<!\d)(\d{2})1231(?!\d)", text)]
    return found
