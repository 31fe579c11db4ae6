"""Runs of numbers at the end of a table row, split into cells: "3 760 3 752" → [3760, 3752].

PDF text loses the cell borders, so "169 879 206 659" may be two numbers or several. A run is read
into exactly the number of columns its table has; every reading is enumerated (a "-" may be an
empty cell or a minus sign; a small number in front may be a note reference), the caller's
constraints (a deviation column equals the difference of its neighbours, six HÅE categories sum to
the total) remove the impossible ones, and of the rest the reading with the most even magnitudes
wins, as in a row of one kind of amount. When two readings remain that disagree and nothing decides
between them, the row is not read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

_NUM_TOKEN = re.compile(r"^[-(]?\d+(?:[,.]\d+)?\)?%?$")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


@dataclass(frozen=True)
class Number:
    value: float
    printed: str
    decimals: int


NIL = Number(float("nan"), "-", 0)


def is_nil(n: Number | None) -> bool:
    return n is None or math.isnan(n.value)


def _tokens(text: str) -> list[str]:
    return re.sub(r"(?<![\w])–(?=\d)", "-", text.replace("%", " %")).split()  # "–4 249" in a table is a minus


def trailing_run(text: str) -> tuple[str, list[str]]:
    """Split a line into its label and the numeric tokens at its end ("-", "%" included)."""
    toks = _tokens(text)
    i = len(toks)
    while i > 0 and (_NUM_TOKEN.match(toks[i - 1]) or toks[i - 1] in ("-", "%", "–")):
        i -= 1
    label = " ".join(toks[:i]).strip()
    return label, [("-" if t == "–" else t) for t in toks[i:]]


MAX_GROUPS = 4  # digit groups in one number: 999 999 999 999 is beyond any förbund's amounts already
MAX_TOKENS_PER_CELL = MAX_GROUPS + 1  # and a "- " sign before them
MAX_STEPS = 20_000  # a row that can be cut into its columns in more ways than this is not read (never guessed)


class _TooMany(Exception):
    pass


def readings(tokens: list[str], count: int) -> list[list[Number]]:
    """All ways to read the tokens as exactly ``count`` cells (space-grouped thousands, "-" empty or minus).

    Bounded: a cell takes at most MAX_GROUPS digit groups, a branch that can no longer fill exactly
    ``count`` cells is left at once, and after MAX_STEPS steps the row is given up (no readings): a row that
    can be cut so many ways is not one to guess at, and a hostile one costs milliseconds, not minutes."""
    toks = [t for t in tokens if t != "%"]
    n = len(toks)
    out: list[list[Number]] = []
    if n > count * MAX_TOKENS_PER_CELL:
        return out  # more numbers than the columns can hold: not a row of this table
    steps = [0]

    def rec(i: int, acc: list[Number]) -> None:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise _TooMany
        left = count - len(acc)
        if left < 0 or n - i > left * MAX_TOKENS_PER_CELL or (i < n and left == 0):
            return
        if i == n:
            if len(acc) == count:
                out.append(list(acc))
            return
        tok = toks[i]
        if tok == "-":
            acc.append(NIL)  # an empty cell
            rec(i + 1, acc)
            acc.pop()
            if i + 1 < n and toks[i + 1] != "-":
                _numbers(i + 1, "- ", acc)  # "- 1 432": a minus with a space, printed so
            return
        _numbers(i, "", acc)

    def _numbers(j: int, sign: str, acc: list[Number]) -> None:
        first = toks[j]
        paren = first.startswith("(")
        if first.startswith("-"):
            if sign:
                return
            sign, first = "-", first[1:]
        sign = sign or ""
        if paren:
            first = first.strip("()")
        if not re.match(r"^\d+(?:[,.]\d+)?$", first):
            return
        if "." in first and not re.match(r"^\d+\.\d{1,2}$", first):
            return  # "4.150": thousands or decimals, never guess
        closed = toks[j].endswith(")")
        options = [(j + 1, [first])] if not paren or closed else []
        if re.fullmatch(r"[1-9]\d{0,2}", first) and not closed:
            parts = [first]
            k = j + 1
            while k < n and len(parts) < MAX_GROUPS and re.match(r"^\d{3}(?:,\d+)?\)?$", toks[k]):
                parts.append(toks[k].rstrip(")"))
                k += 1
                if not paren or toks[k - 1].endswith(")"):  # "(4 212)": the parenthesis closes the number
                    options.append((k, list(parts)))
                if "," in parts[-1] or toks[k - 1].endswith(")"):
                    break
        elif len(first) > 1 and first.startswith("0") and "," not in first and "." not in first:
            return  # "007": not a number of a report
        for end, ps in options:
            text = " ".join(ps)
            digits = text.replace(" ", "")
            value = float(digits.replace(",", "."))
            dec = len(re.split(r"[,.]", digits)[1]) if re.search(r"[,.]", digits) else 0
            negative = bool(sign) or (paren and toks[end - 1].endswith(")"))
            printed = sign + (f"({text})" if paren else text)
            acc.append(Number(-value if negative else value, printed, dec))
            rec(end, acc)
            acc.pop()

    try:
        rec(0, [])
    except _TooMany:
        return []
    return out


def spread(cells: list[Number]) -> float:
    """How unevenly the magnitudes of a row spread (log10 of max/min over non-zero cells)."""
    mags = [math.log10(abs(x.value)) for x in cells if not is_nil(x) and x.value]
    return max(mags) - min(mags) if mags else 0.0


def split_run(tokens: list[str], count: int, check: Callable[[list[float]], bool] | None = None) -> list[Number] | None:
    """Read exactly ``count`` numbers (no empty cells), or None when the run cannot be read so."""
    options = [c for c in readings(tokens, count) if not any(is_nil(x) for x in c)]
    if check is not None:
        options = [c for c in options if check([x.value for x in c])]
    if not options:
        return None
    options.sort(key=spread)
    return options[0]


def years_in(text: str) -> list[int]:
    """Column years of a table header: "2023 2022", "2022-12-31 2023-12-31", "221231 211231"."""
    found = [int(y) for y in _YEAR.findall(text)]
    if not found:
        found = [2000 + int(m) for m in re.findall(r"(?<!\d)(\d{2})1231(?!\d)", text)]
    return found
