"""The report as text: paragraphs and sentences joined from lines (each character keeps its line), headings, insatser.

PDF text breaks sentences over lines, splits words with a hyphen ("posi-" / "tiv") and mixes table
rows and headings into the prose. Paragraphs here end at blank lines, headings, bullets and table
rows; a word split by a hyphen is joined; every character remembers the report line it stands on,
so a figure read from a sentence keeps its line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from lib.ingest import vocabulary as vocab
from lib.ingest.grammar import _standard
from lib.ingest.reading import Line

_BULLET = re.compile(r"^\s*(?:[•▪●◦‣∙·\uf0b7\uf0a7\uf076]|-\s|–\s|\*\s)")
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}\.(?:\d{1,2}\.?){0,3}|Not\s+\d+\.?)\s+[A-ZÅÄÖ]")
_PAGE = re.compile(r"^\s*(?:Sida|Page|s\.)\s*\d+(?:\s*(?:av|/)\s*\d+)?\s*$|^\s*\d+\s*\|", re.IGNORECASE)
_TRAILING = re.compile(r"(?:(?<=\s)|^)(?:-\s?)?\d[\d,]*(?:\s+(?:-\s?)?\d[\d,]*%?)*\s*%?\s*$")


class _Row:
    """A line ending in a run of numbers that is not one number: a table row, not prose."""

    @staticmethod
    def search(text: str) -> bool:
        m = _TRAILING.search(text.rstrip())
        if not m:
            return False
        tokens = m.group(0).replace("%", " ").split()
        tokens = [t for t in tokens if t != "-"]
        return len(tokens) >= 2 and not _standard(tokens)


_TABLE_ROW = _Row()
_ABBREV = re.compile(
    r"(?:t\.ex|bl\.a|ca|inkl|exkl|resp|nr|s\.k|dvs|d\.v\.s|m\.m|osv|obs|milj|jfr|ang|kl|pga|p\.g\.a|"
    r"f\.d|t\.o\.m|fr\.o\.m|o\.s\.v|m\.fl|bl|s|t|m|e\.d|[A-ZÅÄÖ])",
    re.IGNORECASE,
)
_CONTINUES = re.compile(
    r"(?:\b(?:till|på|med|och|att|av|för|om|i|som|en|ett|de|den|det|var|är|eller)|[,(/-])\s*$", re.I
)


@dataclass
class Text:
    """Running text joined from lines; ``lines[i]`` is the report line of character i."""

    text: str
    line_index: list[int]  # index into the report's lines for each character
    report: list[Line] = field(repr=False)
    heading: str = ""  # the last heading before the paragraph

    def line_at(self, pos: int) -> Line:
        return self.report[self.line_index[min(max(pos, 0), len(self.line_index) - 1)]]

    def same_line(self, start: int, end: int) -> bool:
        return self.line_index[start] == self.line_index[max(start, end - 1)]

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Spans of the sentences (a period after an abbreviation or inside a number does not end one)."""
        spans, start = [], 0
        for m in re.finditer(r"[.!?](?=\s+[A-ZÅÄÖ0-9\"”(•])", self.text):
            before = re.search(r"(\S+)$", self.text[start : m.start()])
            if before and _ABBREV.fullmatch(before.group(1)):
                continue
            spans.append((start, m.end()))
            start = m.end()
            while start < len(self.text) and self.text[start] == " ":
                start += 1
        if start < len(self.text):
            spans.append((start, len(self.text)))
        return spans


def _is_heading(text: str, nxt: str | None) -> bool:
    """A short line without closing punctuation before a line that starts a new sentence."""
    t = text.strip()
    if not t or len(t.split()) > 7 or t[-1] in ".,;:!?" or _CONTINUES.search(t):
        return False
    if vocab.word_regex("kvalificering").search(t.split()[-1]):
        return False  # "… ha ungefär" / "80 deltagare."
    if nxt is None:
        return True
    n = nxt.strip()
    return bool(n) and (n[0].isupper() or bool(_BULLET.match(nxt)))


