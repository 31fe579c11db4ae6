"""Precision before recall (issue 21): tables whose columns are not years, differences that are not levels,
financial items the result check sees."""

from __future__ import annotations

from lib.ingest.propose import propose
from lib.ingest.reading import lines_from_text


def _rows(text: str, year: int = 2024) -> list[tuple]:
    result = propose(lines_from_text(text), "x", year, "x-ar-2024", "årsredovisning")
    return sorted((r["metric"], r["year"], r["basis"], r["printed"], int(r["line"])) for r in result.rows)


FIVE_YEARS = """Årsredovisning 2024
Femårsöversikt (tkr)
                          2024    2023    2022    2021    2020
Verksamhetens intäkter   9 635   9 452   9 410   9 030   8 815
Verksamhetens kostnader  9 212   9 120   8 950   9 410   8 300
"""


def test_a_drift_table_without_years_is_read_as_the_reports_year_not_with_the_previous_tables_years():
    text = FIVE_YEARS + "\nBudget Utfall Avvikelse\nSumma kostnader 9 830 9 212 618\nResultat -210 423 633\n"
    rows = _rows(text)
    assert [r for r in rows if r[4] >= 7] == [
        ("arets_resultat", "2024", "budget", "-210", 9),
        ("arets_resultat", "2024", "utfall", "423", 9),
        ("verksamhetens_kostnader", "2024", "budget", "9 830", 8),
        ("verksamhetens_kostnader", "2024", "utfall", "9 212", 8),
    ]


def test_columns_that_cannot_be_told_apart_end_the_table_and_its_rows_are_not_read():
    # "Budget Utfall Budget": which budget? Nothing is read, and never with the five-year columns.
    text = FIVE_YEARS + "\nBudget Utfall Budget\nSumma kostnader 9 830 9 212 9 900\n"
    assert [r for r in _rows(text) if r[4] >= 7] == []


def test_a_deviation_that_does_not_equal_a_difference_is_not_read():
    text = FIVE_YEARS + "\nBudget Utfall Avvikelse\nSumma kostnader 9 830 9 212 600\n"
    assert [r for r in _rows(text) if r[4] >= 7] == []


def test_a_forecast_column_between_budget_and_utfall():
    text = (
        "Årsredovisning 2024\nBudgetuppföljning 2024 (kronor)\n"
        "                     Budget   Prognos aug     Utfall   Avvikelse\n"
        "Summa intäkter    7 550 000     7 562 400  7 562 400      12 400\n"
    )
    assert _rows(text) == [
        ("verksamhetens_intakter", "2024", "budget", "7 550 000", 4),
        ("verksamhetens_intakter", "2024", "utfall", "7 562 400", 4),
    ]


def test_a_difference_against_the_budget_is_not_a_level():
    text = "Årsredovisning 2024\nKostnaderna blev 618 tkr lägre än budgeterat.\nIntäkterna var 20 tkr över budget.\n"
    assert _rows(text) == []


def test_finansnetto_is_read_and_the_result_check_adds_it():
    text = (
        "Årsredovisning 2024\nResultaträkning (tkr)\n"
        "                            2024     2023\n"
        "Verksamhetens intäkter     9 635    9 452\n"
        "Verksamhetens kostnader  -10 212   -9 120\n"
        "Finansnetto                   48       30\n"
        "Årets resultat              -529      362\n"
    )
    result = propose(lines_from_text(text), "x", 2024, "x-ar-2024", "årsredovisning")
    assert sorted((r["metric"], r["year"], r["printed"]) for r in result.rows if r["metric"] == "finansnetto") == [
        ("finansnetto", "2023", "30"),
        ("finansnetto", "2024", "48"),
    ]
    assert result.findings.height == 0  # −529 = 9 635 − 10 212 + 48: no false contradiction
    wrong = text.replace("-529      362", "-577      362")
    found = propose(lines_from_text(wrong), "x", 2024, "x-ar-2024", "årsredovisning").findings
    assert found["description"].to_list() == [
        "Resultaträkning (tkr) 2024 (utfall): årets resultat ≠ intäkter − kostnader + finansiella poster"
    ]
