"""Derived figures: eget kapital roll-backs and plan path, ratios, cost split, outcome shares, per-participant cost.

Every derived row names the figures it was computed from (``derived_from``). A row derived only
from actual outcomes has basis ``härledd``; one derived from budget or plan figures keeps that
basis, so a planned path stays a plan.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from lib.registry import COST_CATEGORIES, SPLIT_CATEGORY
from lib.schema import FIGURES_SCHEMA, conform

Key = tuple

# Prefer the financial statements when a figure is printed in several places.
_SECTION_RANK = ("resultaträkning", "balansräkning", "kassaflöde", "not", "drift", "tilläggsupplysningar", "översikt")


def section_rank(section: str) -> int:
    """Lower is more authoritative: financial statements, notes, tables, then narrative text."""
    s = section.lower()
    return next((i for i, word in enumerate(_SECTION_RANK) if word in s), len(_SECTION_RANK))


def section_rank_expr(column: str = "section") -> pl.Expr:
    """:func:`section_rank` as a Polars expression: no Python callback inside Polars (see lib/pyvalues.py)."""
    lower = pl.col(column).str.to_lowercase()
    rank = pl.lit(len(_SECTION_RANK), dtype=pl.Int32)
    for i, word in reversed(list(enumerate(_SECTION_RANK))):  # the first word that matches wins
        rank = pl.when(lower.str.contains(word, literal=True)).then(pl.lit(i, dtype=pl.Int32)).otherwise(rank)
    return pl.when(pl.col(column).is_null()).then(pl.lit(None, dtype=pl.Int32)).otherwise(rank)


REP_KEY = ["forbund", "year", "period", "metric", "basis", "item", "kommun", "age_band", "definition"]


def representatives(figures: pl.DataFrame) -> pl.DataFrame:
    """One figure per key (förbund, year, period, metric, basis, item, kommun, age band, definition).

    Stated figures win over derived ones. Among stated copies, the value most copies agree on
    (within rounding) wins, so a single typo never becomes the figure shown; then the finest
    printed precision, then the financial statements over the narrative. The other copies stay
    in the data, and a check reports the disagreement.
    """
    if figures.height == 0:
        return figures
    ordered = (
        figures.with_columns(
            pl.col("derived_from").is_not_null().alias("_derived"),
            section_rank_expr().alias("_rank"),
        )
        .sort(["_derived", "precision", "_rank", "document", "line"], nulls_last=True)
        .with_columns(pl.int_range(pl.len()).alias("_i"), pl.len().over(REP_KEY).alias("_n"))
    )
    # Most keys have one copy: kept as they are. Only keys printed several times are weighed, in Python.
    keep: list[int] = []
    groups: dict[tuple, list[dict]] = {}
    for r in ordered.filter(pl.col("_n") > 1).iter_rows(named=True):
        groups.setdefault(tuple(r[k] for k in REP_KEY), []).append(r)
    for rows in groups.values():
        keep.append(best_copy(rows)["_i"])
    return (
        ordered.filter((pl.col("_n") == 1) | pl.col("_i").is_in(keep)).sort("_i").drop("_derived", "_rank", "_i", "_n")
    )


def best_copy(rows: list[dict]) -> dict:
    """The copy to show among several of one figure (rows already in precision/section order).

    A stated copy beats a derived one; among stated copies the value most copies agree on wins, so a
    single typo never becomes the figure shown; then the order given (finest precision, statements first).
    """
    stated = [r for r in rows if r["derived_from"] is None]
    if not stated:
        return rows[0]
    support = [
        sum(1 for o in stated if abs(o["value"] - r["value"]) <= (rounding_step(o) + rounding_step(r)) / 2 + 1e-6)
        for r in stated
    ]
    return stated[max(range(len(stated)), key=lambda i: (support[i], -i))]


def copy_order(r: dict) -> tuple:
    """Sort key for copies of one figure: stated first, finest precision, statements before text."""
    return (
        r["derived_from"] is not None,
        r["precision"],
        section_rank(r["section"] or ""),
        r["document"] or "",
        r["line"] if r["line"] is not None else 1 << 30,
    )


def _lookup(figures: pl.DataFrame) -> dict[Key, dict]:
    """Representative figures of the whole förbund (any item) keyed for quick access."""
    out: dict[Key, dict] = {}
    for r in representatives(figures).iter_rows(named=True):
        out[(r["forbund"], r["year"], r["period"], r["metric"], r["basis"], r["item"], r["kommun"], r["age_band"])] = r
    return out


def _row(
    template: dict,
    metric: str,
    value: float,
    unit: str,
    sources: Iterable[dict],
    basis: str | None = None,
    precision: float | None = None,
    note: str | None = None,
    **overrides,
) -> dict:
    srcs = list(sources)
    bases = {s["basis"] for s in srcs}
    if basis is None:
        basis = "härledd" if bases <= {"utfall", "härledd"} else ("plan" if "plan" in bases else "budget")
    ids = [s["figure_id"] for s in srcs]
    row = {c: None for c in FIGURES_SCHEMA}
    row.update(
        forbund=template["forbund"],
        document=template["document"],
        year=template["year"],
        period=template.get("period") or "helår",
        metric=metric,
        value=value,
        unit=unit,
        basis=basis,
        item=template.get("item"),
        item_kind=template.get("item_kind"),
        kommun=template.get("kommun"),
        age_band=template.get("age_band"),
        definition=template.get("definition"),
        precision=precision if precision is not None else sum(rounding_step(s) for s in srcs),
        printed=None,
        printed_unit=None,
        section="härledd",
        line=None,
        page=None,
        label=None,
        derived_from=" + ".join(ids),
        note=note,
    )
    row.update(overrides)
    row["figure_id"] = "härledd:" + ":".join(
        str(x)
        for x in (
            row["forbund"],
            row["year"],
            row["metric"],
            row["basis"],
            row["period"],
            row["item"] or "",
            row["kommun"] or "",
            row["age_band"] or "",
        )
    ).rstrip(":")
    return row


# Amounts printed to the krona are exact book figures; these kr metrics are rounded results of a division.
ROUNDED_KR_METRICS = frozenset({"kostnad_per_deltagare"})


def rounding_step(r: dict) -> float:
    """The rounding step behind a figure: 1 000 for tkr, 0,1 for "20,5 %", 0 for exact kronor and head counts."""
    p = r.get("precision") or 0.0
    if r.get("unit") == "kr" and p <= 1 and r.get("metric") not in ROUNDED_KR_METRICS:
        return 0.0
    return p


def _ratio_precision(a: dict, b: dict, scale: float = 100.0) -> float:
    """Uncertainty of a/b×scale from the inputs' rounding (half a step each), stored as a step."""
    ratio = abs(a["value"] / b["value"]) * scale
    rel = (rounding_step(a) / 2) / max(abs(a["value"]), 1e-9) + (rounding_step(b) / 2) / max(abs(b["value"]), 1e-9)
    return 2 * ratio * rel


