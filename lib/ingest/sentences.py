"""Running text: a clause that names a metric and a number with its unit gives a proposal.

"Resultatet för året visar ett underskott om 1,2 miljoner kronor" → årets resultat −1 200 000 kr.
A term of the vocabulary (``mening`` in labels.csv) takes the first number after it in its clause
("Förbundet hade intäkter på 5 222 000 kr"), or the number just before it ("7 930 tkr i
intäkter"), and only when the words between are the small words of such a statement (``bro`` in
words.csv): "Förbundets kostnader för utbetalning av bidrag till insatser uppgår till 7 957 tkr"
names a part, not the total, and gives nothing. Totals must be the subject ("20 % av intäkterna"
is not the income; "övriga verksamhetskostnader" not the costs). The year comes from the clause
("under 2022", "per 2022-12-31", "vid utgången av 2022"), never from a comparison ("i samma
storlek som 2022"), else from the sentence, else from the document; budget words make a budget
figure, planning words ("förväntas", "mål", "ska") none at all; opening balances ("vid årets
början", "ingående") are never year-end figures, and "vid ingången av 2024" is the end of 2023.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.ingest import vocabulary as vocab
from lib.ingest.grammar import Mention, YearRef, blanked, scan, year_refs
from lib.ingest.layout import Text

SHARE_OF = {
    "eget_kapital": "eget_kapital_andel",
    "kostnad_administration": "kostnad_administration_andel",
    "kostnad_individinriktat": "kostnad_individinriktat_andel",
    "kostnad_strukturovergripande": "kostnad_strukturovergripande_andel",
}
OPENING_OF = {"eget_kapital": "eget_kapital_ingaende", "likvida_medel": "likvida_medel_ingaende"}
_COST_CONTEXT = re.compile(r"kostnad|utgift|förbrukade|medel|budget", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;](?=\s+[^\d\s(–-])|\s[–—]\s|\s(?:men|medan|samtidigt som)\s", re.IGNORECASE)
_WORD = re.compile(r"[\wåäöÅÄÖ]+|[^\s\w]", re.UNICODE)
_BEFORE_TERM = re.compile(r"^\s*(?:i|som|i form av|avseende)\s*$", re.IGNORECASE)
_BEFORE_CATEGORY = re.compile(
    r"^\s*(?:(?:gick|har gått|går|avsåg|användes|har använts|lades)\s+)?(?:till|på)\s*$", re.I
)
_RELATIVE = re.compile(r",\s+(?:som|vilka)\s+[^,.;]{1,80},")
_SHARE_DENOMINATOR = {
    "eget_kapital": r"(?:årets\s+|de\s+|förbundets\s+)?"
    r"(?:medlemsbidrag\w*|tilldelning\w*|tilldelade medel|driftbidrag\w*|"
    r"intäkter\w*|anslag\w*|bidrag\w*)",
    "kostnad": r"(?:de\s+)?(?:totala\s+|årets\s+|förbundets\s+|samlade\s+)?(?:kostnader\w*|förbrukade medel|medlen)",
}


@dataclass(frozen=True)
class Term:
    start: int
    end: int
    metric: str
    flags: frozenset[str]
    text: str


@dataclass
class Fact:
    """A figure read from a sentence, before it becomes a source row."""

    metric: str
    year: int
    basis: str
    mention: Mention
    label: str
    rule: str
    negate: bool
    pos: int  # position of the number in the paragraph
    end: int


def terms(sentence: str) -> list[Term]:
    """Vocabulary terms in a sentence; where two overlap, the longer wins."""
    found = []
    for lab in vocab.labels("mening"):
        for m in lab.regex.finditer(sentence):
            found.append(Term(m.start(), m.end(), lab.metric, lab.flags, m.group(0)))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    out: list[Term] = []
    for t in found:
        if any(o.start <= t.start < o.end or t.start <= o.start < t.end for o in out):
            longer = [o for o in out if (o.start <= t.start < o.end or t.start <= o.start < t.end)]
            if all((t.end - t.start) > (o.end - o.start) for o in longer):
                out = [o for o in out if o not in longer]
            else:
                continue
        out.append(t)
    return sorted(out, key=lambda t: t.start)


def clauses(sentence: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE.finditer(sentence):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(sentence)))
    return spans


def _clause_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in spans:
        if a <= pos < b or (pos == b and a < b):
            return a, b
    return spans[-1]


def _phrases(kind: str, text: str) -> list[re.Match]:
    return list(vocab.word_regex(kind).finditer(text))


def _remove(text: str, matches: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in matches:
        for k in range(a, b):
            chars[k] = " "
    return "".join(chars)


def _comparison_years(sentence: str, refs: list[YearRef]) -> set[int]:
    """Start positions of years that only serve a comparison ("jämfört med 2022", "som 2022", "än 2022")."""
    out = set()
    for r in refs:
        before = sentence[max(0, r.start - 40) : r.start]
        if vocab.word_regex("jamforelse").search(before) and re.search(
            rf"(?:{vocab.word_regex('jamforelse').pattern})\s+(?:\w+\s+){{0,2}}$", before, re.IGNORECASE
        ):
            out.add(r.start)
    return out


def _bridge_ok(bridge: str, term: Term) -> bool:
    """Only the small words of a statement between a term and its number."""
    allowed = vocab.word_set("bro") | {p.split("\\")[0] for p in vocab.word_set("kvalificering")}
    if "resultat" in term.flags:
        allowed = allowed | {"underskott", "överskott", "minusresultat", "plusresultat", "positivt", "negativt"}
        allowed = allowed | {"resultat", "resultatet", "förlust"}
    text = blanked(bridge).replace("#", " ")  # a date between term and number ("Eget kapital 31/12: …")
    for kind in ("ingaende", "utgaende"):
        text = _remove(text, [(m.start(), m.end()) for m in _phrases(kind, text)])
    text = _remove(text, [(r.start, r.end) for r in year_refs(text)])
    text = _remove(text, [(m.start(), m.end()) for m in _phrases("relativt_foregaende", text)])
    text = re.sub(r"(?:i samma storlek|i nivå|samma)\s+som\s+(?:föregående år|\S+)", " ", text, flags=re.I)
    # "minskade därmed till 2 458 tkr": a change that ends in the level it names
    text = re.sub(
        r"\b(?:ökade|minskade|sjönk|steg|växte|reducerades|minskat|ökat)\s+(?:\w+\s+)?(?=till\s*$)",
        " ",
        text,
        flags=re.I,
    )
    text = re.sub(r"(?:jämfört med|i jämförelse med)\s+(?:föregående år|\S+)", " ", text, flags=re.I)
    words = _WORD.findall(text)
    if len(words) > 12:
        return False
    for w in words:
        if w in "():;=–-,+":
            continue
        if w.lower() not in allowed:
            return False
    return True


def _left_ok(sentence: str, clause_start: int, term: Term) -> bool:
    before = sentence[clause_start : term.start]
    if not before.strip() or before.rstrip().endswith(("(", ":", ";")):
        return True
    prev = re.findall(r"[\wåäöÅÄÖ]+", before)
    if not prev:
        return True
    last = prev[-1].lower()
    last2 = " ".join(prev[-2:]).lower()
    sparr = vocab.word_set("sparr")
    if last in sparr or last2 in sparr or (len(prev) > 1 and prev[-2].lower() in sparr and last in ("det", "den")):
        return False  # "minska det egna kapitalet", "efter årets resultat"
    if "total" in term.flags or "kostnad" in term.flags:
        return last in vocab.word_set("vanster") or last in {"budgeterade", "budgeterad"}
    return True


def _year_and_basis(
    sentence: str,
    clause: tuple[int, int],
    mention: Mention,
    term: Term,
    doc_year: int | None,
    doc_type: str,
    carried: int | None,
) -> tuple[int | None, str | None, str]:
    """(year, basis, why-not) of a term's number."""
    refs = year_refs(sentence)
    compared = _comparison_years(sentence, refs)
    refs = [r for r in refs if r.start not in compared and not (mention.start <= r.start < mention.end)]
    # "(2022: 2,9 mkr)" after the number names another figure's year
    refs = [
        r for r in refs if not (r.start >= mention.span_end and sentence[mention.span_end : r.start].count("(") > 0)
    ]
    region = sentence[clause[0] : mention.end]
    budget = bool(vocab.word_regex("budget").search(region)) or bool(vocab.word_regex("budget").search(term.text))
    planning = vocab.word_regex("planering").search(region)
    if planning and not budget:
        return None, None, f"planering ({planning.group(0)})"
    between = sentence[term.end : mention.start]
    if vocab.word_regex("forandring").search(between) and not re.search(r"\btill\s*$", between):
        return None, None, "en förändring, inte ett värde"
    if vocab.word_regex("skillnad_efter").match(sentence[mention.span_end : mention.span_end + 40].lstrip()):
        return None, None, "en skillnad mot budget eller ett annat år, inte ett värde"  # "618 tkr lägre än budget"
    in_clause = [r for r in refs if clause[0] <= r.start < clause[1]]
    years = {r.year for r in in_clause} or {r.year for r in refs}
    if len(years) > 1:
        before = [r for r in in_clause if r.start < mention.start]
        if before:
            years = {before[-1].year}
        else:
            return None, None, "flera år i meningen"
    year = next(iter(years)) if years else None
    if year is None:
        rel = vocab.word_regex("relativt_foregaende").search(region)
        if rel and doc_year:
            year = doc_year + int(vocab.word_value("relativt_foregaende", rel.group(0)) or 0)
        elif carried and budget:
            year = carried
        else:
            year = doc_year
    if year is None:
        return None, None, "året framgår inte"
    if budget:
        basis = "budget" if not doc_year or year <= doc_year + 1 or doc_type != "årsredovisning" else "plan"
    elif doc_type == "verksamhetsplan" and doc_year:
        if year < doc_year:
            return None, None, "ett tidigare år i en verksamhetsplan"
        basis = "budget" if year == doc_year else "plan"
    elif doc_year and year > doc_year:
        basis = "budget" if year == doc_year + 1 else "plan"
    else:
        basis = "utfall"
    return year, basis, ""


