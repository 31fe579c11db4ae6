"""Derived figures, each with an exact expected value from a small fixture."""

import polars as pl
import pytest

from lib.data import build_dataset
from tests.factory import BR, RR, consistent_report, fig, make_data_dir


def _derived(tmp_path, figures, mappings=None, income_flag=""):
    ds = build_dataset(make_data_dir(tmp_path, figures, mappings, income_flag))
    return ds.figures.filter(pl.col("derived_from").is_not_null())


def _one(df, metric, year, basis="härledd", item=None):
    rows = df.filter(
        (pl.col("metric") == metric)
        & (pl.col("year") == year)
        & (pl.col("basis") == basis)
        & (pl.col("item").is_null() if item is None else pl.col("item") == item)
    )
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_equity_ratio_and_soliditet(tmp_path):
    d = _derived(tmp_path, {"alfa-ar-2023": consistent_report()})
    r = _one(d, "eget_kapital_andel", 2023)
    assert r["value"] == pytest.approx(100 * 2_670_000 / 3_760_000)
    assert (
        r["derived_from"]
        == "alfa-ar-2023:22:eget_kapital:2023:utfall:helår + alfa-ar-2023:33:medlemsbidrag:2023:utfall:helår"
    )
    assert _one(d, "soliditet", 2023)["value"] == pytest.approx(100 * 2670 / 2842)


def test_equity_from_next_opening_then_rolled_back(tmp_path):
    d = _derived(tmp_path, {"alfa-ar-2023": consistent_report()})
    assert _one(d, "eget_kapital", 2022)["value"] == 2_536_000  # opening balance of 2023
    assert _one(d, "eget_kapital", 2021)["value"] == 2_536_000 + 669_000  # minus the 2022 result of −669


def test_equity_from_opening_plus_result(tmp_path):
    rows = [
        fig(BR, 1, "eget_kapital_ingaende", 2023, "843 007", "kr"),
        fig(BR, 2, "arets_resultat", 2023, "-350 632", "kr"),
    ]
    d = _derived(tmp_path, {"beta-ar-2023": rows})
    assert _one(d, "eget_kapital", 2023)["value"] == 492_375


def test_planned_path_stays_within_the_plan_document(tmp_path):
    plan = [
        fig("9. Budget", 1, "medel_att_disponera", 2025, "5 417", "tkr", basis="plan"),
        fig("9. Budget", 2, "verksamhetens_kostnader", 2025, "4 071", "tkr", basis="plan"),
        fig("9. Budget", 3, "medlemsbidrag", 2025, "3 752", "tkr", basis="plan"),
    ]
    other = [fig(RR, 1, "verksamhetens_kostnader", 2025, "1 000", "tkr", basis="plan")]
    d = _derived(tmp_path, {"alfa-vp-2024": plan, "alfa-ar-2023": other})
    ek = _one(d, "eget_kapital", 2025, basis="plan")
    assert ek["value"] == 1_346_000
    assert _one(d, "eget_kapital_andel", 2025, basis="plan")["value"] == pytest.approx(100 * 1346 / 3752)


def test_medlemsbidrag_from_members_when_no_total(tmp_path):
    rows = [
        fig("Not 2", 1, "medlemsbidrag", 2023, "2 611 000,00", "kr", item="Staten", item_kind="medlem"),
        fig("Not 2", 2, "medlemsbidrag", 2023, "1 305 500,00", "kr", item="Region", item_kind="medlem"),
        fig("Not 2", 3, "medlemsbidrag", 2023, "1 305 500,00", "kr", item="Kommunerna", item_kind="medlem"),
        fig("Text", 4, "eget_kapital", 2023, "801 162", "kr"),
    ]
    d = _derived(tmp_path, {"beta-ar-2023": rows})
    assert _one(d, "medlemsbidrag", 2023)["value"] == 5_222_000
    assert _one(d, "eget_kapital_andel", 2023)["value"] == pytest.approx(100 * 801_162 / 5_222_000)


def test_medlemsbidrag_from_income_only_where_the_report_says_so(tmp_path):
    rows = [fig("Översikt", 1, "verksamhetens_intakter", 2020, "8 623", "tkr")]
    with_flag = _derived(tmp_path / "a", {"alfa-ar-2023": rows}, income_flag="sodra-lappland")
    without = _derived(tmp_path / "b", {"alfa-ar-2023": rows})
    assert _one(with_flag, "medlemsbidrag", 2020)["value"] == 8_623_000
    assert without.filter(pl.col("metric") == "medlemsbidrag").height == 0


