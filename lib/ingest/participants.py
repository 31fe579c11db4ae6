"""Participants: counts of people in individinriktade insatser, from sentences and from total/kvinnor/män tables.

A count is a number (or a number word) before a person noun ("193 personer", "åtta deltagare",
"ett tjugotal individer"), a number a participant phrase stands for ("Nya deltagare … var 138 till
antalet") or the whole in "56 av 59 avslutade deltagarna". What it counts comes from the words
around it, in order of precedence: planning ("förväntades", "mål") and subsets ("unga", "anonyma",
"enkät") give nothing; then the outcome with its own definition (stegförflyttning, egen
försörjning, arbete eller studier, only of finished participants), finished ("avslutats",
"lämnade"), new ("nyinskrivna", "tillkommit"), and participation ("deltog", "inskrivna", "nått ut
till"). "varav 90 kvinnor och 103 män" splits the count before it. A count about one insats
("tagit del av insatsen", "deltagit i En väg vidare") carries the insats by name or is not
proposed: a count of one insats is never the förbund's total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lib.ingest import vocabulary as vocab
from lib.ingest.grammar import Mention, scan, year_refs
from lib.ingest.layout import Insats, Text
from lib.ingest.reading import Line
from lib.ingest.runs import readings, trailing_run
from lib.ingest.sentences import _comparison_years, clauses

_NOUN = re.compile(
    r"\s+(?:(?P<adj>nya|unika|nyinskrivna|inskrivna|aktiva|avslutade|registrerade|olika|enskilda)\s+)?"
    r"(?P<noun>personer|person|deltagarna|deltagaren|deltagare|individerna|individer|individ|kvinnorna|kvinnor|"
    r"kvinna|männen|män|ungdomar|unga|elever|brukare|klienter)(?![\wåäö])",
    re.IGNORECASE,
)
_OF = re.compile(r"\s+av\s+(?:de\s+|dessa\s+|dem\b|de\b)?", re.IGNORECASE)
_PREDICATE = re.compile(
    r"^\s+(?:(?:har|hade|personer|deltagare)\s+)?"
    r"(?:(?:gått|gick|gått vidare|gick vidare|vidare|fått|fick|påbörjat|påbörjade|"
    r"börjat|började|avslutats|avslutades|avslutade|avslutat|lämnat|lämnade|slutat|slutade)\b|till\s+(?:arbete|studier|jobb|egen|annan|"
    r"utbildning|sysselsättning))",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(
    r"^[^.;]{0,80}?,\s*(?:vilket|det)\s+(?:motsvarar|motsvarade|är|var|utgör|utgjorde|innebär)\s+(?:\w+\s+)?$", re.I
)
_PLAIN_COUNT_AFTER = re.compile(r"^\s*(?:till antalet|st\.?|stycken)?\s*(?:\(|[.,;:]|$)", re.IGNORECASE)
SEX_METRICS = {
    "deltagare": ("deltagare_kvinnor", "deltagare_man"),
    "nya_deltagare": ("nya_deltagare_kvinnor", "nya_deltagare_man"),
    "avslutade_deltagare": ("avslutade_deltagare_kvinnor", "avslutade_deltagare_man"),
    "avslutade_arbete_studier": ("avslutade_arbete_studier_kvinnor", "avslutade_arbete_studier_man"),
}
DEFINITIONS = {
    "avslutade_arbete_studier": "arbete/studier",
    "avslutade_egen_forsorjning": "egen försörjning",
    "avslutade_stegforflyttning": "positiv stegförflyttning",
}
SHARES = {
    "avslutade_arbete_studier": "avslutade_arbete_studier_andel",
    "avslutade_egen_forsorjning": "avslutade_egen_forsorjning_andel",
    "avslutade_stegforflyttning": "avslutade_stegforflyttning_andel",
}


@dataclass
class Count:
    mention: Mention
    end: int  # end of the noun (or of the number)
    noun: str
    sex: str | None  # kvinnor / man
    parent: int | None = None  # index of the count this one is a part of ("56 av 59", "varav 37 kvinnor")
    of: bool = False  # "56 av 59 …": a part; its predicate says what of
    whole: bool = False  # the 59 of "56 av 59 …"


@dataclass
class PFact:
    metric: str
    year: int
    mention: Mention
    label: str
    rule: str
    line: Line
    item: str = ""
    definition: str = ""
    value: float | None = None  # a spelled number's value


def _counts(sentence: str) -> list[Count]:
    out: list[Count] = []
    mentions = [m for m in scan(sentence) if m.value is not None and not m.year and m.unit is None]
    for m in mentions:
        if m.negative or m.decimals or m.value <= 0 or m.value > 100_000:
            continue  # no count of a förbund's participants (absurd values are never read as one)
        after = sentence[m.end :]
        noun = _NOUN.match(after)
        if noun:
            n = noun.group("noun").lower()
            sex = "kvinnor" if n.startswith("kvinn") else "man" if n in ("män", "männen") else None
            adj = (noun.group("adj") or "").lower()
            out.append(Count(m, m.end + noun.end(), f"{adj} {n}".strip(), sex))
            continue
        relative = re.match(
            r"\s+som\s+(?:har\s+)?(avslutade|avslutat|avslutats|avslutades|lämnade|lämnat|deltog|deltagit)\b",
            after,
            re.I,
        )
        if relative and re.search(r"\bav de\s+$", sentence[: m.start], re.I):  # "Av de 122 som avslutade sin insats"
            out.append(Count(m, m.end + relative.end(), "deltagarna", None))
            continue
        definite = re.match(r"\s+av\s+(?:alla\s+|samtliga\s+)?(deltagarna|personerna|individerna)\b", after, re.I)
        if definite:  # "230 av deltagarna avslutade under året": a count of its own
            out.append(Count(m, m.end + definite.end(), "deltagarna", None))
            continue
        of = _OF.match(after)
        if of:  # "56 av 59 avslutade deltagarna", "25 av dem"
            out.append(Count(m, m.end, "av", None))
            continue
        if _PREDICATE.match(after) and re.search(
            r"\b(?:av (?:dessa|dem|de|vilka)|bland (?:dem|dessa|de)|varav)\b", sentence, re.I
        ):
            out.append(Count(m, m.end, "", None))  # "av dessa gick 52 till arbete", "Av dessa har 12 avslutats"
            continue
        before = sentence[: m.start]
        if (
            _PLAIN_COUNT_AFTER.match(after)
            and re.search(
                r"\b(?:deltagare|deltagarna|personer|individer|inskrivna|deltagarantal(?:et)?)\b[^.]{0,60}$",
                before,
                re.I,
            )
            and re.search(r"\b(?:var|är|blev|uppgick till|uppgår till|antal(?:et)?(?: deltagare)?)\s+$", before, re.I)
        ):
            out.append(Count(m, m.end, "", None))  # "Nya deltagare som tillkommit under året var 138 till antalet"
    # Parents: "56 av 59 …", "(varav 37 kvinnor och 39 män)", "193 personer (90 kvinnor och 103 män)".
    for k, c in enumerate(out):
        if c.noun == "av":
            c.of = True
            nxt = next((j for j in range(k + 1, len(out)) if out[j].mention.start >= c.mention.end), None)
            if nxt is not None and out[nxt].mention.start - c.mention.end <= 12:
                c.parent = nxt
                c.noun = out[nxt].noun
                out[nxt].whole = True
            else:
                c.parent = -1  # "25 av dem": a part of a count of an earlier clause
        elif c.sex:
            prev = [j for j in range(k) if not out[j].sex and out[j].noun != "av"]
            if prev:
                p = out[prev[-1]]
                between = sentence[p.end : c.mention.start]
                pair = [o for o in out[prev[-1] + 1 :] if o.sex][:2]
                sums = len(pair) == 2 and sum(o.mention.value for o in pair) == p.mention.value
                if (re.search(r"\(|varav|\bav dessa\b|\bvar\b", between, re.I) and len(between) < 60) or (
                    sums and re.search(r"[–:,-]", between) and len(between) < 90
                ):
                    c.parent = prev[-1]  # "… 742 personer … – 401 kvinnor och 341 män": they sum to it
    return out


def _segment(sentence: str, counts: list[Count], k: int, spans) -> str:
    """The words that belong to count k: from the previous count (or its clause) to the next one."""
    c = counts[k]
    clause = next(((a, b) for a, b in spans if a <= c.mention.start < b), (0, len(sentence)))
    linked = {j for j, o in enumerate(counts) if o.parent == k} | ({c.parent} if c.parent is not None else set())
    others = [o for j, o in enumerate(counts) if j != k and not o.sex and j not in linked]
    left = max([clause[0], *(o.end for o in others if o.end <= c.mention.start)])
    right = min([clause[1], *(o.mention.start for o in others if o.mention.start >= c.end)])
    return sentence[left:right]


def _category(
    segment: str, sentence: str, noun: str, heading: str = "", pre: str = "", prev_finished: bool = False
) -> tuple[str | None, str]:
    low = segment.lower()
    if vocab.word_regex("planering").search(segment):
        return None, "planering"
    if vocab.word_regex("delmangd").search(segment) or noun in ("unga", "ungdomar", "elever"):
        return None, "en delmängd"
    if vocab.word_regex("enkat").search(sentence):
        return None, "en enkät"
    if vocab.word_regex("kumulativ").search(segment):
        return None, "inte årets antal (sedan starten, halvår, genomsnitt)"
    if vocab.word_regex("struktur").search(segment) or re.search(r"struktur", heading, re.I):
        return None, "strukturövergripande"
    refers = bool(re.search(r"\bav (?:dem|dessa|vilka)\b|\bbland (?:dem|dessa|de)\b", sentence, re.I))
    finished = bool(vocab.word_regex("avslutade").search(sentence)) or (refers and prev_finished)
    if re.search(r"\b(?:annan|annat|övrig)\w*\s+(?:egen försörjning|sysselsättning)", low):
        return None, "en annan definition"
    if re.search(r"stegförflyttning", low):
        return "avslutade_stegforflyttning", "stegförflyttning"
    if re.search(r"egen försörjning|självförsörjning|egenförsörjning", low) and finished:
        return "avslutade_egen_forsorjning", "egen försörjning"
    if vocab.word_regex("arbete_studier").search(segment) and finished:
        return "avslutade_arbete_studier", "arbete/studier"
    if vocab.word_regex("avslutade").search(segment) or "avslutade" in noun:
        return "avslutade_deltagare", "avslutade"
    if vocab.word_regex("nya").search(segment) or noun.startswith(("nya", "nyinskrivna")):
        return "nya_deltagare", "nya"
    if vocab.word_regex("deltagit").search(segment):
        return "deltagare", "deltagare"
    if not noun and re.search(r"deltagarantal|antal(?:et)? (?:deltagare|inskrivna|individer)", segment, re.I):
        return "deltagare", "deltagare"  # "Deltagarantalet uppgick till 188"
    if noun in ("deltagarna", "personerna", "individerna") and re.search(r"\bav (?:de|alla|samtliga)\s+$", pre, re.I):
        return "deltagare", "deltagare"  # "Av de 187 deltagarna var 104 kvinnor"
    return None, "oklart vad som räknas"


def _of_category(sentence: str, counts: list[Count], k: int, prev_finished: bool = False) -> tuple[str | None, str]:
    """'56 av 59 avslutade deltagarna har gjort stegförflyttning': the part is the outcome its predicate names."""
    c = counts[k]
    whole = counts[c.parent] if c.parent is not None and c.parent >= 0 else None
    start = whole.end if whole else c.end
    predicate = sentence[start : start + 120]
    nxt = [o.mention.start for o in counts if o.mention.start > start and not o.sex]
    if nxt:
        predicate = sentence[start : min(nxt)]
    finished = (
        "avslutade" in (whole.noun if whole else "")
        or bool(vocab.word_regex("avslutade").search(sentence))
        or (whole is None and prev_finished)
    )
    if vocab.word_regex("planering").search(predicate):
        return None, "planering"
    if re.search(r"stegförflyttning", predicate, re.I):
        return "avslutade_stegforflyttning", ""
    if re.search(r"egen försörjning|självförsörjning|egenförsörjning", predicate, re.I) and finished:
        return "avslutade_egen_forsorjning", ""
    if vocab.word_regex("arbete_studier").search(predicate) and finished:
        return "avslutade_arbete_studier", ""
    return None, "oklart vad som räknas"


def _whole_category(counts: list[Count], k: int) -> tuple[str | None, str]:
    """The 59 of '56 av 59 avslutade deltagarna': what its own words say it counts."""
    noun = counts[k].noun
    if "avslutade" in noun:
        return "avslutade_deltagare", ""
    if noun.startswith(("nya", "nyinskrivna")):
        return "nya_deltagare", ""
    return None, "oklart vad som räknas"


def _scope(sentence: str, line_index: int, sections: list[Insats], known: str) -> tuple[str | None, str]:
    """('' for the förbund, an insats name, or None when the count is about an insats not named)."""
    named = re.search(
        r"\b(?:deltagit|deltog|deltar|inskrivna|del)\s+i\s+(?P<n>[A-ZÅÄÖ][\wåäöÅÄÖ-]*(?: [\wåäöÅÄÖ-]+){0,4})", sentence
    )
    if named:
        name = named.group("n").strip()
        for cut in range(len(name.split()), 0, -1):
            cand = " ".join(name.split()[:cut])
            if re.search(rf"(?im)^\s*(?:[-–•]\s*)?{re.escape(cand)}\s*(?:\d|$)", known):
                return cand, "insats"
    # "lämnade insatsen", "avslutade sin insats": each participant's own insats, not one insats
    plain = re.sub(
        r"\b(?:lämnade|lämnat|avslutade|avslutat|påbörjade|påbörjat|avbröt|avbrutit|började|slutade|sin|sina)\s+insats\w*",
        " ",
        sentence,
        flags=re.I,
    )
    single = vocab.word_regex("insats_niva").search(plain)
    plural = vocab.word_regex("forbund_niva").search(sentence)
    inside = next((s for s in sections if s.start <= line_index < s.end), None)
    if single and not (plural and not inside):
        return (inside.name, "insats") if inside else (None, "en insats som inte namnges")
    if plural:
        return "", ""
    if inside:
        return inside.name, "insats"
    return "", ""


def read(
    paragraph: Text,
    doc_year: int | None,
    sections: list[Insats],
    known: str,
    lines: list[Line],
    by_line: dict[int, int] | None = None,
) -> tuple[list[PFact], list[str]]:
    facts: list[PFact] = []
    notes: list[str] = []
    prev_finished = False
    carried_parent: PFact | None = None
    if by_line is None:
        by_line = {ln.no: i for i, ln in enumerate(lines)}
    for a, b in paragraph.sentences:
        sentence = paragraph.text[a:b]
        counts = _counts(sentence)
        finished_here = bool(vocab.word_regex("avslutade").search(sentence))
        if not counts:
            item0, _why = _scope(sentence, paragraph.line_index[a], sections, known)
            facts += _shares(paragraph, a, sentence, doc_year, item0)
            prev_finished = finished_here
            continue
        spans = clauses(sentence)
        metrics: dict[int, tuple[str | None, str]] = {}
        for k, c in enumerate(counts):
            if c.sex:
                continue
            if c.of:
                metrics[k] = _of_category(sentence, counts, k, prev_finished)
            elif c.whole:
                metrics[k] = _whole_category(counts, k)
            else:
                seg = _segment(sentence, counts, k, spans)
                pre = sentence[max(0, c.mention.start - 20) : c.mention.start]
                metrics[k] = _category(seg, sentence, c.noun, paragraph.heading, pre, prev_finished)
        year, why = _year(sentence, doc_year)
        line_index = paragraph.line_index[a]
        item, scope_why = _scope(sentence, line_index, sections, known)
        for k, c in enumerate(counts):
            m = c.mention
            if not paragraph.same_line(a + m.start, a + m.end):
                continue
            if c.sex:
                parent = c.parent
                if parent is None and carried_parent and _opens_with_reference(sentence):
                    # "Av dem var 170 kvinnor och 148 män." after "… 318 unika individer …": both must sum to it
                    split = [o for o in counts if o.sex and o.parent is None]
                    if len(split) == 2 and sum(o.mention.value for o in split) == carried_parent.mention.value:
                        metric = SEX_METRICS[carried_parent.metric][0 if c.sex == "kvinnor" else 1]
                        facts.append(
                            PFact(
                                metric,
                                carried_parent.year,
                                m,
                                _label(sentence, counts, k),
                                f"mening om deltagare: «{m.printed} {c.noun}» av de {carried_parent.mention.printed}",
                                paragraph.line_at(a + m.start),
                                carried_parent.item,
                                carried_parent.definition,
                            )
                        )
                    continue
                if parent is None or parent < 0 or metrics.get(parent, (None,))[0] not in SEX_METRICS:
                    continue
                if c.parent is not None and counts[parent].parent not in (None,):
                    continue
                metric = SEX_METRICS[metrics[parent][0]][0 if c.sex == "kvinnor" else 1]
            else:
                metric, what = metrics[k]
                if metric is None:
                    if what not in ("oklart vad som räknas",):
                        notes.append(f"rad {paragraph.line_at(a + m.start).no}: {m.printed} {c.noun}: {what}")
                    continue
                if c.parent == -1 and metric not in DEFINITIONS:
                    continue
            if why:
                notes.append(f"rad {paragraph.line_at(a + m.start).no}: {m.printed} {c.noun}: {why}")
                continue
            if item is None:
                notes.append(f"rad {paragraph.line_at(a + m.start).no}: {m.printed} {c.noun}: {scope_why}")
                continue
            base = re.sub(r"_(kvinnor|man)$", "", metric)
            label = _label(sentence, counts, k)
            share = _outcome_share(sentence, c, metric) if metric in SHARES else None
            if share is not None:
                facts.append(
                    PFact(
                        SHARES[metric],
                        year,
                        share,
                        label,
                        f"andel efter antalet: «{share.printed} {share.unit_text}»",
                        paragraph.line_at(a + share.start),
                        item,
                        DEFINITIONS[metric],
                    )
                )
            facts.append(
                PFact(
                    metric=metric,
                    year=year,
                    mention=m,
                    label=label,
                    rule=f"mening om deltagare: «{m.printed} {c.noun}»" + (f" i {item}" if item else ""),
                    line=paragraph.line_at(a + m.start),
                    item=item,
                    definition=DEFINITIONS.get(base, ""),
                    value=m.value if m.word else None,
                )
            )
        facts += _shares(paragraph, a, sentence, doc_year, item)
        prev_finished = finished_here
        mine = [f for f in facts if f.line.no >= paragraph.line_at(a).no and f.metric in SEX_METRICS]
        carried_parent = mine[-1] if mine else None
    facts += _list_continuation(facts, lines, by_line)
    return facts, notes


def _outcome_share(sentence: str, c: Count, metric: str) -> Mention | None:
    """'… 61 har gått till arbete eller studier, vilket motsvarar 37 procent': the outcome's share."""
    tail = sentence[c.end :]
    share = next((x for x in scan(tail) if x.is_share), None)
    if share is None or not _SHARE_AFTER.match(tail[: share.start]):
        return None
    return replace(share, start=c.end + share.start, end=c.end + share.end, span_end=c.end + share.span_end)