def _opening(region: str) -> tuple[str | None, int | None]:
    """'ingaende' or 'utgaende' from the words before the number, and a year the opening names."""
    m = vocab.word_regex("ingaende").search(region)
    if m:
        y = re.match(r"\s*((?:19|20)\d{2})", region[m.end() :])
        return "ingaende", int(y.group(1)) if y else None
    if vocab.word_regex("utgaende").search(region):
        return "utgaende", None
    return None, None


def read(paragraph: Text, doc_year: int | None, doc_type: str) -> tuple[list[Fact], list[str]]:
    """Facts from one paragraph of running text, and notes on what was seen but not proposed."""
    facts: list[Fact] = []
    notes: list[str] = []
    carried: int | None = None
    previous = ""
    for a, b in paragraph.sentences:
        original = paragraph.text[a:b]
        if not any(ch.isdigit() for ch in original):  # no number, no figure (and no year to carry)
            previous = original
            continue
        # ", som helt består av bidrag från medlemmarna," between a term and its number is left out
        sentence = _RELATIVE.sub(lambda m: " " * len(m.group(0)), original)
        mentions = [m for m in scan(sentence) if not m.year]
        found = terms(sentence)
        spans = clauses(sentence)
        for term in found:
            got = _bind(sentence, term, mentions, spans)
            if got is None:
                continue
            mention, label_start = got
            clause = _clause_of(spans, term.start)
            fact, why = _fact(
                paragraph, a, sentence, term, mention, clause, label_start, doc_year, doc_type, carried, previous
            )
            if fact:
                facts.append(fact)
                share = _follow_up_share(paragraph, a, sentence, fact, mentions)
                if share:
                    facts.append(share)
                other = _parenthesised(paragraph, a, sentence, fact, mentions, doc_year)
                if other:
                    facts.append(other)
            elif why and mention.value is not None and mention.unit and why not in ("inget belopp",):
                line = paragraph.line_at(a + mention.start).no
                notes.append(f"rad {line}: «{sentence[label_start : mention.span_end].strip()}» lästes inte: {why}")
        refs = [r for r in year_refs(sentence) if r.start not in _comparison_years(sentence, year_refs(sentence))]
        ys = {r.year for r in refs}
        carried = next(iter(ys)) if len(ys) == 1 and doc_year and next(iter(ys)) > doc_year else carried
        previous = original
    return _merge(facts), notes


