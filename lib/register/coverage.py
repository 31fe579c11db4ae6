"""Coverage: which förbund are known (the register, and those known only from their reports), which kommun belongs
to which förbund in a given year, and which förbund have published which documents for which years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from lib.data import Dataset
from lib.format import sv_key
from lib.register.entries import entries_of

# The map's three kinds of "no value", told apart (lib.views_map).
NO_FORBUND = "Kommun utan samordningsförbund i registret"
NO_REPORT = "Förbundet saknar publicerad årsredovisning"
NO_MEASURE = "Måttet saknas i rapporten"

COVERAGE_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Årsredovisning": pl.String,
    "Årsredovisning publicerad": pl.String,
    "Årsredovisning av": pl.String,
    "Verksamhetsplan": pl.String,
    "Verksamhetsplan publicerad": pl.String,
    "Verksamhetsplan av": pl.String,
    "Anmärkningar": pl.Int32,
    "I registret": pl.String,
    "Fullständigt namn": pl.String,
}
PUBLISHED, CURATED, MISSING = "publicerad", "kurerad", "saknas"
NOT_GIVEN = "–"
CURATED_BY = "projektet (git)"  # a curated document: reviewed in the project's repository, no publisher


@dataclass(frozen=True)
class Known:
    """A förbund the dashboard knows: from the register, from its reports, or both."""

    slug: str
    name: str
    short_name: str
    kommuner: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    in_register: bool
    with_reports: bool

    def active_in(self, year: int) -> bool:
        """Active on some day of ``year``."""
        return (self.valid_from is None or self.valid_from <= date(year, 12, 31)) and (
            self.valid_to is None or self.valid_to >= date(year, 1, 1)
        )

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)


def known(ds: Dataset) -> dict[str, Known]:
    """slug → every förbund known: the register's entries (its names, kommuner and dates win), then the förbund
    known only from their reports (their member kommuner as lib.membership resolved them, no dates)."""
    reported = set(ds.forbund["forbund"].to_list())
    out = {}
    for e in entries_of(ds.register):
        out[e.forbund] = Known(
            e.forbund,
            e.name,
            e.short_name,
            e.kommuner,
            date.fromisoformat(e.valid_from) if e.valid_from else None,
            date.fromisoformat(e.valid_to) if e.valid_to else None,
            True,
            e.forbund in reported,
        )
    codes: dict[str, list[str]] = {}
    for slug, code in ds.kommuner.select("forbund", "kommun_kod").rows():
        codes.setdefault(slug, []).append(code)
    for r in ds.forbund.iter_rows(named=True):
        if r["forbund"] not in out:
            kommuner = tuple(dict.fromkeys(codes.get(r["forbund"], [])))
            out[r["forbund"]] = Known(r["forbund"], r["name"], r["short_name"], kommuner, None, None, False, True)
    return out


def membership(ds: Dataset, year: int | None) -> dict[str, str]:
    """kommun code → slug of its förbund at the end of ``year`` (today when None): a förbund that ended during
    the year has given way to its successor; förbund known only from reports count every year."""
    day = date(year, 12, 31) if year else date.today()
    out: dict[str, str] = {}
    forbund = sorted(known(ds).values(), key=lambda k: (not k.in_register, k.slug))
    for k in forbund:
        if k.active_on(day):
            for code in k.kommuner:
                out.setdefault(code, k.slug)
    return out


def annual_report_years(ds: Dataset) -> dict[str, set[int]]:
    """slug → the years it has an årsredovisning in the comparison (curated or published)."""
    out: dict[str, set[int]] = {}
    for slug, year in ds.documents.filter(pl.col("type") == "årsredovisning").select("forbund", "year").rows():
        out.setdefault(slug, set()).add(int(year))
    return out


def coverage_years(ds: Dataset) -> list[int]:
    """The years the coverage table spans: from the first to the last year any document is for."""
    years = ds.documents["year"].to_list()
    return list(range(min(years), max(years) + 1)) if years else []


def coverage_table(ds: Dataset, years: list[int] | None = None) -> pl.DataFrame:
    """One row per known förbund and year it was active: årsredovisning and verksamhetsplan in the comparison or
    not, when and by whom published, and the number of findings (lib.checks) that cite lines of those documents."""
    years = coverage_years(ds) if years is None else years
    docs: dict[tuple[str, str, int], dict] = {}
    for d in ds.documents.iter_rows(named=True):
        docs[(d["forbund"], d["type"], int(d["year"]))] = d
    findings: dict[str, set[int]] = {}  # document → the findings (their row numbers) that cite its lines
    for i, ids in enumerate(ds.findings["figure_ids"].to_list()):
        for fid in ids or []:
            findings.setdefault(fid.split(":", 1)[0], set()).add(i)
    rows = []
    for k in sorted(known(ds).values(), key=lambda k: sv_key(k.short_name)):
        for year in years:
            if not k.active_in(year):
                continue
            row = {
                "Förbund": k.short_name,
                "slug": k.slug,
                "År": year,
                "I registret": "ja" if k.in_register else "nej",
                "Fullständigt namn": k.name,
            }
            cited: set[int] = set()
            for kind, col in (("årsredovisning", "Årsredovisning"), ("verksamhetsplan", "Verksamhetsplan")):
                d = docs.get((k.slug, kind, year))
                status, at, by = _document_state(d)
                row.update({col: status, f"{col} publicerad": at, f"{col} av": by})
                cited |= findings.get(d["document"], set()) if d else set()
            row["Anmärkningar"] = len(cited)
            rows.append(row)
    return pl.DataFrame(rows, schema=COVERAGE_COLUMNS) if rows else pl.DataFrame(schema=COVERAGE_COLUMNS)


def _document_state(d: dict | None) -> tuple[str, str, str]:
    if d is None:
        return MISSING, NOT_GIVEN, NOT_GIVEN
    if d.get("origin") == "publicerad":
        return PUBLISHED, str(d.get("published_at") or "")[:10] or NOT_GIVEN, d.get("published_by") or NOT_GIVEN
    return CURATED, NOT_GIVEN, CURATED_BY


def coverage_sentence(ds: Dataset, year: int | None = None) -> str:
    """ "3 av 4 kända förbund har en årsredovisning för 2023" (the latest year with any årsredovisning when None)."""
    reports = annual_report_years(ds)
    all_years = sorted({y for ys in reports.values() for y in ys})
    if year is None:
        if not all_years:
            return f"Inget av {len(known(ds))} kända förbund har en årsredovisning i jämförelsen ännu."
        year = all_years[-1]
    active = [k for k in known(ds).values() if k.active_in(year)]
    have = [k for k in active if year in reports.get(k.slug, set())]
    return f"{len(have)} av {len(active)} kända förbund har en årsredovisning för {year}."