def _opens_with_reference(sentence: str) -> bool:
    return bool(re.match(r"^\s*(?:av (?:dem|dessa|deltagarna)|bland (?:dem|dessa|deltagarna)|därav)\b", sentence, re.I))


def _label(sentence: str, counts: list[Count], k: int) -> str:
    c = counts[k]
    start = max(0, c.mention.start - 40)
    text = sentence[start : c.mention.start].strip()
    text = re.sub(r"^\S*\s", "", text) if start else text
    return (text or sentence[c.mention.end : c.end].strip() or "deltagare")[-60:]


def _year(sentence: str, doc_year: int | None) -> tuple[int | None, str]:
    refs = year_refs(sentence)
    compared = _comparison_years(sentence, refs)
    years = {r.year for r in refs if r.start not in compared}
    if len(years) > 1:
        return None, "flera år i meningen"
    if years:
        y = next(iter(years))
        if doc_year and y > doc_year:
            return None, "ett kommande år"
        return y, ""
    if doc_year is None:
        return None, "året framgår inte"
    return doc_year, ""


def _shares(paragraph: Text, a: int, sentence: str, doc_year: int | None, item: str | None) -> list[PFact]:
    """'72 procent av de deltagare som avslutades har gjort stegförflyttning' → the outcome's share."""
    out = []
    for m in scan(sentence):
        if not m.is_share:
            continue
        after = sentence[m.span_end : m.span_end + 160]
        before = sentence[max(0, m.start - 60) : m.start]
        if (
            not re.match(
                r"\s*(?:\(\s*)?av\s+(?:de|alla|samtliga)?\s*(?:\w+\s+){0,2}(?:avslutade|som avslutades|som avslutats)",
                after,
                re.I,
            )
            and not (
                re.match(r"\s*av\s+(?:dem|dessa)\b", after, re.I) and vocab.word_regex("avslutade").search(sentence)
            )
            and not re.search(
                r"\bav (?:de|alla) avslutade(?: deltagarna)?\s+(?:har\s+|hade\s+)?(?:\w+\s+)?$", before, re.I
            )
        ):
            continue
        metric = None
        if re.search(r"stegförflyttning", after, re.I):
            metric = "avslutade_stegforflyttning"
        elif re.search(r"egen försörjning", after, re.I):
            metric = "avslutade_egen_forsorjning"
        elif vocab.word_regex("arbete_studier").search(after):
            metric = "avslutade_arbete_studier"
        year, why = _year(sentence, doc_year)
        if metric is None or why or item is None or not paragraph.same_line(a + m.start, a + m.end):
            continue
        out.append(
            PFact(
                SHARES[metric],
                year,
                m,
                sentence[max(0, m.start - 30) : m.start].strip() or "procent",
                f"mening om utfall: «{m.printed} {m.unit_text} av de avslutade»",
                paragraph.line_at(a + m.start),
                item or "",
                DEFINITIONS[metric],
            )
        )
    return out


