"""Every consistency check stays silent on consistent data and catches a planted error."""

import polars as pl
import pytest

from lib.checks import CHECKS
from lib.data import build_dataset
from tests.factory import BR, RR, consistent_report, fig, make_data_dir


def _findings(tmp_path, rows, doc="alfa-ar-2023", mappings=None):
    return build_dataset(make_data_dir(tmp_path, {doc: rows}, mappings)).findings


def _replace(rows, line, metric, year, **changes):
    out = []
    for r in rows:
        if r["line"] == str(line) and r["metric"] == metric and r["year"] == str(year):
            r = {**r, **changes}
        out.append(r)
    return out


def test_consistent_report_has_no_findings(tmp_path):
    assert _findings(tmp_path, consistent_report()).height == 0


@pytest.mark.parametrize(
    ("line", "metric", "year", "printed", "check", "expected", "found"),
    [
        (24, "summa_eget_kapital_och_skulder", 2023, "2 942", "balansrakning", 2_842_000, 2_942_000),
        (14, "arets_resultat", 2023, "144", "resultat", 134_000, 144_000),
        (31, "medlemsbidrag", 2023, "950", "delar_summa", 3_770_000, 3_760_000),
    ],
)
def test_planted_error_is_found(tmp_path, line, metric, year, printed, check, expected, found):
    f = _findings(tmp_path, _replace(consistent_report(), line, metric, year, printed=printed))
    hits = f.filter(pl.col("check") == check)
    assert hits.height >= 1
    hit = hits.row(0, named=True)
    assert (hit["expected"], hit["found"]) == (expected, found)
    assert hit["forbund"] == "sodra-lappland" and hit["year"] == year
    assert hit["sources"].startswith("alfa-ar-2023, rad ")


def test_equity_roll_forward(tmp_path):
    rows = _replace(consistent_report(), 22, "eget_kapital", 2023, printed="2 680")
    hit = _findings(tmp_path, rows).filter(pl.col("check") == "eget_kapital_rullning").row(0, named=True)
    assert (hit["expected"], hit["found"], hit["difference"]) == (2_670_000, 2_680_000, 10_000)


def test_equity_opening_differs_from_last_years_closing(tmp_path):
    rows = [*consistent_report(), fig(BR, 40, "eget_kapital", 2022, "2 500", "tkr")]
    hit = _findings(tmp_path, rows).filter(pl.col("check") == "eget_kapital_rullning").row(0, named=True)
    assert (hit["expected"], hit["found"]) == (2_500_000, 2_536_000)


def test_cash_flow(tmp_path):
    rows = [
        fig("4. Kassaflödesanalys", 1, "likvida_medel_ingaende", 2023, "1 492 766", "kr"),
        fig("4. Kassaflödesanalys", 2, "kassaflode", 2023, "-139 367", "kr"),
        fig("4. Kassaflödesanalys", 3, "likvida_medel", 2023, "1 236 305", "kr"),
    ]
    hit = _findings(tmp_path, rows, doc="beta-ar-2023").filter(pl.col("check") == "kassaflode").row(0, named=True)
    assert (hit["expected"], hit["found"]) == (-256_461, -139_367)
    assert hit["severity"] == "motsägelse"


def test_cost_split_against_total_costs(tmp_path):
    sec = "Kostnadsfördelning"
    rows = [
        *consistent_report(),
        fig(sec, 50, "kostnad_administration", 2023, "856 000", "kr"),
        fig(sec, 51, "kostnad_individinriktat", 2023, "2 265 000", "kr"),
        fig(sec, 52, "kostnad_strukturovergripande", 2023, "500 000", "kr"),
    ]
    hit = _findings(tmp_path, rows).filter(pl.col("check") == "kostnadsfordelning").row(0, named=True)
    assert (hit["expected"], hit["found"]) == (3_621_000, 3_626_000)


def test_stated_percentage_against_its_parts(tmp_path):
    rows = [*consistent_report(), fig("Text", 60, "eget_kapital_andel", 2023, "57 %", "%")]
    hit = _findings(tmp_path, rows).filter(pl.col("check") == "andel").row(0, named=True)
    assert hit["found"] == 57.0
    assert hit["expected"] == pytest.approx(100 * 2670 / 3760)