def test_cost_split_from_mapping_with_unknown_categories_left_out(tmp_path):
    sec = "Drift"
    rows = [
        fig(sec, 1, "drift_kostnad", 2023, "1 086 516", "kr", item="Team A", item_kind="insats"),
        fig(sec, 2, "drift_kostnad", 2023, "355 954", "kr", item="Struktur", item_kind="insats"),
        fig(sec, 3, "drift_kostnad", 2023, "12 540", "kr", item="Okänd", item_kind="insats"),
    ]
    mapping = [
        {
            "forbund": "sydnarke",
            "document": "beta-ar-2023",
            "year": "2023",
            "metric": "drift_kostnad",
            "section": sec,
            "item": i,
            "category": c,
            "reason": "test",
            "line": str(n),
        }
        for n, (i, c) in enumerate(
            [("Team A", "individinriktat"), ("Struktur", "strukturovergripande"), ("Okänd", "ej_fordelad")], start=1
        )
    ]
    d = _derived(tmp_path, {"beta-ar-2023": rows}, mapping)
    assert _one(d, "kostnad_individinriktat", 2023)["value"] == 1_086_516
    assert _one(d, "kostnad_strukturovergripande", 2023)["value"] == 355_954
    assert _one(d, "kostnad_ej_fordelad", 2023)["value"] == 12_540
    assert d.filter(pl.col("metric") == "kostnad_administration").height == 0  # unknown, not zero
    share = _one(d, "kostnad_individinriktat_andel", 2023)["value"]
    assert share == pytest.approx(100 * 1_086_516 / (1_086_516 + 355_954 + 12_540))


def test_outcome_share_of_finished_and_cost_per_participant(tmp_path):
    sec = "Deltagare"
    rows = [
        fig(sec, 1, "avslutade_deltagare", 2023, "76", "personer"),
        fig(sec, 2, "avslutade_arbete_studier", 2023, "48", "personer", definition="arbete/studier"),
        fig(sec, 3, "deltagare", 2023, "72", "personer", item="Team", item_kind="insats"),
        fig("Drift", 4, "drift_kostnad", 2023, "1 086 516", "kr", item="Team", item_kind="insats"),
        fig(sec, 5, "deltagare", 2023, "140", "personer", qualifier="ca"),
    ]
    d = _derived(tmp_path, {"beta-ar-2023": rows})
    assert _one(d, "avslutade_arbete_studier_andel", 2023)["value"] == pytest.approx(100 * 48 / 76)
    assert _one(d, "kostnad_per_deltagare", 2023, item="Team")["value"] == pytest.approx(1_086_516 / 72)
    # "ca 140" is not a count to divide by
    assert d.filter((pl.col("metric") == "kostnad_per_deltagare") & pl.col("item").is_null()).height == 0


def test_finished_totals_from_insatser_across_sections(tmp_path):
    rows = [
        fig("Team A", 1, "avslutade_deltagare", 2023, "59", "personer", item="A", item_kind="insats", part_of="TOTAL"),
        fig(
            "Team A",
            2,
            "avslutade_stegforflyttning",
            2023,
            "56",
            "personer",
            item="A",
            item_kind="insats",
            part_of="TOTAL",
            definition="positiv stegförflyttning",
        ),
        fig("Team B", 3, "avslutade_deltagare", 2023, "33", "personer", item="B", item_kind="insats", part_of="TOTAL"),
        fig(
            "Team B",
            4,
            "avslutade_stegforflyttning",
            2023,
            "16",
            "personer",
            item="B",
            item_kind="insats",
            part_of="TOTAL",
            definition="positiv stegförflyttning",
        ),
    ]
    d = _derived(tmp_path, {"beta-ar-2023": rows})
    assert _one(d, "avslutade_deltagare", 2023)["value"] == 92
    assert _one(d, "avslutade_stegforflyttning", 2023)["value"] == 72
    assert _one(d, "avslutade_stegforflyttning_andel", 2023)["value"] == pytest.approx(100 * 72 / 92)


def test_hae_share(tmp_path):
    rows = [
        fig("HÅE", 1, "hae_totalt", 2023, "892", "HÅE", kommun="Lycksele", period="halvår 1", age_band="20–65"),
        fig("HÅE", 1, "folkmangd", 2023, "6 527", "personer", kommun="Lycksele", period="halvår 1", age_band="20–65"),
    ]
    d = _derived(tmp_path, {"alfa-ar-2023": rows})
    r = d.filter(pl.col("metric") == "hae_andel").row(0, named=True)
    assert (r["kommun"], r["period"], r["age_band"]) == ("Lycksele", "halvår 1", "20–65")
    assert r["value"] == pytest.approx(100 * 892 / 6527)