def _bind(sentence: str, term: Term, mentions: list[Mention], spans) -> tuple[Mention, int] | None:
    clause = _clause_of(spans, term.start)
    before = [m for m in mentions if m.span_end <= term.start and m.start >= clause[0]]
    if "källa" in term.flags:  # "erhöll 24,8 miljoner kronor från medlemmarna"
        if before and not sentence[before[-1].span_end : term.start].strip():
            lead = sentence[clause[0] : before[-1].start]
            if re.search(r"\b(?:erhöll|erhåller|fick|får|tilldelades|mottog|har fått|har erhållit)\b", lead, re.I):
                return before[-1], before[-1].start
        return None
    if before:  # "7 930 tkr i intäkter", "71 procent till individinriktade insatser"
        gap = sentence[before[-1].span_end : term.start]
        if _BEFORE_TERM.match(gap) or ("kostnad" in term.flags and _BEFORE_CATEGORY.match(gap)):
            return before[-1], before[-1].start
        lead = sentence[clause[0] : before[-1].start]
        if (
            "kostnad" in term.flags
            and not gap.strip()
            and re.search(r"\b(?:avsåg|varav|av dessa|utgjordes av)\b", lead, re.I)
        ):
            return before[-1], before[-1].start  # "Av dessa avsåg 1 105 000 kr administration"
    after = [m for m in mentions if m.start >= term.end and m.start < clause[1]]
    if after:
        m = after[0]
        bridge = sentence[term.end : m.start]
        if vocab.word_regex("forandring").search(bridge):
            # "ökade med 412 tkr till 2 950 tkr": the level after the change
            if len(after) > 1 and re.match(r"^\s*till\s+$", sentence[m.span_end : after[1].start], re.I):
                rest = vocab.word_regex("forandring").sub(" ", bridge)
                if _bridge_ok(rest, term) and _left_ok(sentence, clause[0], term):
                    return after[1], term.start
            return None
        if _bridge_ok(bridge, term) and _left_ok(sentence, clause[0], term):
            return m, term.start
    return None