def _list_continuation(facts: list[PFact], lines: list[Line], by_line: dict[int, int]) -> list[PFact]:
    """'… 18 deltagare deltagit i En väg vidare.' then lines '13 män' and '5 kvinnor' that sum to it."""
    out = []
    for f in facts:
        if f.metric not in SEX_METRICS or f.mention.value is None:
            continue
        i = by_line.get(f.line.no)
        if i is None or f.mention.word:
            continue
        got = {}
        for ln in lines[i + 1 : i + 5]:
            t = ln.text.strip()
            if not t:
                continue
            m = re.fullmatch(r"(?:varav\s+)?(\d{1,5})\s+(kvinnor|män)\.?,?", t, re.I)
            if not m:
                break
            got[m.group(2).lower()] = (ln, m.group(1))
        if set(got) == {"kvinnor", "män"} and sum(int(v) for _ln, v in got.values()) == f.mention.value:
            for sex, (ln, printed) in got.items():
                metric = SEX_METRICS[f.metric][0 if sex == "kvinnor" else 1]
                mention = Mention(0, 0, printed, float(printed), 0, None, 1, "", 0, False, None, False, False, False)
                out.append(
                    PFact(
                        metric,
                        f.year,
                        mention,
                        sex,
                        f"uppdelning på kön under raden med {f.mention.printed} deltagare",
                        ln,
                        f.item,
                        f.definition,
                        None,
                    )
                )
    return out


