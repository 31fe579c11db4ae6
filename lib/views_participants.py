"""View models for participants: counts (kvinnor/män), per insats, history, outcomes per definition, cost per head."""

from __future__ import annotations

import polars as pl

from lib.data import Dataset
from lib.registry import OUTCOME_DEFINITIONS
from lib.views import findings_by_figure, flags_for, names, pick, resolve_year

PARTICIPANT_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Insats": pl.String,
    "Deltagare": pl.Float64,
    "Kvinnor": pl.Float64,
    "Män": pl.Float64,
    "Andel kvinnor (%)": pl.Float64,
    "Anmärkning": pl.String,
    "Avvikelser": pl.String,
    "figure_ids": pl.List(pl.String),
}


def participants(ds: Dataset, slugs: list[str], choice: str, per_insats: bool = False) -> pl.DataFrame:
    """Participants per förbund (or per insats) for the year: total, kvinnor and män where given."""
    nm = names(ds)
    index = findings_by_figure(ds)
    rows = []
    for slug in slugs:
        year = resolve_year(ds, slug, choice)
        f = ds.figures.filter((pl.col("forbund") == slug) & (pl.col("year") == year) & pl.col("kommun").is_null())
        items = (
            sorted({i for i in f.filter(pl.col("metric") == "deltagare")["item"].to_list() if i})
            if per_insats
            else [None]
        )
        for item in items:
            total = pick(f, slug, year, "deltagare", item=item)
            if total is None:
                continue
            women = pick(f, slug, year, "deltagare_kvinnor", item=item)
            men = pick(f, slug, year, "deltagare_man", item=item)
            share = pick(f, slug, year, "deltagare_kvinnor_andel", item=item)
            notes = [
                n
                for n in (
                    f"{total['qualifier']} {int(total['value'])}" if total["qualifier"] else None,
                    "härledd: summa av insatserna" if total["derived_from"] else None,
                    total["note"] if total["qualifier"] else None,
                )
                if n
            ]
            ids = [x["figure_id"] for x in (total, women, men, share) if x]
            rows.append(
                {
                    "Förbund": nm[slug],
                    "slug": slug,
                    "År": year,
                    "Insats": item,
                    "Deltagare": total["value"],
                    "Kvinnor": women["value"] if women else None,
                    "Män": men["value"] if men else None,
                    "Andel kvinnor (%)": share["value"]
                    if share
                    else (100 * women["value"] / total["value"] if women and total["value"] else None),
                    "Anmärkning": "; ".join(notes) or None,
                    "Avvikelser": " • ".join(flags_for(ds, ids, index)) or None,
                    "figure_ids": ids,
                }
            )
    return pl.DataFrame(rows, schema=PARTICIPANT_COLUMNS)


HISTORY_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Deltagare": pl.Float64,
    "Kvinnor": pl.Float64,
    "Män": pl.Float64,
    "figure_ids": pl.List(pl.String),
}


def participant_history(ds: Dataset, slugs: list[str]) -> pl.DataFrame:
    """Every year a förbund reports participants for (Jämtland's table goes back to 2018)."""
    nm = names(ds)
    rows = []
    for slug in slugs:
        f = ds.figures.filter(
            (pl.col("forbund") == slug)
            & (pl.col("metric") == "deltagare")
            & pl.col("item").is_null()
            & (pl.col("basis") == "utfall")
            & pl.col("qualifier").is_null()
        )
        for year in sorted(set(f["year"].to_list())):
            t = pick(ds.figures, slug, year, "deltagare", bases=("utfall",))
            w = pick(ds.figures, slug, year, "deltagare_kvinnor", bases=("utfall",))
            m = pick(ds.figures, slug, year, "deltagare_man", bases=("utfall",))
            rows.append(
                {
                    "Förbund": nm[slug],
                    "slug": slug,
                    "År": year,
                    "Deltagare": t["value"],
                    "Kvinnor": w["value"] if w else None,
                    "Män": m["value"] if m else None,
                    "figure_ids": [x["figure_id"] for x in (t, w, m) if x],
                }
            )
    df = pl.DataFrame(rows, schema=HISTORY_COLUMNS)
    # A history needs more than one year to be one.
    multi = df.group_by("slug").len().filter(pl.col("len") > 1)["slug"].to_list()
    return df.filter(pl.col("slug").is_in(multi)).sort("slug", "År")