def _fact(paragraph, a, sentence, term, mention, clause, label_start, doc_year, doc_type, carried, previous=""):
    if mention.value is None:
        return None, mention.note or "talet kan läsas på flera sätt"
    if not paragraph.same_line(a + mention.start, a + mention.end):
        return None, "talet är delat över två rader"
    metric = term.metric
    if "andel" in term.flags:
        if not mention.is_share:
            return None, "ingen andel"
    elif mention.is_share:
        metric = SHARE_OF.get(metric)
        if metric is None:
            return None, "en andel, inte ett belopp"
        if "kostnad" in term.flags and not _COST_CONTEXT.search(sentence + " " + previous):
            return None, "andelen gäller inte kostnaderna"
    elif not mention.is_amount:
        return None, "inget belopp"
    if "verb" in term.flags and re.match(
        r"^\s+(?:av\s+(?:det\s+|de\s+|förbundets\s+)?(?:egna|eget|budget|anslag|medel|medlen|sparade)|för\s|till\s|på\s|inom\s)",
        sentence[mention.span_end : mention.span_end + 30],
        re.IGNORECASE,
    ):
        return None, "beloppet gäller en del (»… av/för …«)"
    elif (
        "kostnad" in term.flags
        and not _COST_CONTEXT.search(sentence + " " + previous)
        and not re.match(
            r"^\s*(?:uppg\w+|var|blev|utgjorde|uppgick till|uppgår till)\b", sentence[term.end : mention.start]
        )
    ):
        return None, "beloppet gäller inte kostnaderna"
    region = sentence[clause[0] : mention.start]
    which, opening_year = _opening(region)
    year, basis, why = _year_and_basis(sentence, clause, mention, term, doc_year, doc_type, carried)
    if why:
        return None, why
    if metric in OPENING_OF and which == "ingaende":
        if opening_year:
            year = opening_year - 1  # "vid ingången av 2024" is the end of 2023
            rule_extra = f"; ingående {opening_year} = utgående {year}"
            if basis != "utfall" and doc_year and year <= doc_year:
                basis = "utfall"
        else:
            metric = OPENING_OF[metric]
            rule_extra = "; ingående balans"
    else:
        rule_extra = ""
    negate = False
    if "resultat" in term.flags:
        words = sentence[term.start : mention.start].lower()
        neg = "neg" in term.flags or re.search(r"underskott|minusresultat|negativt|förlust", words)
        pos = "pos" in term.flags or re.search(r"överskott|plusresultat|positivt", words)
        if neg and pos:
            return None, "både över- och underskott"
        if mention.negative and pos:
            return None, "ett överskott med minustecken"
        negate = bool(neg) and not mention.negative
    label = re.sub(r"\s+", " ", sentence[label_start : mention.start]).strip(" (:")
    rule = f"mening: «{term.text}» … {mention.printed} {mention.unit_text}".strip() + rule_extra
    if mention.joined or mention.note:
        rule += f" ({mention.note})"
    return (
        Fact(metric, year, basis, mention, label[-80:] or term.text, rule, negate, a + mention.start, a + mention.end),
        "",
    )