# -- tables ---------------------------------------------------------------------------------------

_COLS = {
    "totalt": "total",
    "total": "total",
    "summa": "total",
    "antal": "total",
    "kvinnor": "kvinnor",
    "k": "kvinnor",
    "män": "man",
    "m": "man",
    "år": "year",
    # the label column of a table of insatser ("Insats Kvinnor Män Totalt"): each row is one insats
    "insats": "item",
    "insatser": "item",
    "projekt": "item",
    "verksamhet": "item",
}


def _participant_header(text: str) -> list[str] | None:
    words = [w.strip(".,:").lower() for w in text.split()]
    if not words or len(words) > 6 or any(w not in _COLS for w in words):
        return None
    cols = [_COLS[w] for w in words]
    if "kvinnor" not in cols or "man" not in cols:
        return None
    if cols[0] == "total" and words[0] == "antal" and "total" in cols[1:]:
        cols = cols[1:]  # "Antal Totalt Kvinnor Män": "Antal" names the label column
    return cols


def read_tables(lines: list[Line], doc_year: int | None) -> list[dict]:
    """Rows of a total/kvinnor/män table: labelled rows, or one row per year ("2018 108 79 187")."""
    out = []
    for h, ln in enumerate(lines):
        cols = _participant_header(ln.text)
        if not cols:
            continue
        title = next((lines[j].text.strip() for j in range(h - 1, max(-1, h - 5), -1) if lines[j].text.strip()), "")
        title_year = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title)
        year = int(title_year[-1]) if len(set(title_year)) == 1 else doc_year
        items = bool(cols) and cols[0] == "item"  # one row per insats, then a total row
        cols = [c for c in cols if c != "item"]
        value_cols = [c for c in cols if c != "year"]
        for i in range(h + 1, min(h + 30, len(lines))):
            text = lines[i].text.strip()
            if not text:
                continue
            label, toks = trailing_run(text)
            if "year" in cols:
                m = re.fullmatch(r"((?:19|20)\d{2})((?:\s+\d{1,3}(?:\s\d{3})*)+)", text)
                if not m:
                    break
                row_year, toks, metric = int(m.group(1)), m.group(2).split(), _title_metric(title)
                label = m.group(1)
            else:
                lab = vocab.row_metric(_norm(label), "deltagarrad") if label else None
                item = ""
                if lab is None and items and toks and label:
                    # An insats's row (its name, then its counts), or the table's total row.
                    total = re.fullmatch(r"(?:totalt|summa|total|samtliga|alla insatser)", _norm(label))
                    lab = vocab.Label(_title_metric(title) or "deltagare", "deltagarrad", "", frozenset(), None)
                    item = "" if total else re.sub(r"\s+", " ", label).strip()
                    if item and not _sums_exactly(toks, value_cols):
                        continue  # a row of an insats is taken only when kvinnor + män = totalt
                if lab is None:
                    if toks and label:
                        continue
                    break
                row_year, metric = year, lab.metric
            if metric is None or row_year is None:
                continue
            cells = _sex_cells(toks, value_cols)
            if cells is None:
                continue
            for col, printed in cells:
                name = metric if col == "total" else SEX_METRICS.get(metric, (None, None))[col == "man"]
                if not name:
                    continue
                base = metric
                row = {
                    "line": lines[i],
                    "metric": name,
                    "year": row_year,
                    "printed": printed,
                    "label": label,
                    "definition": DEFINITIONS.get(base, ""),
                    "rule": f"deltagartabell «{title[:50]}», raden «{label}», kolumnen {col}",
                    "section": title[:80],
                }
                if "year" not in cols and item:
                    row.update(item=item, item_kind="insats", part_of="TOTAL")
                out.append(row)
    return out