class Deriver:
    """Adds derived rows in dependency order; each step sees the rows of the steps before it."""

    def __init__(self, figures: pl.DataFrame, forbund: pl.DataFrame, mappings: pl.DataFrame):
        self.figures = figures
        self.forbund = forbund
        self.mappings = mappings
        self.rows: list[dict] = []

    def _all(self) -> pl.DataFrame:
        if not self.rows:
            return self.figures
        return pl.concat(
            [self.figures, conform(pl.DataFrame(self.rows, schema=FIGURES_SCHEMA, strict=False), FIGURES_SCHEMA)]
        )

    def _add(self, rows: list[dict]) -> None:
        self.rows.extend(rows)

    def run(self) -> pl.DataFrame:
        for step in (
            self.totals_from_parts,
            self.medlemsbidrag_from_income,
            self.eget_kapital,
            self.cost_split,
            self.ratios,
            self.outcome_shares,
            self.cost_per_participant,
        ):
            self._add(step())
        return (
            conform(pl.DataFrame(self.rows, schema=FIGURES_SCHEMA, strict=False), FIGURES_SCHEMA)
            if self.rows
            else pl.DataFrame(schema=FIGURES_SCHEMA)
        )

    # -- steps -----------------------------------------------------------------------------

    def totals_from_parts(self) -> list[dict]:
        """A total given only as parts: medlemsbidrag from members, finished participants from insatser."""
        out = []
        figs = self.figures.filter(pl.col("derived_from").is_null())
        for metric in (
            "medlemsbidrag",
            "deltagare",
            "deltagare_kvinnor",
            "deltagare_man",
            "avslutade_deltagare",
            "avslutade_stegforflyttning",
            "avslutade_arbete_studier",
        ):
            m = figs.filter(pl.col("metric") == metric)
            totals = {
                (r["forbund"], r["year"], r["basis"]) for r in m.filter(pl.col("item").is_null()).iter_rows(named=True)
            }
            parts = m.filter(
                pl.col("item").is_not_null()
                & ((pl.col("part_of") == "TOTAL") | (pl.col("item_kind") == "medlem"))
                & pl.col("qualifier").is_null()
            ).unique(subset=["forbund", "year", "basis", "document", "item"], keep="first", maintain_order=True)
            for (forbund, year, basis, _document), grp in parts.group_by(
                ["forbund", "year", "basis", "document"], maintain_order=True
            ):
                if (forbund, year, basis) in totals:
                    continue
                rows = list(grp.iter_rows(named=True))
                totals.add((forbund, year, basis))
                template = {**rows[0], "item": None, "item_kind": None}
                out.append(
                    _row(
                        template,
                        metric,
                        sum(r["value"] for r in rows),
                        rows[0]["unit"],
                        rows,
                        note=f"Summa av {len(rows)} delposter: " + ", ".join(r["item"] for r in rows),
                    )
                )
        return out

    def medlemsbidrag_from_income(self) -> list[dict]:
        """Where the report says its income is the members' contributions, earlier years' medlemsbidrag = intäkter."""
        out = []
        flagged = self.forbund.filter(pl.col("income_is_medlemsbidrag_line").is_not_null())
        if flagged.height == 0:
            return out
        look = _lookup(self._all())
        for f in flagged.iter_rows(named=True):
            have = {
                k[1]
                for k in look
                if k[0] == f["forbund"] and k[3] == "medlemsbidrag" and k[4] == "utfall" and k[5] is None
            }
            for k, r in look.items():
                if (
                    k[0] == f["forbund"]
                    and k[3] == "verksamhetens_intakter"
                    and k[4] == "utfall"
                    and k[5] is None
                    and k[1] not in have
                ):
                    out.append(
                        _row(
                            r,
                            "medlemsbidrag",
                            r["value"],
                            "kr",
                            [r],
                            note=f"Rapporten anger att intäkterna består av medlemsavgifterna "
                            f"({f['income_is_medlemsbidrag_document']} rad {f['income_is_medlemsbidrag_line']})",
                        )
                    )
        return out

    def eget_kapital(self) -> list[dict]:
        """Year-end equity where not printed: opening + result, next year's opening, or rolled back."""
        out: list[dict] = []
        look = _lookup(self._all())

        def get(forbund, year, metric, basis):
            return look.get((forbund, year, "helår", metric, basis, None, None, None))

        forbunds = sorted({k[0] for k in look})
        for forbund in forbunds:
            # Plan and budget path: medel att disponera − kostnader, both from the same plan document.
            plan_rows = self._all().filter(
                (pl.col("forbund") == forbund)
                & pl.col("basis").is_in(["budget", "plan"])
                & pl.col("item").is_null()
                & pl.col("metric").is_in(["medel_att_disponera", "verksamhetens_kostnader", "eget_kapital"])
            )
            for (_document, y, basis), grp in plan_rows.group_by(["document", "year", "basis"], maintain_order=True):
                by_metric = {r["metric"]: r for r in grp.iter_rows(named=True)}
                m, c = by_metric.get("medel_att_disponera"), by_metric.get("verksamhetens_kostnader")
                if m and c and "eget_kapital" not in by_metric:
                    r = _row(
                        m,
                        "eget_kapital",
                        m["value"] - c["value"],
                        "kr",
                        [m, c],
                        basis=basis,
                        note="Planerat eget kapital vid årets slut: medel att disponera minus kostnader",
                    )
                    out.append(r)
                    look[(forbund, y, "helår", "eget_kapital", basis, None, None, None)] = r
            years = sorted({k[1] for k in look if k[0] == forbund and k[4] == "utfall"})
            if not years:
                continue
            # Forward: opening + result of the same year, or next year's opening.
            for y in years:
                if get(forbund, y, "eget_kapital", "utfall") or get(forbund, y, "eget_kapital", "härledd"):
                    continue
                ing, res = (
                    get(forbund, y, "eget_kapital_ingaende", "utfall"),
                    get(forbund, y, "arets_resultat", "utfall"),
                )
                nxt = get(forbund, y + 1, "eget_kapital_ingaende", "utfall")
                if ing and res:
                    r = _row(
                        ing,
                        "eget_kapital",
                        ing["value"] + res["value"],
                        "kr",
                        [ing, res],
                        note="Eget kapital vid årets början plus årets resultat",
                    )
                elif nxt:
                    r = _row(
                        {**nxt, "year": y},
                        "eget_kapital",
                        nxt["value"],
                        "kr",
                        [nxt],
                        note=f"Eget kapital vid början av {y + 1}",
                    )
                else:
                    continue
                out.append(r)
                look[(forbund, y, "helår", "eget_kapital", "härledd", None, None, None)] = r
            # Backward: equity at the end of year y−1 = equity at end of y − result of y.
            y = max(years)
            while True:
                cur = get(forbund, y, "eget_kapital", "utfall") or get(forbund, y, "eget_kapital", "härledd")
                res = get(forbund, y, "arets_resultat", "utfall")
                if not (cur and res):
                    break
                if not (
                    get(forbund, y - 1, "eget_kapital", "utfall") or get(forbund, y - 1, "eget_kapital", "härledd")
                ):
                    r = _row(
                        {**res, "year": y - 1},
                        "eget_kapital",
                        cur["value"] - res["value"],
                        "kr",
                        [cur, res],
                        note=f"Eget kapital vid slutet av {y} minus årets resultat {y}",
                    )
                    out.append(r)
                    look[(forbund, y - 1, "helår", "eget_kapital", "härledd", None, None, None)] = r
                y -= 1
        return out

    def cost_split(self) -> list[dict]:
        """Administration / individinriktat / strukturövergripande from the mapped report rows."""
        from lib.costs import mapped_rows  # local import: costs uses derive's helpers

        out = []
        figs = self.figures
        printed = {
            (r["forbund"], r["year"])
            for r in figs.filter(pl.col("metric").is_in(list(COST_CATEGORIES.values()))).iter_rows(named=True)
        }
        rows = mapped_rows(figs, self.mappings)
        for (forbund, year), grp in rows.group_by(["forbund", "year"], maintain_order=True):
            if (forbund, year) in printed:
                continue
            for category, metric in COST_CATEGORIES.items():
                part = [r for r in grp.iter_rows(named=True) if r["category"] == category]
                # No mapped row means the category is unknown for this report, not zero.
                if not part or (category == "ej_fordelad" and not any(r["value"] for r in part)):
                    continue
                template = {**part[0], "item": None, "item_kind": None}
                out.append(
                    _row(
                        template,
                        metric,
                        sum(r["value"] for r in part),
                        "kr",
                        part,
                        note=f"Summa av {len(part)} rader enligt kostnadsmappningen",
                    )
                )
        return out

    def ratios(self) -> list[dict]:
        """Percentages from their parts: eget kapital andel, soliditet, cost shares, HÅE share."""
        out = []
        look = _lookup(self._all())
        seen: set[Key] = set()
        for k, r in look.items():
            forbund, year, period, metric, basis, item, kommun, band = k
            if metric == "eget_kapital" and item is None:
                actual = basis in ("utfall", "härledd")
                den = (
                    (
                        look.get((forbund, year, period, "medlemsbidrag", "utfall", None, None, None))
                        or look.get((forbund, year, period, "medlemsbidrag", "härledd", None, None, None))
                    )
                    if actual
                    else look.get((forbund, year, period, "medlemsbidrag", basis, None, None, None))
                )
                if den and den["value"]:
                    out.append(
                        _row(
                            r,
                            "eget_kapital_andel",
                            100 * r["value"] / den["value"],
                            "%",
                            [r, den],
                            basis=None if actual else basis,
                            precision=_ratio_precision(r, den),
                            note="Eget kapital vid årets slut delat med årets medlemsbidrag",
                        )
                    )
            if metric == "summa_tillgangar" and item is None and basis == "utfall":
                ek = look.get((forbund, year, period, "eget_kapital", "utfall", None, None, None)) or look.get(
                    (forbund, year, period, "eget_kapital", "härledd", None, None, None)
                )
                if ek and r["value"]:
                    out.append(
                        _row(
                            r,
                            "soliditet",
                            100 * ek["value"] / r["value"],
                            "%",
                            [ek, r],
                            precision=_ratio_precision(ek, r),
                            note="Eget kapital delat med summa tillgångar",
                        )
                    )
            if metric == "hae_totalt":
                pop = look.get((forbund, year, period, "folkmangd", basis, item, kommun, band))
                if pop and pop["value"]:
                    out.append(
                        _row(
                            r,
                            "hae_andel",
                            100 * r["value"] / pop["value"],
                            "%",
                            [r, pop],
                            precision=_ratio_precision(r, pop),
                            note="Helårsekvivalenter delat med folkmängden",
                        )
                    )
            if metric in COST_CATEGORIES.values() and item is None and (forbund, year, basis) not in seen:
                seen.add((forbund, year, basis))
                parts = [
                    look.get((forbund, year, period, m, basis, None, None, None)) for m in COST_CATEGORIES.values()
                ]
                parts = [p for p in parts if p]
                total = sum(p["value"] for p in parts)
                for p in parts:
                    if p["metric"] == "kostnad_ej_fordelad" or not total:
                        continue
                    tot = {"value": total, "precision": sum(rounding_step(q) for q in parts)}
                    out.append(
                        _row(
                            p,
                            p["metric"] + "_andel",
                            100 * p["value"] / total,
                            "%",
                            parts,
                            basis=None if basis in ("utfall", "härledd") else basis,
                            precision=_ratio_precision(p, tot),
                            note="Andel av summan av kostnadskategorierna",
                        )
                    )
        return out

    def outcome_shares(self) -> list[dict]:
        """Share of *finished* participants reaching each outcome, per definition."""
        out = []
        look = _lookup(self._all())
        pairs = {
            "avslutade_arbete_studier": "avslutade_arbete_studier_andel",
            "avslutade_egen_forsorjning": "avslutade_egen_forsorjning_andel",
            "avslutade_stegforflyttning": "avslutade_stegforflyttning_andel",
        }
        for k, r in look.items():
            forbund, year, period, metric, basis, item, _kommun, _band = k
            if metric in pairs and r["qualifier"] is None:
                fin = look.get((forbund, year, period, "avslutade_deltagare", basis, item, None, None)) or look.get(
                    (forbund, year, period, "avslutade_deltagare", "härledd", item, None, None)
                )
                if fin and fin["value"] and fin["qualifier"] is None:
                    out.append(
                        _row(
                            r,
                            pairs[metric],
                            100 * r["value"] / fin["value"],
                            "%",
                            [r, fin],
                            precision=_ratio_precision(r, fin),
                            note=f"Andel av avslutade deltagare ({r['definition']})",
                        )
                    )
        return out

    def cost_per_participant(self) -> list[dict]:
        """Outcome cost of an insats divided by its participants (and individinriktat cost by all participants)."""
        out = []
        look = _lookup(self._all())
        for k, r in look.items():
            forbund, year, period, metric, basis, item, _kommun, _band = k
            if metric == "deltagare" and basis == "utfall" and r["qualifier"] is None and r["value"]:
                if item is None:
                    cost = look.get(
                        (forbund, year, period, "kostnad_individinriktat", "utfall", None, None, None)
                    ) or look.get((forbund, year, period, "kostnad_individinriktat", "härledd", None, None, None))
                    note = "Kostnad för individinriktade insatser delat med antal deltagare"
                else:
                    cost = look.get((forbund, year, period, "drift_kostnad", "utfall", item, None, None))
                    note = "Insatsens kostnad delat med dess deltagare"
                if cost:
                    out.append(
                        _row(
                            r,
                            "kostnad_per_deltagare",
                            cost["value"] / r["value"],
                            "kr",
                            [cost, r],
                            precision=_ratio_precision(cost, r, scale=1.0),
                            note=note,
                        )
                    )
        return out


def derive(figures: pl.DataFrame, forbund: pl.DataFrame, mappings: pl.DataFrame) -> pl.DataFrame:
    """All derived figures for the stated ones (not including the stated rows)."""
    return Deriver(figures, forbund, mappings).run()


__all__ = ["SPLIT_CATEGORY", "derive", "representatives"]
