"""The number grammar of Swedish reports: amounts, shares and counts in running text, with unit, sign and qualifier.

A number is read as printed: thousands separated by a space (or none: "4150 t.kr"), a decimal comma
or, where unambiguous, a decimal point ("3.4 mkr"); a minus as "-" or "- " (U+2212 is normalised
when the report is read). The unit after it gives the scale (kr, tkr, t.kr, mkr, "miljoner kronor",
…; see vocabulary/units.csv), a word before it the qualifier ("ca", "drygt", "knappt", …), and small
counts may be words ("åtta deltagare", "ett tjugotal"). Dates, year ranges, ages and law references
are never numbers. Digits that cannot be read one way only ("497 0000 kr", two numbers run
together) are kept as an ambiguous mention without a value: a reader never proposes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.ingest import vocabulary as vocab

MONTHS = (
    "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
# Spans that hold digits but no quantity: dates, ranges of years or ages, law numbers, clock times, ids.
_NOT_NUMBERS = re.compile(
    r"(?<!\d)(?:"
    rf"\d{{1,2}}\s(?:{MONTHS})\.?(?:\s(?:19|20)\d{{2}})?(?![\wåäö])"  # 31 december 2023, 31 dec
    r"|\d{1,2}/\d{1,2}(?:\s?[-–/]\s?(?:19|20)?\d{2})?(?!\d)"  # 31/12, 31/12 2023
    r"|\d{1,2}\.\d{1,2}\.(?:19|20)?\d{2}(?!\d)"  # 31.12.2023
    r"|(?:19|20)\d{2}-\d{2}-\d{2}(?:\s?[-–]\s?(?:19|20)\d{2}-\d{2}-\d{2})?"  # 2023-12-31
    r"|(?:19|20)\d{2}\.(?:0[1-9]|1[0-2])(?:\.\d{2})?(?!\d)(?!\s?(?:mkr|tkr|kr|%|procent|milj))"  # 2023.01
    r"|\d{2}\.\d{2}\.\d{2}(?!\d)"  # 24.03.21
    r"|(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2})(?!\d)"  # 2019–2023, 2022/23
    r"|\d{1,3}\s?[-–]\s?\d{1,3}\s?år"  # 16–64 år
    r"|\d{1,2}\s?[-–]\s?\d{1,2}(?=\s(?:år|åring))"
    r"|\d{4}:\d+"  # (2003:1210)
    r"|\d{3}\s?\d{3}-\d{4}"  # org.nr 222000-1784
    r"|(?:kl\.?|klockan)\s?\d{1,2}[:.]\d{2}"  # kl. 13.00
    r"|\d{1,2}[:.]\d{2}\s?[-–]\s?\d{1,2}[:.]\d{2}"  # 13.00–15.00
    r"|\d+\s?§"
    r"|§\s?\d+"
    r"|[A-ZÅÄÖa-zåäö]+\d+[\wåäö]*"  # SIKT2.0, Y-län codes, words with digits
    r"|\d{1,2}\.\d{1,2}\.\d{1,2}(?:\.\d{1,2})*(?!\d)"  # 1.3.1 section numbers
    r"|(?-i:^\s*\d+\.\d+\.?(?=\s+[A-ZÅÄÖ]))"  # 1.1 Sammanfattning (a heading)
    r")(?!\d)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_TOKEN = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_GAP = re.compile(r"^ {1,2}$")


@dataclass(frozen=True)
class Mention:
    """One number in running text. ``value`` is None when the digits cannot be read one way only."""

    start: int  # first character of the printed number (the sign included)
    end: int  # end of the printed number
    printed: str
    value: float | None
    decimals: int
    unit: str | None  # kr, tkr, mkr, %, pe (procentenheter) or None
    scale: int
    unit_text: str
    span_end: int  # end of the unit, or of the number
    negative: bool
    qualifier: str | None
    word: bool  # spelled as a word ("åtta", "ett tjugotal")
    joined: bool  # irregular spaces inside the number were read through
    year: bool  # a bare year (1990–2099) without a unit
    note: str = ""

    @property
    def is_amount(self) -> bool:
        return self.value is not None and self.unit in ("kr", "tkr", "mkr")

    @property
    def is_share(self) -> bool:
        return self.value is not None and self.unit == "%"


def blanked(text: str) -> str:
    """The text with dates, ranges, ages and law numbers overwritten (same length), so digits there are not numbers."""
    return _NOT_NUMBERS.sub(lambda m: "#" * len(m.group(0)), text)


def _standard(tokens: list[str]) -> bool:
    """Space-grouped thousands: 1–3 digits, then groups of exactly three (the last may carry decimals)."""
    if len(tokens) == 1:
        return True
    first, *rest = tokens
    if not re.fullmatch(r"[1-9]\d{0,2}", first):
        return False
    for i, t in enumerate(rest):
        last = i == len(rest) - 1
        if not re.fullmatch(r"\d{3}(?:,\d+)?" if last else r"\d{3}", t):
            return False
    return True


def _single(token: str) -> tuple[float, int, str] | None:
    """One token: "2832000", "20,5", "3.4" (a decimal point before one or two digits), else None."""
    if re.fullmatch(r"\d+", token):
        return float(token), 0, ""
    if re.fullmatch(r"\d+,\d+", token):
        return float(token.replace(",", ".")), len(token.split(",")[1]), ""
    if re.fullmatch(r"\d+\.\d{1,2}", token):
        return float(token), len(token.split(".")[1]), "decimalpunkt"
    if re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3}){2,}", token):  # "4.012.500": two points can only be thousands
        return float(token.replace(".", "")), 0, "punkt som tusentalsavgränsare"
    return None  # "4.150": thousands or decimals? never guess


def _unit_after(text: str, pos: int) -> tuple[str | None, int, str, int]:
    """(unit, scale, unit text, end) of a unit right after position pos ("kr", "tkr", "(tkr)")."""
    paren = re.match(r"\s?\((t?kr|mkr|tusental kronor|tusen kronor)\)", text[pos:], re.IGNORECASE)
    if paren:
        u = vocab.unit_of(paren.group(1))
        if u:
            return u.unit, u.scale, paren.group(0).strip(), pos + paren.end()
    m = vocab.unit_regex().match(text, pos)
    if not m:
        return None, 1, "", pos
    u = vocab.unit_of(m.group("unit"))
    if u is None:
        return None, 1, "", pos
    after = text[m.end() : m.end() + 20].lower()
    if re.match(
        r"\s*(?:/\s*[a-zåäö]|per\s+(?:deltagare|person|individ|invånare|timme|dag|månad|år\b|st\b))", after
    ):  # "15 090 kr/deltagare": a cost per person, not an amount
        return None, 1, "", pos
    if u.pattern == "miljoner" and not re.search(r"kr|kronor|sek|resultat|underskott|överskott", text, re.I):
        return None, 1, "", pos
    return u.unit, u.scale, m.group("unit"), m.end()


def _qualifier_before(text: str, pos: int) -> str | None:
    m = vocab.ending_regex("kvalificering").search(text[max(0, pos - 24) : pos])
    return vocab.word_value("kvalificering", m.group("w").strip()) if m else None


def _sign_before(text: str, pos: int) -> int | None:
    """Start of a minus sign belonging to the number at pos ("-1 432", "- 1 432", "knappt − 4 920 564")."""
    m = re.search(r"(?:^|(?<=[\s(:;]))(?:-\s?|–)$", text[max(0, pos - 3) : pos])
    if not m:
        return None
    return max(0, pos - 3) + m.start()


def scan(text: str) -> list[Mention]:
    """Every number in a piece of running text, in order."""
    masked = blanked(text)
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(masked)]
    runs: list[list[tuple[int, int, str]]] = []
    for tok in tokens:
        if runs and _GAP.match(masked[runs[-1][-1][1] : tok[0]]):
            runs[-1].append(tok)
        else:
            runs.append([tok])
    out: list[Mention] = []
    for run in runs:
        out.extend(_read_run(text, run))
    if vocab.word_regex("person").search(text):  # counts spelled as words stand before a person noun
        out.extend(_number_words(text, masked))
    return sorted(out, key=lambda m: m.start)


def _make(text: str, start: int, end: int, value: float | None, decimals: int, joined=False, note="") -> Mention:
    unit, scale, unit_text, unit_end = _unit_after(text, end)
    sign = _sign_before(text, start)
    negative = sign is not None
    s = sign if sign is not None else start
    printed = re.sub(r"\s+", " ", text[s:end]).strip()
    digits = text[start:end]
    year = unit is None and bool(_YEAR.match(digits)) and not negative
    if value is not None and negative:
        value = -value
    return Mention(
        start=s,
        end=end,
        printed=printed,
        value=value,
        decimals=decimals,
        unit=unit,
        scale=scale,
        unit_text=unit_text,
        span_end=unit_end if unit else end,
        negative=negative,
        qualifier=_qualifier_before(text, s) or _qualifier_before(text, start),
        word=False,
        joined=joined,
        year=year,
        note=note,
    )


_ODD = "½¼¾⅓⅔⅛⅜⅝⅞¹²³⁴⁵⁶⁷⁸⁹⁰"


def _read_run(text: str, run: list[tuple[int, int, str]]) -> list[Mention]:
    toks = [t for _s, _e, t in run]
    start, end = run[0][0], run[-1][1]
    # "1 ½ 2 832 000": digits next to fractions or superscripts are no number of a report
    near = text[max(0, start - 3) : start] + text[end : end + 3]
    if any(ch in _ODD for ch in near):
        return [_make(text, start, end, None, 0, note="talet står bland andra tecken")]
    if any(len(re.split(r"[,.]", t)[1]) > 4 for t in toks if re.search(r"\d[,.]\d", t) and t.count(".") <= 1):
        return [_make(text, start, end, None, 0, note="fler decimaler än ett tal i en rapport har")]
    if len(toks) == 1:
        got = _single(toks[0])
        if got is None:
            return [_make(text, start, end, None, 0, note="tvetydig punkt i talet")]
        return [_make(text, start, end, got[0], got[1], note=got[2])]
    if _standard(toks):
        digits = "".join(toks)
        return [_make(text, start, end, float(digits.replace(",", ".")), _decimals(digits))]
    # A year before an amount ("under 2023 2 832 000 kr") or a count ("2023 15 procent").
    for k in range(1, len(toks)):
        head, tail = toks[:k], toks[k:]
        if len(head) == 1 and _YEAR.match(head[0]) and _standard(tail) and _single(tail[0]) is not None:
            year = _make(text, run[0][0], run[0][1], float(head[0]), 0)
            digits = "".join(tail)
            rest = _make(text, run[k][0], end, float(digits.replace(",", ".")), _decimals(digits))
            return [year, rest]
    # Irregular spaces inside one amount ("2 83 2 000 kr", OCR): read through only when a currency unit
    # follows, every group is short and the last is a full group of three; never "497 0000 kr".
    unit, *_ = _unit_after(text, end)
    digits = "".join(toks)
    if (
        unit in ("kr", "tkr", "mkr")
        and all(re.fullmatch(r"\d{1,3}", t) for t in toks[:-1])
        and re.fullmatch(r"\d{3}(?:,\d+)?", toks[-1])
        and len(digits.split(",")[0]) <= 10
        and not toks[0].startswith("0")
    ):
        return [
            _make(
                text,
                start,
                end,
                float(digits.replace(",", ".")),
                _decimals(digits),
                joined=True,
                note="oregelbundna mellanrum i talet lästa som ett tal",
            )
        ]
    return [_make(text, start, end, None, 0, note="siffrorna kan läsas på flera sätt")]


def _decimals(digits: str) -> int:
    return len(digits.split(",")[1]) if "," in digits else 0


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    value: int
    qualifier: str | None


def _number_words(text: str, masked: str) -> list[Mention]:
    """Counts spelled as words: "åtta deltagare", "ett tjugotal personer" (only before a person noun)."""
    out = []
    tens = "|".join(p for p, _v in vocab.words("tiotal"))
    nums = "|".join(p for p, _v in vocab.words("talord"))
    person = vocab.word_regex("person").pattern
    for m in re.finditer(
        rf"(?<![\wåäö])(?:(?P<approx>(?:ett|ett par) (?:{tens}))|(?P<word>{nums}))(?=\s+(?:\w+\s+)?{person})",
        text,
        re.IGNORECASE,
    ):
        if m.group("approx"):
            word = m.group("approx").split()[-1]
            value = int(vocab.word_value("tiotal", word) or 0)
            qualifier = "ca"
        else:
            value = int(vocab.word_value("talord", m.group("word")) or 0)
            qualifier = _qualifier_before(text, m.start())
        if not value:
            continue
        out.append(
            Mention(
                start=m.start(),
                end=m.end(),
                printed=m.group(0),
                value=float(value),
                decimals=0,
                unit=None,
                scale=1,
                unit_text="",
                span_end=m.end(),
                negative=False,
                qualifier=qualifier,
                word=True,
                joined=False,
                year=False,
                note="talord",
            )
        )
    return out


# -- years in running text ---------------------------------------------------------------------------

_YEAR_EXPR = re.compile(
    r"(?<![\d\w-])(?P<y>(?:19|20)\d{2})(?P<tail>-\d{2}-\d{2}| års)?(?![\d\w])"
    rf"|(?<!\d)\d{{1,2}}\s(?:{MONTHS})\.?\s(?P<y2>(?:19|20)\d{{2}})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class YearRef:
    start: int
    end: int
    year: int
    text: str


def year_refs(text: str) -> list[YearRef]:
    """Years a sentence names: "2022", "2022 års", "2023-12-31", "31 december 2023" (not ranges)."""
    out = []
    masked_ranges = re.compile(r"(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2})(?![\d-])")
    ranges = [(m.start(), m.end()) for m in masked_ranges.finditer(text)]
    for m in _YEAR_EXPR.finditer(text):
        if any(a <= m.start() < b for a, b in ranges):
            continue
        year = int(m.group("y") or m.group("y2"))
        out.append(YearRef(m.start(), m.end(), year, m.group(0)))
    return out
