"""Member kommuner per förbund with SCB kommun codes, resolved from the members table; unknown names,
a county count that does not match and a kommun in two förbund the same year are findings."""

from __future__ import annotations

import re

import polars as pl

from lib import geo
from lib.ingest import vocabulary as vocab

MEMBER_KOMMUNER_COLUMNS = {
    "forbund": pl.String,
    "kommun_kod": pl.String,
    "kommun": pl.String,
    "member": pl.String,  # as the members table has it (the report's wording)
    "how": pl.String,  # "namngiven i rapporten" or how a county wording was expanded
    "document": pl.String,
    "line": pl.Int32,
    "label": pl.String,
}
# "länets åtta kommuner", "alla kommuner i länet", "länets kommuner": the county's kommuner, by SCB's division.
_COUNTY = re.compile(r"(?i)\b(länets|alla)\b.*\bkommuner\b|\bkommuner(na)?\s+i\s+länet\b")


def is_county_wording(text: str) -> bool:
    """ "Länets åtta kommuner": all of the förbund's län, not one kommun's name."""
    return bool(_COUNTY.search(text))


def _stated_count(text: str) -> int | None:
    """The count in "länets åtta kommuner" / "länets 8 kommuner" (number words: the extractor's vocabulary)."""
    for word in re.findall(r"\w+", text.lower()):
        if word.isdigit():
            return int(word)
        value = vocab.word_value("talord", word)
        if value and int(value) > 1:  # "en"/"ett" is an article here ("en av länets kommuner"), not a count
            return int(value)
    return None


def _finding(slug: str, description: str, *, expected=None, found=None, year=None) -> dict:
    return {
        "forbund": slug,
        "year": year,
        "check": "medlemskommun",
        "severity": "motsägelse",
        "description": description,
        "expected": expected,
        "found": found,
        "difference": None if expected is None or found is None else found - expected,
        "tolerance": 0.0,
        "unit": "kommuner" if expected is not None else None,
        "figure_ids": [],
        "sources": None,
    }


def member_kommuner(members: pl.DataFrame, forbund: pl.DataFrame) -> tuple[pl.DataFrame, list[dict]]:
    """One row per förbund and member kommun (with its SCB code), and the findings where that failed."""
    lan_of = dict(zip(forbund["forbund"].to_list(), forbund["lan"].to_list(), strict=True))
    rows, findings = [], []
    for m in members.filter(pl.col("kind") == "kommun").iter_rows(named=True):
        slug, member = m["forbund"], m["member"]
        base = {"forbund": slug, "member": member, "document": m["document"], "line": m["line"], "label": m["label"]}
        hit = geo.lookup(member)
        if hit:
            rows.append({**base, "kommun_kod": hit[0], "kommun": hit[1], "how": "namngiven i rapporten"})
            continue
        if _COUNTY.search(member) and lan_of.get(slug):
            county = geo.lan_kommuner(lan_of[slug])
            stated = _stated_count(member)
            if county.height and (stated is None or stated == county.height):
                how = f"{lan_of[slug]}s kommuner enligt SCB:s indelning (rapporten: ”{member}”)"
                rows += [
                    {**base, "kommun_kod": k, "kommun": n, "how": how}
                    for k, n in county.select("kommun_kod", "kommun").rows()
                ]
                continue
            findings.append(
                _finding(
                    slug,
                    f"Rapporten anger ”{member}” men {lan_of[slug]} har {county.height} kommuner enligt SCB: "
                    "medlemskommunerna behöver anges med namn",
                    expected=float(county.height),
                    found=float(stated) if stated is not None else None,
                )
            )
            continue
        findings.append(
            _finding(slug, f"Medlemmen ”{member}” är ingen kommun i SCB:s kommunlista: ange kommunens namn")
        )
    df = pl.DataFrame(rows, schema=MEMBER_KOMMUNER_COLUMNS).unique(
        ["forbund", "kommun_kod"], keep="first", maintain_order=True
    )
    return df.sort("forbund", "kommun_kod"), findings


def membership_conflicts(member_kommuner: pl.DataFrame, figures: pl.DataFrame) -> list[dict]:
    """A kommun that belongs to two förbund in the same year of the data (years a förbund reports outcomes for)."""
    years = (
        figures.filter(pl.col("basis") == "utfall")
        .select("forbund", "year")
        .unique()
        .join(member_kommuner.select("forbund", "kommun_kod", "kommun"), on="forbund")
    )
    clash = (
        years.group_by("kommun_kod", "kommun", "year")
        .agg(pl.col("forbund").unique().sort())
        .filter(pl.col("forbund").list.len() > 1)
    )
    out = []
    for r in clash.sort("year", "kommun_kod").iter_rows(named=True):
        for slug in r["forbund"]:
            others = ", ".join(s for s in r["forbund"] if s != slug)
            out.append(
                _finding(
                    slug,
                    f"{r['kommun']} ({r['kommun_kod']}) är medlem både här och i {others} år {r['year']}",
                    year=r["year"],
                )
            )
    return out