def _title_metric(title: str) -> str | None:
    low = title.lower()
    if vocab.word_regex("planering").search(low):
        return None
    for metric, words in (
        ("avslutade_deltagare", r"avslutade"),
        ("nya_deltagare", r"\bnya\b|nyinskrivna|nytillkomna"),
        ("deltagare", r"deltagare|inskrivna|individer"),
    ):
        if re.search(words, low):
            return metric
    return None


def _norm(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip(" -–:").lower())


def _sums_exactly(toks: list[str], cols: list[str]) -> bool:
    """A row whose one reading has kvinnor + män = totalt (all three columns there)."""
    if not {"total", "kvinnor", "man"} <= set(cols):
        return False
    t, k, m = cols.index("total"), cols.index("kvinnor"), cols.index("man")
    exact = [r for r in readings(toks, len(cols)) if r[t].value == r[k].value + r[m].value]
    return len(exact) == 1


def _sex_cells(toks: list[str], cols: list[str]) -> list[tuple[str, str]] | None:
    """The cells of a total/kvinnor/män row, where the total is the sum of the two (one reading only)."""
    options = [r for r in readings(toks, len(cols)) if all(x.value == x.value and x.value >= 0 for x in r)]
    if "total" in cols and "kvinnor" in cols and "man" in cols:
        t, k, m = cols.index("total"), cols.index("kvinnor"), cols.index("man")
        exact = [r for r in options if r[t].value == r[k].value + r[m].value]
        options = exact or options
    if len(options) != 1:
        return None
    return [(c, x.printed) for c, x in zip(cols, options[0], strict=True)]


