"""View model of the map of Sweden: every kommun with its förbund's value of a chosen measure (or its own SCB
HÅE share), sorted into a few labelled classes with fixed colours; "ingen uppgift" where there is none."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lib import geo
from lib.data import Dataset
from lib.format import (
    MAP_DIVERGING,
    MAP_NO_DATA,
    MAP_NO_FORBUND,
    MAP_NO_MEASURE,
    MAP_NO_REPORT,
    MAP_SEQUENTIAL,
    fmt_decimal,
)
from lib.register import coverage
from lib.register.coverage import NO_FORBUND, NO_MEASURE, NO_REPORT
from lib.views import LATEST, equity_ranking, names, resolve_year
from lib.views_costs import cost_split
from lib.views_participants import outcomes
from lib.views_scb import yearly_shares

NO_DATA = "Ingen uppgift"
# A förbund measure's kommuner without a value, in the legend's order (lib.register.coverage tells them apart).
MISSING = ((NO_MEASURE, MAP_NO_MEASURE), (NO_REPORT, MAP_NO_REPORT), (NO_FORBUND, MAP_NO_FORBUND))


@dataclass(frozen=True)
class Measure:
    label: str  # the legend's and the title's name
    short: str  # the hover's
    limits: tuple[float, float, float]  # class upper bounds (a value equal to a bound is in the lower class)
    colours: tuple[str, str, str, str]
    per_kommun: bool = False  # the kommun's own value (SCB) rather than its förbund's
    definition: str = ""  # outcome measures: only förbund that report with this definition

    def classes(self) -> list[str]:
        a, b, c = (fmt_decimal(x, 0) for x in self.limits)
        return [f"högst {a} %", f"{a}–{b} %", f"{b}–{c} %", f"över {c} %"]


MEASURES: dict[str, Measure] = {
    "eget_kapital": Measure(
        "Eget kapital, andel av årets medlemsbidrag (taket 20 %)",
        "Eget kapital mot taket",
        (10, 20, 30),
        MAP_DIVERGING,
    ),
    "administration": Measure(
        "Administrationens andel av kostnaderna", "Administrationens andel", (10, 15, 20), MAP_SEQUENTIAL
    ),
    "arbete_studier": Measure(
        "Avslutade deltagare till arbete eller studier (andel)",
        "Till arbete eller studier",
        (25, 40, 55),
        MAP_SEQUENTIAL,
        definition="arbete/studier",
    ),
    "stegforflyttning": Measure(
        "Avslutade deltagare med positiv stegförflyttning (andel)",
        "Positiv stegförflyttning",
        (25, 50, 75),
        MAP_SEQUENTIAL,
        definition="positiv stegförflyttning",
    ),
    "hae": Measure(
        "Helårsekvivalenter, andel av befolkningen (SCB)",
        "Helårsekvivalenter (SCB)",
        (8, 11, 14),
        MAP_SEQUENTIAL,
        per_kommun=True,
    ),
}
MAP_COLUMNS = {
    "kommun_kod": pl.String,
    "Kommun": pl.String,
    "Län": pl.String,
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Värde (%)": pl.Float64,
    "Klass": pl.String,
    "Färg": pl.String,
    "Anmärkning": pl.String,
    "figure_ids": pl.List(pl.String),  # the report lines behind a förbund's value (none for SCB's)
}


def classify(value: float | None, measure: Measure, missing: str = NO_DATA) -> tuple[str, str]:
    """(class label, colour) of a value; for none, the kind of missing (``missing``) and its colour."""
    if value is None:
        return missing, dict(MISSING).get(missing, MAP_NO_DATA)
    labels = measure.classes()
    for i, limit in enumerate(measure.limits):
        if value <= limit + 1e-9:
            return labels[i], measure.colours[i]
    return labels[-1], measure.colours[-1]


def _forbund_values(ds: Dataset, key: str, choice: str) -> dict[str, tuple]:
    """slug → (year, value, note, figure_ids) for the förbund measures."""
    slugs = list(names(ds))
    out: dict[str, tuple] = {}
    if key == "eget_kapital":
        for r in equity_ranking(ds, slugs, choice).iter_rows(named=True):
            over = " (över taket)" if r["Över taket"] else ""
            out[r["slug"]] = (r["År"], r["Andel (%)"], f"taket {fmt_decimal(r['Tak (%)'], 0)} %{over}", r["figure_ids"])
    elif key == "administration":
        for r in cost_split(ds, slugs, choice).iter_rows(named=True):
            note = None if r["Administration (%)"] is not None else "rapporten skiljer inte ut administrationen"
            out[r["slug"]] = (r["År"], r["Administration (%)"], note, r["figure_ids"])
    else:
        definition = MEASURES[key].definition
        o = outcomes(ds, slugs, choice).filter(pl.col("Insats").is_null())
        for r in o.iter_rows(named=True):
            if r["Definition"] == definition:
                out[r["slug"]] = (r["År"], r["Andel (%)"], "beräknad" if r["Beräknad"] else None, r["figure_ids"])
            elif r["slug"] not in out:
                out[r["slug"]] = (r["År"], None, f"redovisar med en annan definition ({r['Definition']})", [])
    return out


def map_table(ds: Dataset, key: str, choice: str = LATEST, scb: pl.DataFrame | None = None) -> tuple[pl.DataFrame, str]:
    """One row per kommun in Sweden (290) and the period the values are from, in words."""
    measure = MEASURES[key]
    known = coverage.known(ds)
    nm = {**{s: k.name for s, k in known.items()}, **names(ds)}
    k = geo.kommuner()
    year_shown = None if choice == LATEST else int(choice)
    member_of = coverage.membership(ds, year_shown)
    reports = coverage.annual_report_years(ds)
    rows, period = [], ""
    if measure.per_kommun:
        values, year, band = _scb_values(scb, choice)
        period = f"{year}, {band} år" if year else ""
        for r in k.iter_rows(named=True):
            value = values.get(r["kommun_kod"])
            slug = member_of.get(r["kommun_kod"])
            rows.append(
                _row(
                    r,
                    slug,
                    nm,
                    year if value is not None else None,
                    value,
                    measure,
                    None if value is not None else "SCB-uppgift saknas",
                )
            )
    else:
        values = _forbund_values(ds, key, choice)
        period = "senaste år per förbund" if choice == LATEST else choice
        for r in k.iter_rows(named=True):
            slug = member_of.get(r["kommun_kod"])
            if slug is None:
                note = "inget förbund i registret" + (f" {year_shown}" if year_shown else "")
                rows.append(_row(r, None, nm, year_shown, None, measure, note, missing=NO_FORBUND))
                continue
            has_report = (year_shown in reports.get(slug, set())) if year_shown else bool(reports.get(slug))
            if not has_report:
                note = "ingen publicerad årsredovisning" + (f" för {year_shown}" if year_shown else "")
                rows.append(_row(r, slug, nm, year_shown, None, measure, note, missing=NO_REPORT))
                continue
            year, value, note, ids = values.get(slug, (None, None, None, []))
            if year is None:
                try:
                    year = resolve_year(ds, slug, choice)
                except (KeyError, ValueError):
                    year = None
                note = "förbundet redovisar inte måttet" + (f" för {year}" if year else "")
            rows.append(_row(r, slug, nm, year, value, measure, note, ids, missing=NO_MEASURE))
    return pl.DataFrame(rows, schema=MAP_COLUMNS), period


def _row(r: dict, slug: str | None, nm: dict, year, value, measure: Measure, note, ids=(), missing=NO_DATA) -> dict:
    label, colour = classify(value, measure, missing)
    return {
        "kommun_kod": r["kommun_kod"],
        "Kommun": r["kommun"],
        "Län": r["lan"],
        "Förbund": nm.get(slug) if slug else None,
        "slug": slug,
        "År": year,
        "Värde (%)": value,
        "Klass": label,
        "Färg": colour,
        "Anmärkning": note,
        "figure_ids": list(ids),
    }


def _scb_values(scb: pl.DataFrame | None, choice: str) -> tuple[dict[str, float], int | None, str]:
    """kommun_kod → SCB's share (stated, else computed) for the chosen year; 20–64 where SCB has it."""
    if scb is None or scb.height == 0:
        return {}, None, ""
    y = yearly_shares(scb).filter(pl.col("kommun_kod") != geo.RIKET_CODE)
    years = sorted(set(y["year"].to_list()))
    year = years[-1] if choice == LATEST else int(choice)
    y = y.filter(pl.col("year") == year)
    bands = sorted(set(y["age_band"].to_list()))
    if not bands:
        return {}, year, ""
    band = "20–64" if "20–64" in bands else bands[0]
    chosen = y.filter((pl.col("age_band") == band) & pl.col("share").is_not_null())
    return dict(zip(chosen["kommun_kod"].to_list(), chosen["share"].to_list(), strict=True)), year, band


def legend_counts(table: pl.DataFrame, key: str) -> list[tuple[str, str, int]]:
    """(class, colour, number of kommuner) in legend order, the kinds of missing last (each with its count)."""
    measure = MEASURES[key]
    counts = dict(table.group_by("Klass").len().rows())
    missing = [(NO_DATA, MAP_NO_DATA)] if measure.per_kommun else list(MISSING)
    return [
        (c, col, counts.get(c, 0))
        for c, col in zip(
            [*measure.classes(), *(m for m, _ in missing)], [*measure.colours, *(c for _, c in missing)], strict=True
        )
    ]