OUTCOME_COLUMNS = {
    "Förbund": pl.String,
    "slug": pl.String,
    "År": pl.Int32,
    "Insats": pl.String,
    "Definition": pl.String,
    "Till utfallet": pl.Float64,
    "Avslutade": pl.Float64,
    "Andel (%)": pl.Float64,
    "Andel enligt rapporten (%)": pl.Float64,
    "Beräknad": pl.Boolean,
    "Avvikelser": pl.String,
    "figure_ids": pl.List(pl.String),
}


def outcomes(ds: Dataset, slugs: list[str], choice: str) -> pl.DataFrame:
    """Share of *finished* participants reaching an outcome, one row per förbund/insats and definition."""
    nm = names(ds)
    index = findings_by_figure(ds)
    rows = []
    for slug in slugs:
        year = resolve_year(ds, slug, choice)
        f = ds.figures.filter((pl.col("forbund") == slug) & (pl.col("year") == year) & pl.col("kommun").is_null())
        for metric, default_definition in OUTCOME_DEFINITIONS.items():
            shares = f.filter(pl.col("metric") == metric + "_andel")
            for item in list(dict.fromkeys(shares["item"].to_list())):
                computed = pick(f, slug, year, metric + "_andel", bases=("härledd",), item=item)
                stated = pick(f, slug, year, metric + "_andel", bases=("utfall",), item=item)
                count = pick(f, slug, year, metric, item=item)
                finished = pick(f, slug, year, "avslutade_deltagare", item=item)
                main = computed or stated
                ids = [x["figure_id"] for x in (computed, stated, count, finished) if x]
                rows.append(
                    {
                        "Förbund": nm[slug],
                        "slug": slug,
                        "År": year,
                        "Insats": item,
                        "Definition": main["definition"] or default_definition,
                        "Till utfallet": count["value"] if count else None,
                        "Avslutade": finished["value"] if finished else None,
                        "Andel (%)": main["value"],
                        "Andel enligt rapporten (%)": stated["value"] if stated else None,
                        "Beräknad": computed is not None,
                        "Avvikelser": " • ".join(flags_for(ds, ids, index)) or None,
                        "figure_ids": ids,
                    }
                )
    return pl.DataFrame(rows, schema=OUTCOME_COLUMNS).sort("Definition", "Förbund", "Insats", nulls_last=False)


COST_PER_COLUMNS = {
    "Förbund": pl.String,
    "År": pl.Int32,
    "Insats": pl.String,
    "Kostnad per deltagare (kr)": pl.Float64,
    "Enligt rapporten (kr)": pl.Float64,
    "Underlag": pl.String,
    "figure_ids": pl.List(pl.String),
}


def cost_per_participant(ds: Dataset, slugs: list[str], choice: str) -> pl.DataFrame:
    nm = names(ds)
    rows = []
    for slug in slugs:
        year = resolve_year(ds, slug, choice)
        f = ds.figures.filter(
            (pl.col("forbund") == slug) & (pl.col("year") == year) & (pl.col("metric") == "kostnad_per_deltagare")
        )
        for item in list(dict.fromkeys(f["item"].to_list())):
            computed = pick(f, slug, year, "kostnad_per_deltagare", bases=("härledd",), item=item)
            stated = pick(f, slug, year, "kostnad_per_deltagare", bases=("utfall",), item=item)
            main = computed or stated
            rows.append(
                {
                    "Förbund": nm[slug],
                    "År": year,
                    "Insats": item or "Alla individinriktade insatser",
                    "Kostnad per deltagare (kr)": main["value"],
                    "Enligt rapporten (kr)": stated["value"] if stated else None,
                    "Underlag": (computed or stated)["note"] if computed else "tryckt i rapporten",
                    "figure_ids": [x["figure_id"] for x in (computed, stated) if x],
                }
            )
    return pl.DataFrame(rows, schema=COST_PER_COLUMNS)
