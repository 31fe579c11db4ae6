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


def _persons(text: str) -> list[tuple]:
    result = propose(lines_from_text(text), "x", 2024, "x-ar-2024", "årsredovisning")
    return sorted(
        (r["metric"], r["year"], r["item"], r["printed"], r["printed_unit"], r["definition"])
        for r in result.rows
        if r["printed_unit"] == "personer"
    )


def test_participant_rows_in_a_table_of_year_columns_are_counts_of_persons():
    text = (
        "Årsredovisning 2024\nDeltagare                 2024    2023\n"
        "Antal deltagare             286     251\n  varav kvinnor             158     140\n"
        "  varav män                 128     111\nAvslutade deltagare         131     118\n"
        "Till arbete eller studier    41      35\n"
    )
    assert _persons(text) == [
        ("avslutade_arbete_studier", "2023", "", "35", "personer", "arbete/studier"),
        ("avslutade_arbete_studier", "2024", "", "41", "personer", "arbete/studier"),
        ("avslutade_deltagare", "2023", "", "118", "personer", ""),
        ("avslutade_deltagare", "2024", "", "131", "personer", ""),
        ("deltagare", "2023", "", "251", "personer", ""),
        ("deltagare", "2024", "", "286", "personer", ""),
        ("deltagare_kvinnor", "2023", "", "140", "personer", ""),
        ("deltagare_kvinnor", "2024", "", "158", "personer", ""),
        ("deltagare_man", "2023", "", "111", "personer", ""),
        ("deltagare_man", "2024", "", "128", "personer", ""),
    ]
    # In a table of amounts the same words are never read as amounts, and a fraction is no count.
    assert _persons(text.replace("   41      35", "  41,5    35")) == [
        r for r in _persons(text) if r[0] != "avslutade_arbete_studier"
    ]


def test_a_table_of_insatser_by_sex_gives_each_insats_and_the_total():
    text = (
        "Årsredovisning 2024\nDeltagare per insats 2024\nInsats          Kvinnor   Män   Totalt\n"
        "Jobbspåret           25    16       41\nUngdomsteamet        30    12       43\n"
        "Felsummerat          10    10       25\nTotalt               65    38      109\n"
    )
    got = _persons(text)
    assert [r for r in got if r[2] == "Jobbspåret"] == [
        ("deltagare", "2024", "Jobbspåret", "41", "personer", ""),
        ("deltagare_kvinnor", "2024", "Jobbspåret", "25", "personer", ""),
        ("deltagare_man", "2024", "Jobbspåret", "16", "personer", ""),
    ]
    assert not [r for r in got if r[2] == "Felsummerat"]  # 10 + 10 ≠ 25: not read
    assert [r for r in got if r[2] == ""] == [
        ("deltagare", "2024", "", "109", "personer", ""),
        ("deltagare_kvinnor", "2024", "", "65", "personer", ""),
        ("deltagare_man", "2024", "", "38", "personer", ""),
    ]