def _follow_up_share(paragraph: Text, a: int, sentence: str, fact: Fact, mentions: list[Mention]) -> Fact | None:
    """'… 1,9 mkr, vilket motsvarar 30 procent av medlemsbidraget' / '… 1,1 mkr (11 % av kostnaderna)'."""
    share_metric = SHARE_OF.get(fact.metric)
    if share_metric is None or not fact.mention.is_amount:
        return None
    kind = "eget_kapital" if fact.metric == "eget_kapital" else "kostnad"
    end = fact.end - a
    unit_end = fact.mention.span_end
    nxt = next((m for m in mentions if m.start >= unit_end), None)
    if nxt is None or not nxt.is_share or not paragraph.same_line(a + nxt.start, a + nxt.end):
        return None
    gap = re.sub(
        r"\s*(?:per|vid utgången av|vid|den|under|år)?\s*(?:den\s*)?#+", " ", blanked(sentence[unit_end : nxt.start])
    )
    gap = re.sub(r"\s*(?:per|vid|under|för)\s+(?:19|20)\d{2}", " ", gap)
    if not re.match(
        r"^\s*(?:\(\s*|,\s*(?:(?:vilket|det|som)\s+(?:är|var|motsvarar|motsvarade|utgör|utgjorde|innebär|blir|blev)|"
        r"motsvarande|dvs\.?|det vill säga)\s+(?:\w+\s+){0,2})$",
        gap,
        re.IGNORECASE,
    ):
        return None
    tail = sentence[nxt.span_end : nxt.span_end + 80]
    if not re.match(rf"^\s*av\s+{_SHARE_DENOMINATOR[kind]}", tail, re.IGNORECASE):
        return None
    del end
    return Fact(
        share_metric,
        fact.year,
        fact.basis,
        nxt,
        sentence[fact.pos - a : nxt.start].strip()[-80:],
        f"andel efter beloppet: «{nxt.printed} {nxt.unit_text} {tail.strip()[:40]}»",
        False,
        a + nxt.start,
        a + nxt.end,
    )


def _parenthesised(
    paragraph: Text, a: int, sentence: str, fact: Fact, mentions: list[Mention], doc_year: int | None
) -> Fact | None:
    """'Resultat: −512 tkr (budget: −800 tkr)', '… 412 tkr (2022: 380 tkr)': that figure's budget or earlier year."""
    if fact.basis != "utfall" or fact.mention.value is None:
        return None
    unit_end = fact.mention.span_end
    nxt = next((m for m in mentions if m.start >= unit_end), None)
    if nxt is None or nxt.value is None or not paragraph.same_line(a + nxt.start, a + nxt.end):
        return None
    if (nxt.unit or fact.mention.unit) != fact.mention.unit and nxt.unit is not None:
        return None
    gap = sentence[unit_end : nxt.start]
    m = re.match(
        r"^\s*\(\s*(?:(?P<budget>budget(?:erat|erad|en)?(?:\s+(?:19|20)\d{2})?)|(?P<year>(?:19|20)\d{2})|"
        r"(?P<prev>föregående år|fg år|fjolåret|året innan))\s*:?\s*$",
        gap,
        re.IGNORECASE,
    )
    if not m or not re.match(r"^\s*(?:[a-zåäö.]+)?\s*\)", sentence[nxt.span_end : nxt.span_end + 12], re.I):
        return None
    if nxt.unit is None and not nxt.year:
        return None  # "(budget: -800)" without a unit: the unit is the figure's only by assumption
    if m.group("budget"):
        year, basis = fact.year, "budget"
    elif m.group("year"):
        year, basis = int(m.group("year")), "utfall"
        if doc_year and year > doc_year:
            return None
    else:
        year, basis = fact.year - 1, "utfall"
    label = re.sub(r"\s+", " ", sentence[fact.pos - a : nxt.start]).strip()[-80:]
    return Fact(
        fact.metric,
        year,
        basis,
        nxt,
        label,
        f"inom parentes efter {fact.mention.printed}: «{m.group(0).strip()} {nxt.printed}»",
        fact.negate and not nxt.negative,
        a + nxt.start,
        a + nxt.end,
    )


def _merge(facts: list[Fact]) -> list[Fact]:
    """Two terms that read the same number as the same figure are one fact; as two figures, the subject's
    (the first term) is kept: "Det egna kapitalet uppgår efter årets resultat till …" is the equity."""
    out: dict[tuple, Fact] = {}
    first_metric: dict[int, str] = {}
    for f in facts:
        base = f.metric.removesuffix("_andel")
        if f.pos in first_metric and first_metric[f.pos] != base:
            continue
        first_metric.setdefault(f.pos, base)
        key = (f.pos, f.metric, f.year, f.basis)
        if key not in out:
            out[key] = f
    return list(out.values())