# -- "Antal deltagare: 356" -------------------------------------------------------------------------

_KEY_VALUE = re.compile(
    r"^\s*(?:[•▪●\-–*]\s*)?(?P<label>[A-ZÅÄÖa-zåäö][^:]{2,70}?)\s*:\s*(?P<q>(?:ca\.?|cirka|drygt|knappt|närmare)\s+)?"
    r"(?P<value>\d{1,3}(?:[ \u00a0]\d{3})*|\d+)\s*(?:st\.?|personer|deltagare|individer)?\s*\.?\s*$",
    re.IGNORECASE,
)


def read_key_values(lines: list[Line], doc_year: int | None) -> list[dict]:
    """Key-value lines of participants ("Antal deltagare i individinsatser: 356", "Varav kvinnor: 201")."""
    out: list[dict] = []
    last: tuple[int, str, int] | None = None  # (line index, metric, value) of the last count line
    for i, ln in enumerate(lines):
        m = _KEY_VALUE.match(ln.text)
        if not m:
            continue
        label = m.group("label").strip()
        low = label.lower()
        if vocab.word_regex("planering").search(low) or vocab.word_regex("struktur").search(low):
            continue
        years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", label)
        year = int(years[0]) if len(set(years)) == 1 else doc_year
        if year is None or (doc_year and year > doc_year):
            continue
        key = re.sub(r"(?:\s+(?:i|inom|under|för|per|vid|som)\s+.*|\s+(?:19|20)\d{2}.*)$", "", low).strip(" -–")
        value = m.group("value")
        sex = re.fullmatch(r"(?:varav|därav|av dessa|av dem)?\s*(kvinnor|män)", key)
        if sex:
            if last and i - last[0] <= 3 and last[1] in SEX_METRICS:
                metric = SEX_METRICS[last[1]][0 if sex.group(1) == "kvinnor" else 1]
                out.append(_kv(ln, metric, year, value, label, m.group("q")))
            continue
        lab = vocab.row_metric(key, "deltagarrad")
        if lab is None:
            last = None
            continue
        out.append(_kv(ln, lab.metric, year, value, label, m.group("q")))
        last = (i, lab.metric, int(value.replace(" ", "").replace("\u00a0", "")))
    return out


def _kv(ln: Line, metric: str, year: int, value: str, label: str, qualifier: str | None) -> dict:
    q = (qualifier or "").strip().lower().rstrip(".")
    return {
        "line": ln,
        "metric": metric,
        "year": year,
        "printed": value,
        "label": label,
        "definition": DEFINITIONS.get(metric.replace("_kvinnor", "").replace("_man", ""), ""),
        "rule": f"nyckeltal «{label}: {value}»",
        "section": "",
        "qualifier": {"cirka": "ca"}.get(q, q),
    }
