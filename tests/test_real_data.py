"""The real data: the headline figures and the reports' known contradictions (no seed texts needed)."""

import polars as pl
import pytest


def _value(ds, forbund, metric, year, basis="utfall", **kw):
    f = ds.figures.filter(
        (pl.col("forbund") == forbund)
        & (pl.col("metric") == metric)
        & (pl.col("year") == year)
        & (pl.col("basis") == basis)
    )
    for k, v in kw.items():
        f = f.filter(pl.col(k) == v if v is not None else pl.col(k).is_null())
    values = sorted(set(f["value"].to_list()))
    assert len(values) == 1, (forbund, metric, year, basis, values)
    return values[0]


def test_equity_ratios(dataset):
    assert _value(dataset, "sodra-lappland", "eget_kapital_andel", 2023, "härledd") == pytest.approx(57.9158, abs=1e-4)
    assert _value(dataset, "sodra-lappland", "eget_kapital_andel", 2023, "utfall") == 57.0  # as the report states it
    assert _value(dataset, "solleftea", "eget_kapital_andel", 2023, "härledd") == pytest.approx(584_026 / 28_320)
    assert _value(dataset, "jamtland", "eget_kapital_andel", 2022, "härledd") == pytest.approx(3_740 / 79.30)
    assert _value(dataset, "sydnarke", "eget_kapital_andel", 2023, "härledd") == pytest.approx(801_162 / 52_220)


def test_planned_path_does_not_reach_the_ceiling_by_2026(dataset):
    path = {
        y: _value(dataset, "sodra-lappland", "eget_kapital", y, b, item=None)
        for y, b in [(2023, "budget"), (2024, "budget"), (2025, "plan"), (2026, "plan")]
    }
    assert path == {2023: 2_096_000, 2024: 1_665_000, 2025: 1_346_000, 2026: 1_027_000}
    assert _value(dataset, "sodra-lappland", "eget_kapital_andel", 2026, "plan") == pytest.approx(1_027 / 37.52)


def test_cost_split(dataset):
    assert _value(dataset, "sodra-lappland", "kostnad_administration", 2023) == 856_000
    assert _value(dataset, "solleftea", "kostnad_administration", 2023, "härledd") == 73_610 + 412_425
    assert _value(dataset, "sydnarke", "kostnad_individinriktat", 2023, "härledd") == 1_086_516 + 2_020_054
    assert _value(dataset, "jamtland", "kostnad_individinriktat", 2022, "härledd") == 7_053_210
    # Jämtland's report does not allow administration to be separated: no figure rather than a guess.
    assert (
        dataset.figures.filter(
            (pl.col("forbund") == "jamtland") & (pl.col("metric") == "kostnad_administration")
        ).height
        == 0
    )


def test_participant_outcomes_keep_their_definitions(dataset):
    assert _value(dataset, "jamtland", "avslutade_arbete_studier", 2022, item=None) == 48
    assert _value(dataset, "jamtland", "avslutade_deltagare", 2022, item=None) == 76
    steg = dataset.figures.filter(pl.col("metric") == "avslutade_stegforflyttning_andel")
    assert set(steg["definition"].to_list()) == {"positiv stegförflyttning"}


def test_hae_rows(dataset):
    hae = dataset.figures.filter((pl.col("metric") == "hae_totalt") & pl.col("derived_from").is_null())
    assert hae.height == 16  # 8 rows (7 kommuner and Riket) in each of two tables
    assert set(zip(hae["year"], hae["period"], hae["age_band"], strict=False)) == {
        (2023, "halvår 1", "20–65"),
        (2022, "helår", "20–64"),
    }


EXPECTED_FINDINGS = [
    ("jamtland", 2022, "balansrakning", 10_019_000, 10_119_000),
    ("jamtland", 2022, "samma_figur", 7_053_000, 7_957_000),
    ("sodra-lappland", 2023, "andel", None, 57.0),
    ("sodra-lappland", 2023, "samma_figur", -497_000, -4_970_000),
    ("sodra-lappland", 2023, "resultat", -413_000, 0),
    ("solleftea", 2023, "andel", None, 20.5),
    ("solleftea", 2023, "kassaflode", -256_461, -139_367),
    ("solleftea", 2023, "samma_figur", 88_326, 88_126),
    ("solleftea", 2023, "samma_figur", 412_425, 412_516),
    ("sydnarke", 2023, "delar_summa", 153, 155),
    ("sydnarke", 2023, "andel", None, 72.0),
]


@pytest.mark.parametrize(("forbund", "year", "check", "expected", "found"), EXPECTED_FINDINGS)
def test_known_contradictions_are_found(dataset, forbund, year, check, expected, found):
    f = dataset.findings.filter(
        (pl.col("forbund") == forbund)
        & (pl.col("year") == year)
        & (pl.col("check") == check)
        & (pl.col("found") == found)
    )
    if expected is not None:
        f = f.filter(pl.col("expected") == expected)
    assert f.height == 1, dataset.findings.filter(pl.col("forbund") == forbund).select("check", "expected", "found")
    assert f["severity"][0] == "motsägelse"


def test_every_finding_names_its_sources(dataset):
    assert dataset.findings.height > 0
    for r in dataset.findings.iter_rows(named=True):
        assert len(r["figure_ids"]) >= 2
        assert "rad " in r["sources"]