def paragraphs(lines: list[Line]) -> list[Text]:
    """Paragraphs of running text (table rows, page marks and blank lines separate them)."""
    out: list[Text] = []
    buf: list[str] = []
    idx: list[int] = []
    last_heading = [""]

    def flush(heading: bool = False) -> None:
        if buf:
            text = "".join(buf)
            out.append(Text(text, list(idx), lines, last_heading[0]))
            if heading:
                last_heading[0] = text
        buf.clear()
        idx.clear()

    texts = [ln.text for ln in lines]
    for i, raw in enumerate(texts):
        text = raw.rstrip()
        stripped = text.strip()
        if not stripped or _PAGE.match(stripped):
            flush()
            continue
        nxt = next((t for t in texts[i + 1 : i + 3] if t.strip()), None)
        numbered = bool(_NUMBERED.match(text))
        if _BULLET.match(text) or numbered or _TABLE_ROW.search(text):
            flush()
        if buf:
            prev = buf[-1]
            if re.search(r"[A-Za-zÅÄÖåäö]-$", prev) and stripped[:1].islower():
                buf[-1] = prev[:-1]  # "posi-" + "tiv" → "positiv"
                idx.pop()
            else:
                buf.append(" ")
                idx.append(idx[-1])
        body = _BULLET.sub("", text).strip() if _BULLET.match(text) else stripped  # "- 25 personer": a bullet
        buf.append(body)
        idx.extend([i] * len(body))
        if _is_heading(text, nxt) or _TABLE_ROW.search(text):
            flush(heading=len(idx) == len(body) and not _TABLE_ROW.search(text))
    flush()
    return out


# -- headings and sections ------------------------------------------------------------------------


def headings(lines: list[Line]) -> list[tuple[int, str]]:
    """(line index, heading) for numbered headings and the usual statement and note titles."""
    titles = re.compile(
        r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+)?(?:Not(?:\s+\d+)?\.?\s+)?"
        r"(?:resultaträkning|balansräkning|kassaflödesanalys|driftredovisning|driftsredovisning|noter|budget|"
        r"översikt över verksamhetens utveckling|flerårsöversikt|femårsöversikt|verksamhetens intäkter|"
        r"verksamhetens kostnader|finansiering|ekonomiskt resultat|ekonomisk sammanfattning|kostnadsfördelning)\b",
        re.IGNORECASE,
    )
    out = []
    for i, ln in enumerate(lines):
        t = ln.text.strip()
        if not t or len(t) > 90 or (t.endswith((".", ",")) and not re.match(r"^\d+\.$", t)):
            continue
        if titles.match(t) or (
            _NUMBERED.match(t) and len(t.split()) <= 10 and not _TABLE_ROW.search(t) and not re.search(r"\d{3}", t)
        ):
            out.append((i, re.sub(r"\s+", " ", t)))
    return out


class Sections:
    """The heading a line stands under (for the ``section`` of a proposal)."""

    def __init__(self, lines: list[Line]):
        self._heads = headings(lines)
        self._starts = [i for i, _h in self._heads]

    def at(self, index: int) -> str:
        k = bisect_right(self._starts, index) - 1
        return self._heads[k][1] if k >= 0 else ""


@dataclass(frozen=True)
class Insats:
    name: str
    start: int  # line index of the heading
    end: int  # first line index after the section


def insats_sections(lines: list[Line]) -> list[Insats]:
    """Sections describing one financed insats: a short heading followed by "Projektägare", "Målgrupp", …."""
    marker = vocab.word_regex("insats_markor")
    found: list[tuple[int, str]] = []
    for i, ln in enumerate(lines):
        name = ln.text.strip()
        if not name or len(name.split()) > 6 or name[-1] in ".,;:" or _TABLE_ROW.search(name):
            continue
        if not (name[0].isupper() or name[0].isdigit()) or marker.match(name) or _NUMBERED.match(name):
            continue
        following = [t.text.strip() for t in lines[i + 1 : i + 8] if t.text.strip()][:4]
        if any(marker.match(t) for t in following):
            found.append((i, re.sub(r"\s+", " ", name)))
    out = []
    for k, (i, name) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else len(lines)
        # A numbered heading ends the section too.
        for j in range(i + 1, min(end, i + 200)):
            if _NUMBERED.match(lines[j].text) and not re.match(r"^\s*\d+\s*$", lines[j].text):
                end = j
                break
        out.append(Insats(name, i, min(end, i + 200)))
    return out
