"""Consistency checks over all figures: each returns findings where a report contradicts itself or another.

A finding says what was expected (computed from other figures), what was found (as printed),
the difference, the tolerance that printed rounding allows, and the sources of both sides.
Differences within rounding are not findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import polars as pl

from lib.derive import representatives, rounding_step, section_rank, section_rank_expr
from lib.format import fmt_decimal
from lib.numbers import decimals_of
from lib.registry import COST_CATEGORIES, HAE_CATEGORIES, METRICS
from lib.schema import FINDINGS_SCHEMA

EPS = 1e-6

CHECK_LABELS: dict[str, str] = {
    "balansrakning": "Balansräkningen går inte ihop",
    "resultat": "Årets resultat stämmer inte med intäkter och kostnader",
    "eget_kapital_rullning": "Eget kapital rullar inte mellan åren",
    "kassaflode": "Kassaflödet stämmer inte med likvida medel",
    "kostnadsfordelning": "Kostnadsfördelningen summerar inte till kostnaderna",
    "andel": "Angiven andel stämmer inte med sina delar",
    "delar_summa": "Delarna summerar inte till totalen",
    "kon_summa": "Kvinnor och män summerar inte till totalen",
    "hae_summa": "HÅE-kategorierna summerar inte till totalen",
    "samma_figur": "Samma uppgift anges olika på olika ställen",
    "enhet": "Troligen tkr/kr-förväxling (tusen gånger fel)",
    # Not a check over figures: found when the curated data/ and the published store overlap (lib.sources).
    "kurerat_och_publicerat": "Samma rapport finns både i data/ och publicerad",
    # Not a check over figures either: member kommuner that cannot be given an SCB code, or sit in two förbund.
    "medlemskommun": "Medlemskommunen kan inte bestämmas eller hör till två förbund",
}


def _half(r: dict) -> float:
    return rounding_step(r) / 2


def source_text(r: dict) -> str:
    """How a person finds a figure: document, page, line, label and printed value."""
    if r.get("derived_from"):
        return f"härledd ({r.get('note') or 'beräknad'}) från {r['derived_from']}"
    page = f"s. {r['page']}, " if r.get("page") else ""
    unit = f" {r['printed_unit']}" if r.get("printed_unit") in ("tkr", "kr", "mkr") else ""
    return f'{r["document"]}, {page}rad {r["line"]} ({r["section"]}): "{r["label"]}" = {r["printed"]}{unit}'


def _finding(
    check: str, rows: Iterable[dict], expected: float, found: float, tolerance: float, unit: str, description: str
) -> dict | None:
    if abs(found - expected) <= tolerance + EPS:
        return None
    rows = [r for r in rows if r]
    first = rows[0]
    return {
        "forbund": first["forbund"],
        "year": first["year"],
        "check": check,
        "description": description,
        "expected": expected,
        "found": found,
        "difference": found - expected,
        "tolerance": tolerance,
        "severity": "avrundning" if unit == "kr" and abs(found - expected) <= len(rows) else "motsägelse",
        "unit": unit,
        "figure_ids": [r["figure_id"] for r in rows],
        "sources": " | ".join(source_text(r) for r in rows),
    }


def _by(figures: pl.DataFrame, *cols: str) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = defaultdict(list)
    for r in figures.iter_rows(named=True):
        out[tuple(r[c] for c in cols)].append(r)
    return out


def _stated(figures: pl.DataFrame) -> pl.DataFrame:
    return figures.filter(pl.col("derived_from").is_null())


def _totals(rows: list[dict]) -> dict[str, dict]:
    """Metric → first row without item (a table's own total lines)."""
    out: dict[str, dict] = {}
    for r in rows:
        if r["item"] is None and r["kommun"] is None:
            out.setdefault(r["metric"], r)
    return out


# -- the checks ----------------------------------------------------------------------------------


def check_balance(figures: pl.DataFrame) -> list[dict]:
    """Summa tillgångar = summa eget kapital och skulder = eget kapital + avsättningar + skulder."""
    out = []
    for (_doc, section, _year, _basis), rows in _by(_stated(figures), "document", "section", "year", "basis").items():
        t = _totals(rows)
        total = t.get("summa_eget_kapital_och_skulder")
        if not total:
            continue
        a = t.get("summa_tillgangar")
        if a and abs(a["value"] - total["value"]) > _half(a) + _half(total) + EPS:
            out.append(
                _finding(
                    "balansrakning",
                    [total, a],
                    a["value"],
                    total["value"],
                    _half(a) + _half(total),
                    "kr",
                    f"{section} {_year}: summa tillgångar ≠ summa eget kapital och skulder",
                )
            )
            continue  # the same printed total is wrong; one finding is enough
        p = [t[m] for m in ("eget_kapital", "avsattningar", "skulder") if t.get(m)]
        if t.get("eget_kapital") and t.get("skulder"):
            expected = sum(x["value"] for x in p)
            out.append(
                _finding(
                    "balansrakning",
                    [total, *p],
                    expected,
                    total["value"],
                    sum(_half(x) for x in p) + _half(total),
                    "kr",
                    f"{section} {_year}: eget kapital + avsättningar + skulder ≠ tryckt summa",
                )
            )
    return out


FINANCIAL = ("finansiella_intakter", "finansiella_kostnader", "finansnetto")
COST_THREE = ("kostnad_administration", "kostnad_individinriktat", "kostnad_strukturovergripande")


def check_result(figures: pl.DataFrame) -> list[dict]:
    """Årets resultat = intäkter − kostnader + finansiella poster; verksamhetens netto = intäkter − kostnader."""
    out = []
    stated = _stated(figures)
    doc_fin = _by(
        stated.filter(
            pl.col("metric").is_in(["finansiella_intakter", "finansiella_kostnader", "finansnetto"])
            & pl.col("item").is_null()
        ),
        "document",
        "year",
        "basis",
        "metric",
    )
    sections = _by(stated, "document", "section")
    for (doc, section), srows in sections.items():
        columns = _by(pl.DataFrame(srows, schema=figures.schema), "year", "basis")
        # Does this table compute its result without financial items? Then it says so in some column.
        section_has_fin = any(r["metric"] in FINANCIAL for r in srows)

        def parts(year, basis, rows, use_doc_fin=True, doc=doc):
            t = _totals(rows)
            inc = t.get("verksamhetens_intakter") or t.get("medlemsbidrag")
            cost = t.get("verksamhetens_kostnader")
            fin = [t.get(m) for m in FINANCIAL]
            if not any(fin) and use_doc_fin:
                fin = [(doc_fin.get((doc, year, basis, m)) or [None])[0] for m in FINANCIAL]
            if fin[0] or fin[1]:
                fin[2] = None  # income and costs given: the net is their difference, not a third item
            return t, inc, cost, fin

        # A table without financial lines whose result is intäkter − kostnader in some column
        # computes every column that way: its own arithmetic is the rule to check it by.
        no_fin_table = False
        if not section_has_fin:
            for (year, basis), rows in columns.items():
                t, inc, cost, _fin = parts(year, basis, rows, use_doc_fin=False)
                res = t.get("arets_resultat")
                if (
                    res
                    and inc
                    and cost
                    and abs(inc["value"] - cost["value"] - res["value"]) <= _half(inc) + _half(cost) + _half(res) + EPS
                ):
                    no_fin_table = True
        for (year, basis), rows in columns.items():
            t, inc, cost, fin = parts(year, basis, rows)
            res, netto = t.get("arets_resultat"), t.get("verksamhetens_netto")
            if inc and cost and netto:
                expected = inc["value"] - cost["value"]
                out.append(
                    _finding(
                        "resultat",
                        [netto, inc, cost],
                        expected,
                        netto["value"],
                        _half(inc) + _half(cost) + _half(netto),
                        "kr",
                        f"{section} {year} ({basis}): verksamhetens netto ≠ intäkter − kostnader",
                    )
                )
            if not (res and inc and cost):
                continue
            if no_fin_table:
                expected = inc["value"] - cost["value"]
                rows_used = [res, inc, cost]
                how = "intäkter − kostnader (tabellen redovisar inga finansiella poster)"
            elif any(fin):
                fi, fk, fn = fin
                expected = (
                    inc["value"]
                    - cost["value"]
                    + (fi["value"] if fi else 0)
                    - (fk["value"] if fk else 0)
                    + (fn["value"] if fn else 0)
                )
                rows_used = [res, inc, cost, fi, fk, fn]
                how = "intäkter − kostnader + finansiella poster"
            else:
                continue
            tol = sum(_half(x) for x in rows_used if x)
            out.append(
                _finding(
                    "resultat",
                    rows_used,
                    expected,
                    res["value"],
                    tol,
                    "kr",
                    f"{section} {year} ({basis}): årets resultat ≠ {how}",
                )
            )
    return out


def check_equity_roll(figures: pl.DataFrame) -> list[dict]:
    """Eget kapital vid årets slut = vid årets början + årets resultat; början = förra årets slut."""
    out = []
    stated = _stated(figures)
    rep = representatives(
        stated.filter(
            pl.col("item").is_null()
            & pl.col("metric").is_in(["eget_kapital", "eget_kapital_ingaende", "arets_resultat"])
        )
    )
    for (_forbund, year, basis), rows in _by(rep, "forbund", "year", "basis").items():
        t = {r["metric"]: r for r in rows}
        ek, ing, res = t.get("eget_kapital"), t.get("eget_kapital_ingaende"), t.get("arets_resultat")
        if ek and ing and res:
            out.append(
                _finding(
                    "eget_kapital_rullning",
                    [ek, ing, res],
                    ing["value"] + res["value"],
                    ek["value"],
                    _half(ing) + _half(res) + _half(ek),
                    "kr",
                    f"{year} ({basis}): eget kapital vid årets slut ≠ vid årets början + årets resultat",
                )
            )
    closing = {
        (r["forbund"], r["year"], r["basis"]): r
        for r in representatives(
            figures.filter((pl.col("metric") == "eget_kapital") & pl.col("item").is_null())
        ).iter_rows(named=True)
    }
    for r in representatives(
        stated.filter((pl.col("metric") == "eget_kapital_ingaende") & pl.col("item").is_null())
    ).iter_rows(named=True):
        prev = closing.get((r["forbund"], r["year"] - 1, r["basis"])) or (
            closing.get((r["forbund"], r["year"] - 1, "härledd")) if r["basis"] == "utfall" else None
        )
        # A previous closing derived from this very opening balance proves nothing.
        if prev and r["figure_id"] not in (prev["derived_from"] or ""):
            out.append(
                _finding(
                    "eget_kapital_rullning",
                    [r, prev],
                    prev["value"],
                    r["value"],
                    _half(r) + _half(prev),
                    "kr",
                    f"Eget kapital vid början av {r['year']} ≠ eget kapital vid slutet av {r['year'] - 1}",
                )
            )
    return out


def check_cash(figures: pl.DataFrame) -> list[dict]:
    """Likvida medel vid årets början + årets kassaflöde = likvida medel vid årets slut."""
    out = []
    for (_doc, section, year, _basis), rows in _by(_stated(figures), "document", "section", "year", "basis").items():
        t = _totals(rows)
        start, flow, end = t.get("likvida_medel_ingaende"), t.get("kassaflode"), t.get("likvida_medel")
        if start and flow and end:
            out.append(
                _finding(
                    "kassaflode",
                    [flow, start, end],
                    end["value"] - start["value"],
                    flow["value"],
                    _half(start) + _half(flow) + _half(end),
                    "kr",
                    f"{section} {year}: årets kassaflöde ≠ förändringen av likvida medel",
                )
            )
    return out


def check_cost_split(figures: pl.DataFrame) -> list[dict]:
    """Administration + individinriktat + strukturövergripande (+ ej fördelat) = verksamhetens kostnader."""
    out = []
    rep = representatives(figures.filter(pl.col("item").is_null() & pl.col("basis").is_in(["utfall", "härledd"])))
    totals = (
        _stated(figures)
        .filter(
            (pl.col("metric") == "verksamhetens_kostnader") & pl.col("item").is_null() & (pl.col("basis") == "utfall")
        )
        .with_columns(section_rank_expr().alias("_rank"))
        .sort("precision", "_rank", "line")
    )
    first_total: dict[tuple, dict] = {}
    for r in totals.iter_rows(named=True):
        first_total.setdefault((r["document"], r["year"]), r)
    for (_forbund, year), rows in _by(rep, "forbund", "year").items():
        t = {r["metric"]: r for r in rows}
        parts = [t[m] for m in COST_CATEGORIES.values() if m in t]
        if not all(m in t for m in COST_THREE):
            continue  # a report that prints two of the three categories states no split to add up
        # Compare with the total of the split's own document (the table its rows came from), finest first.
        total = first_total.get((parts[0]["document"], year)) or t.get("verksamhetens_kostnader")
        if total:
            expected = sum(p["value"] for p in parts)
            out.append(
                _finding(
                    "kostnadsfordelning",
                    [total, *parts],
                    expected,
                    total["value"],
                    sum(_half(p) for p in parts) + _half(total),
                    "kr",
                    f"{year}: summan av kostnadskategorierna ≠ verksamhetens kostnader",
                )
            )
    return out


_COMPUTED_COMPARABLE = {m for m in METRICS if METRICS[m].unit == "%" or m == "kostnad_per_deltagare"}


def check_stated_vs_computed(figures: pl.DataFrame) -> list[dict]:
    """A percentage (or cost per participant) the report states vs the one its own parts give."""
    out = []
    key = ("forbund", "year", "period", "metric", "item", "kommun", "age_band")
    derived = {
        (*tuple(r[c] for c in key), r["basis"]): r
        for r in figures.filter(pl.col("derived_from").is_not_null()).iter_rows(named=True)
    }
    stated = _stated(figures).filter(pl.col("metric").is_in(list(_COMPUTED_COMPARABLE)))
    for _k, rows in _by(stated, *key, "basis", "value").items():
        r = rows[0]
        bases = ("härledd",) if r["basis"] == "utfall" else (r["basis"],)
        for b in bases:
            d = derived.get((*tuple(r[c] for c in key), b))
            if d:
                what = METRICS[r["metric"]].label.lower()
                where = ", ".join(f"rad {x['line']}" for x in rows)
                unit = "\u00a0%" if r["unit"] == "%" else "\u00a0kr"
                computed = fmt_decimal(d["value"], decimals_of(r["printed"]) + 1)  # one decimal finer than printed
                out.append(
                    _finding(
                        "andel",
                        [*rows, d],
                        d["value"],
                        r["value"],
                        _half(r) + _half(d),
                        r["unit"],
                        f"{r['year']}: {what}{' (' + r['item'] + ')' if r['item'] else ''} "
                        f"anges som {r['printed']}{'' if r['printed'].rstrip().endswith('%') else unit} ({where}) "
                        f"men rapportens egna siffror ger {computed}{unit}",
                    )
                )
    return out


def check_parts(figures: pl.DataFrame) -> list[dict]:
    """Rows marked part_of a total (or a sub-total) sum to it.

    Parts are summed within their table; parts spread over several sections of a document
    (one insats per section, say) whose total stands elsewhere are summed together.
    """
    out = []
    stated = _stated(figures)
    groups = _by(
        stated.filter(pl.col("part_of").is_not_null()),
        "document",
        "section",
        "year",
        "basis",
        "period",
        "metric",
        "part_of",
    )
    resolved: list[tuple[str, list[dict], dict]] = []
    orphans: dict[tuple, list[dict]] = defaultdict(list)
    for (doc, section, year, basis, period, metric, parent), rows in groups.items():
        candidates = stated.filter(
            (pl.col("document") == doc)
            & (pl.col("year") == year)
            & (pl.col("basis") == basis)
            & (pl.col("period") == period)
            & (pl.col("metric") == metric)
        )
        if parent == "TOTAL":
            candidates = candidates.filter(pl.col("item").is_null() & pl.col("kommun").is_null())
        else:
            candidates = candidates.filter(pl.col("item") == parent)
        same_section = candidates.filter(pl.col("section") == section)
        if same_section.height:
            resolved.append((section, rows, representatives(same_section).row(0, named=True)))
        elif candidates.height:
            orphans[(doc, year, basis, period, metric, parent)].extend(rows)
    for (doc, year, basis, period, metric, parent), rows in orphans.items():
        pool = stated.filter(
            (pl.col("document") == doc)
            & (pl.col("year") == year)
            & (pl.col("basis") == basis)
            & (pl.col("period") == period)
            & (pl.col("metric") == metric)
            & (pl.col("item").is_null() if parent == "TOTAL" else pl.col("item") == parent)
        )
        rows = list({r["item"]: r for r in rows}.values())  # one row per item across sections
        sections = sorted({r["section"] for r in rows})
        resolved.append((" + ".join(sections), rows, representatives(pool).row(0, named=True)))
    for section, rows, total in resolved:
        metric = total["metric"]
        expected = sum(r["value"] for r in rows)
        name = "totalen" if total["item"] is None else f"'{total['item']}'"
        out.append(
            _finding(
                "delar_summa",
                [total, *rows],
                expected,
                total["value"],
                sum(_half(r) for r in rows) + _half(total),
                METRICS[metric].unit,
                f"{section} {total['year']} ({total['basis']}): {len(rows)} delposter av "
                f"{METRICS[metric].label.lower()} summerar inte till {name}",
            )
        )
    return out


_SEX_TRIPLES = [
    ("deltagare", "deltagare_kvinnor", "deltagare_man"),
    ("nya_deltagare", "nya_deltagare_kvinnor", "nya_deltagare_man"),
    ("avslutade_deltagare", "avslutade_deltagare_kvinnor", "avslutade_deltagare_man"),
    ("avslutade_arbete_studier", "avslutade_arbete_studier_kvinnor", "avslutade_arbete_studier_man"),
]


def check_sex_split(figures: pl.DataFrame) -> list[dict]:
    """Kvinnor + män = total, row by row."""
    out = []
    for (_doc, section, _line, year, item), rows in _by(
        _stated(figures), "document", "section", "line", "year", "item"
    ).items():
        t = {r["metric"]: r for r in rows}
        for total, women, men in _SEX_TRIPLES:
            if total in t and women in t and men in t:
                out.append(
                    _finding(
                        "kon_summa",
                        [t[total], t[women], t[men]],
                        t[women]["value"] + t[men]["value"],
                        t[total]["value"],
                        _half(t[women]) + _half(t[men]) + _half(t[total]),
                        "personer",
                        f"{section} {year}: kvinnor + män ≠ {METRICS[total].label.lower()}"
                        + (f" ({item})" if item else ""),
                    )
                )
    return out


def check_hae(figures: pl.DataFrame) -> list[dict]:
    """The six benefit categories sum to Totalt for each kommun (HÅE are rounded, so a little slack)."""
    out = []
    hae = _stated(figures).filter(pl.col("metric").is_in([*HAE_CATEGORIES, "hae_totalt"]))
    for (_doc, year, period, band, kommun), rows in _by(
        hae, "document", "year", "period", "age_band", "kommun"
    ).items():
        t = {r["metric"]: r for r in rows}
        if "hae_totalt" not in t:
            continue
        parts = [t[m] for m in HAE_CATEGORIES if m in t]
        out.append(
            _finding(
                "hae_summa",
                [t["hae_totalt"], *parts],
                sum(p["value"] for p in parts),
                t["hae_totalt"]["value"],
                sum(_half(p) for p in parts) + _half(t["hae_totalt"]),
                "HÅE",
                f"{kommun} {period} {year} ({band} år): kategorierna summerar inte till Totalt",
            )
        )
    return out


def check_same_figure(figures: pl.DataFrame) -> list[dict]:
    """One figure printed in several places (or documents) must have one value.

    Copies that agree within rounding form a cluster; the cluster with the most copies (then
    the finest precision) is taken as the reference, and each other cluster is one finding.
    """
    out = []
    key = ("forbund", "year", "period", "metric", "basis", "item", "kommun", "age_band", "definition")
    for _k, rows in _by(_stated(figures), *key).items():
        if len(rows) < 2:
            continue
        clusters: list[list[dict]] = []
        for r in sorted(rows, key=lambda r: (r["precision"], section_rank(r["section"]), r["document"], r["line"])):
            for c in clusters:
                if abs(c[0]["value"] - r["value"]) <= _half(c[0]) + _half(r) + EPS:
                    c.append(r)
                    break
            else:
                clusters.append([r])
        if len(clusters) < 2:
            continue
        clusters.sort(key=lambda c: (-len(c), c[0]["precision"], section_rank(c[0]["section"])))
        ref = clusters[0]
        base = ref[0]

        def places(c: list[dict], base: dict = base) -> str:
            docs = {x["document"] for x in c}
            return ", ".join(
                (f"{x['document']} " if len(docs) > 1 or x["document"] != base["document"] else "") + f"rad {x['line']}"
                for x in c
            )

        for other in clusters[1:]:
            o = other[0]
            what = METRICS[base["metric"]].label.lower()
            if _thousandfold(base, o):
                out.append(
                    _unit_finding([*ref, *other], base, o, f"{base['year']}: {what}", places(ref), places(other))
                )
                continue
            extra = (
                (f" ({base['item']})" if base["item"] else "")
                + (f" ({base['basis']})" if base["basis"] != "utfall" else "")
                + (f" ({base['kommun']})" if base["kommun"] else "")
            )
            out.append(
                _finding(
                    "samma_figur",
                    [*ref, *other],
                    base["value"],
                    o["value"],
                    _half(base) + _half(o),
                    base["unit"],
                    f"{base['year']}: {what}{extra} anges som {o['printed']} ({places(other)}) "
                    f"men som {base['printed']} ({places(ref)}) [{base['document']}]",
                )
            )
    return out


def _thousandfold(a: dict, b: dict) -> bool:
    """Two amounts a thousand times apart (within what their rounding allows): one was entered in the wrong unit."""
    if a["unit"] != "kr" or not a["value"] or not b["value"]:
        return False
    big, small = (a, b) if abs(a["value"]) > abs(b["value"]) else (b, a)
    return abs(abs(big["value"]) - 1000 * abs(small["value"])) <= _half(big) + 1000 * _half(small) + 1000 * EPS


def _unit_finding(rows: list[dict], base: dict, other: dict, what: str, at_base: str, at_other: str) -> dict:
    more = "mer" if abs(other["value"]) > abs(base["value"]) else "mindre"
    return _finding(
        "enhet",
        rows,
        base["value"],
        other["value"],
        _half(base) + _half(other),
        base["unit"],
        f"troligen tkr/kr-förväxling: {what} är {other['printed']} {other['printed_unit']} ({at_other}) men "
        f"{base['printed']} {base['printed_unit']} ({at_base}), tusen gånger {more} [{base['document']}]",
    )


# A förbund's totals lie within a factor of this of each other (income, costs, contributions, assets).
_SCALE_METRICS = ("verksamhetens_intakter", "verksamhetens_kostnader", "medlemsbidrag", "summa_tillgangar")


def check_unit_scale(figures: pl.DataFrame) -> list[dict]:
    """A total a thousand times larger or smaller than the same document's other totals was entered in the wrong
    unit (tkr for kr, or kr for tkr), even where it is printed only once."""
    out = []
    stated = _stated(figures).filter(
        pl.col("metric").is_in(list(_SCALE_METRICS)) & pl.col("item").is_null() & (pl.col("value") != 0)
    )
    for (_doc,), rows in _by(stated, "document").items():
        if len(rows) < 3:
            continue
        mags = sorted(abs(r["value"]) for r in rows)
        median = mags[len(mags) // 2]
        for r in rows:
            ratio = abs(r["value"]) / median
            if 300 <= ratio <= 3000 or 1 / 3000 <= ratio <= 1 / 300:
                typical = next(x for x in rows if abs(x["value"]) == median)
                what = f"{r['year']}: {METRICS[r['metric']].label.lower()}"
                out.append(
                    _unit_finding(
                        [typical, r],
                        typical,
                        r,
                        what,
                        f"övriga belopp omkring {typical['printed']}",
                        f"rad {r['line']}",
                    )
                )
    return out


CHECKS: dict[str, Callable[[pl.DataFrame], list[dict]]] = {
    "balansrakning": check_balance,
    "resultat": check_result,
    "eget_kapital_rullning": check_equity_roll,
    "kassaflode": check_cash,
    "kostnadsfordelning": check_cost_split,
    "andel": check_stated_vs_computed,
    "delar_summa": check_parts,
    "kon_summa": check_sex_split,
    "hae_summa": check_hae,
    "samma_figur": check_same_figure,
    "enhet": check_unit_scale,
}


def run_checks(figures: pl.DataFrame, only: Iterable[str] | None = None) -> pl.DataFrame:
    """All findings over stated and derived figures, in a stable order."""
    rows: list[dict] = []
    for name, fn in CHECKS.items():
        if only is not None and name not in only:
            continue
        rows.extend(f for f in fn(figures) if f is not None)
    df = pl.DataFrame(rows, schema=FINDINGS_SCHEMA) if rows else pl.DataFrame(schema=FINDINGS_SCHEMA)
    return df.sort("forbund", "year", "check", "description")
