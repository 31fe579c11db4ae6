"""The extractor's knowledge as data: label variants per metric, units and grammar words, read from vocabulary/.

The CSV files beside this module are the vocabulary a person extends when a report words a figure
in a way the extractor does not know yet; the code only compiles them:

- ``labels.csv``: per metric, the labels of a table row (``rad``), of a participant table row
  (``deltagarrad``), of a note heading (``not``) and the terms of running text (``mening``), as
  regular expressions, with flags (``total``: only as the subject of a clause; ``kostnad``: only
  where the sentence is about costs; ``resultat pos/neg``: the word carries the sign; ``kategori``:
  only in a table naming two of the three cost categories; ``verb``: a verb form, no subject needed).
- ``units.csv``: how amounts and shares are printed (kr, tkr, t.kr, mkr, "miljoner kronor", %, …).
- ``words.csv``: grammar words by kind (qualifiers, number words, budget and planning words,
  opening and closing balances, comparisons, changes, the words allowed between a term and its
  number, participant words).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent / "vocabulary"


@dataclass(frozen=True)
class Label:
    metric: str
    context: str
    pattern: str
    flags: frozenset[str]
    regex: re.Pattern


@dataclass(frozen=True)
class Unit:
    pattern: str
    unit: str
    scale: int


def _rows(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        out = []
        for r in reader:
            if None in r:  # more cells than the header: a comma in a pattern that is not quoted
                raise ValueError(f"{name} rad {reader.line_num}: fler fält än rubriken (citattecken saknas?)")
            out.append({k: (v or "").strip() for k, v in r.items()})
        return out


@cache
def labels(context: str) -> tuple[Label, ...]:
    """Labels of one context, in file order (the first match wins where several could)."""
    out = []
    for r in _rows("labels.csv"):
        if r["context"] != context:
            continue
        if context == "mening":
            rx = re.compile(rf"(?<![\wåäöÅÄÖ-])(?:{r['pattern']})(?![\wåäöÅÄÖ])", re.IGNORECASE)
        else:  # a table row label or heading: the whole label
            rx = re.compile(rf"^(?:{r['pattern']})$", re.IGNORECASE)
        out.append(Label(r["metric"], context, r["pattern"], frozenset(r["flags"].split()), rx))
    return tuple(out)


def row_metric(label: str, context: str = "rad") -> Label | None:
    """The vocabulary entry a normalised table label is, or None."""
    for lab in labels(context):
        if lab.regex.match(label):
            return lab
    return None


@cache
def units() -> tuple[Unit, ...]:
    return tuple(Unit(r["pattern"], r["unit"], int(r["scale"])) for r in _rows("units.csv"))


@cache
def unit_regex() -> re.Pattern:
    """A unit right after a number: the longest spelling first, never the start of a longer word."""
    alts = sorted((u.pattern for u in units()), key=len, reverse=True)
    return re.compile(rf"\s?(?P<unit>{'|'.join(alts)})(?![\wåäöÅÄÖ])", re.IGNORECASE)


def unit_of(text: str) -> Unit | None:
    for u in sorted(units(), key=lambda u: len(u.pattern), reverse=True):
        if re.fullmatch(u.pattern, text.strip(), re.IGNORECASE):
            return u
    return None


@cache
def words(kind: str) -> tuple[tuple[str, str], ...]:
    """(phrase pattern, value) of one kind of grammar word, longest phrase first."""
    found = [(r["phrase"], r["value"]) for r in _rows("words.csv") if r["kind"] == kind]
    return tuple(sorted(found, key=lambda pv: len(pv[0]), reverse=True))


@cache
def word_regex(kind: str) -> re.Pattern:
    """Any phrase of one kind, as whole words."""
    alts = "|".join(p for p, _v in words(kind))
    return re.compile(rf"(?<![\wåäöÅÄÖ])(?:{alts})(?![\wåäöÅÄÖ])", re.IGNORECASE)


@cache
def _compiled(kind: str) -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(p, re.IGNORECASE), v) for p, v in words(kind))


@cache
def word_value(kind: str, text: str) -> str | None:
    """The value of the phrase ``text`` of a kind ("cirka" → "ca"), or None."""
    for rx, value in _compiled(kind):
        if rx.fullmatch(text):
            return value or text.lower()
    return None


@cache
def ending_regex(kind: str) -> re.Pattern:
    """A phrase of one kind right at the end of a text (the word before a number)."""
    alts = "|".join(f"(?:{p})" for p, _v in words(kind))
    return re.compile(rf"(?<![\wåäöÅÄÖ])(?P<w>{alts})\s+$", re.IGNORECASE)


@cache
def word_set(kind: str) -> frozenset[str]:
    """Plain single words of a kind (for the bridge and left-context checks)."""
    return frozenset(p.lower() for p, _v in words(kind))