def test_stated_percentage_within_rounding_is_not_a_finding(tmp_path):
    rows = [*consistent_report(), fig("Text", 60, "eget_kapital_andel", 2023, "71 %", "%")]
    assert _findings(tmp_path, rows).filter(pl.col("check") == "andel").height == 0


def test_women_and_men(tmp_path):
    sec = "Deltagare"
    rows = [
        fig(sec, 1, "deltagare", 2022, "193", "personer"),
        fig(sec, 1, "deltagare_kvinnor", 2022, "90", "personer"),
        fig(sec, 1, "deltagare_man", 2022, "104", "personer"),
    ]
    hit = _findings(tmp_path, rows, doc="beta-ar-2023").filter(pl.col("check") == "kon_summa").row(0, named=True)
    assert (hit["expected"], hit["found"]) == (194, 193)


def test_participants_per_insats_against_total(tmp_path):
    rows = [
        fig("Sammanfattning", 1, "deltagare", 2023, "155", "personer"),
        fig("Team A", 2, "deltagare", 2023, "72", "personer", item="A", item_kind="insats", part_of="TOTAL"),
        fig("Team B", 3, "deltagare", 2023, "81", "personer", item="B", item_kind="insats", part_of="TOTAL"),
    ]
    hit = _findings(tmp_path, rows, doc="beta-ar-2023").filter(pl.col("check") == "delar_summa").row(0, named=True)
    assert (hit["expected"], hit["found"]) == (153, 155)


def test_hae_categories_allow_rounding_but_catch_errors(tmp_path):
    cats = [
        "hae_sjukpenning",
        "hae_sjuk_och_aktivitetsersattning",
        "hae_arbetsloshet",
        "hae_arbetsmarknadsatgarder",
        "hae_ekonomiskt_bistand",
        "hae_etableringsersattning",
    ]

    def table(total):
        return [
            fig("HÅE", 1, m, 2023, v, "HÅE", kommun="Malå", period="halvår 1", age_band="20–65")
            for m, v in zip([*cats, "hae_totalt"], ["56", "55", "8", "38", "19", "11", total], strict=False)
        ]

    assert _findings(tmp_path / "ok", table("188")).filter(pl.col("check") == "hae_summa").height == 0  # 187 vs 188
    hit = _findings(tmp_path / "bad", table("198")).filter(pl.col("check") == "hae_summa").row(0, named=True)
    assert (hit["expected"], hit["found"]) == (187, 198)


def test_same_figure_in_two_places_is_one_finding(tmp_path):
    rows = [
        *consistent_report(),
        fig("Text", 70, "arets_resultat", 2023, "134 000", "kr", label="resultat"),
        fig("Text", 71, "arets_resultat", 2023, "1 340 000", "kr", label="resultat"),
    ]
    hits = _findings(tmp_path, rows).filter(pl.col("check") == "samma_figur")
    assert hits.height == 1
    hit = hits.row(0, named=True)
    assert (hit["expected"], hit["found"]) == (134_000, 1_340_000)
    assert "rad 71" in hit["description"] and "rad 14" in hit["description"]


def test_one_krona_differences_are_reported_as_rounding_severity(tmp_path):
    rows = [
        fig(RR, 1, "verksamhetens_intakter", 2023, "2 832 000", "kr"),
        fig(RR, 2, "verksamhetens_kostnader", 2023, "-2 983 384", "kr"),
        fig(RR, 3, "verksamhetens_netto", 2023, "-151 383", "kr"),
    ]
    hit = _findings(tmp_path, rows, doc="beta-ar-2023").row(0, named=True)
    assert (hit["check"], hit["difference"], hit["severity"]) == ("resultat", 1.0, "avrundning")


def test_every_check_is_exercised_above():
    tested = {
        "balansrakning",
        "resultat",
        "delar_summa",
        "eget_kapital_rullning",
        "kassaflode",
        "kostnadsfordelning",
        "andel",
        "kon_summa",
        "hae_summa",
        "samma_figur",
        "enhet",  # tests/test_data_errors.py
    }
    assert tested == set(CHECKS)
