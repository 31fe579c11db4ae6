"""No formula from the data runs in a spreadsheet: every CSV and XLSX the project writes neutralises them.

Text in the data comes from uploaded reports, so a label like =HYPERLINK("http://…") is reachable. The
usual convention: a text cell that starts with = + - @, a tab or a carriage return gets a leading ';
plain numbers as printed ("-117 094") stay as they are, and XLSX text stays text.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import polars as pl
import pytest

from lib.downloads import neutralise_formulas, safe_cell, swedish_csv, xlsx_bytes
from lib.export import dataset_xlsx, export_csv, figures_table

HOSTILE = [
    '=HYPERLINK("http://example.invalid","klick")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
HARMLESS = ["-117 094", "+191", "- 4 920 564", "-4,5 %", "Sydnärke", "2 173 000", "5 % av"]


def test_text_that_would_run_gets_a_leading_quote_and_numbers_do_not():
    df = pl.DataFrame({"t": HOSTILE + HARMLESS, "n": list(range(len(HOSTILE) + len(HARMLESS)))})
    out = neutralise_formulas(df)
    assert out["t"].to_list() == ["'" + h for h in HOSTILE] + HARMLESS
    assert out["n"].to_list() == df["n"].to_list()
    assert [safe_cell(v) for v in HOSTILE + HARMLESS + [3, None]] == ["'" + h for h in HOSTILE] + HARMLESS + [3, None]


def test_the_swedish_csv_of_a_chart():
    df = pl.DataFrame({"Förbund": HOSTILE, "Värde": [1.5] * len(HOSTILE)})
    text = swedish_csv(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE]
    assert {r[1] for r in rows[1:]} == {"1,5"}


def _formula_cells(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [
        f"{ws.title}!{c.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))
    ]


def test_the_xlsx_of_a_chart_keeps_text_as_text():
    data = xlsx_bytes(pl.DataFrame({"Förbund": HOSTILE, "Värde": [1.0] * len(HOSTILE)}))
    assert _formula_cells(data) == []
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "'" + HOSTILE[0] and ws["A2"].data_type == "s"
    assert ws["B2"].data_type == "n"


@pytest.fixture
def hostile_dataset(dataset):
    from dataclasses import replace

    figures = dataset.figures.with_columns(
        pl.when(pl.col("metric") == "eget_kapital").then(pl.lit(HOSTILE[0])).otherwise(pl.col("label")).alias("label")
    )
    documents = dataset.documents.with_columns(pl.lit(HOSTILE[3]).alias("title"))
    return replace(dataset, figures=figures, documents=documents)


def test_the_complete_dataset_in_excel_has_no_formula(hostile_dataset):
    assert _formula_cells(dataset_xlsx(hostile_dataset, "2026-11-26")) == []


def test_the_export_csv_neutralises_labels(hostile_dataset):
    text = export_csv(figures_table(hostile_dataset))
    rows = list(csv.DictReader(io.StringIO(text)))
    labels = {r["label"] for r in rows if r["metric"] == "eget_kapital"}
    assert labels == {"'" + HOSTILE[0]}
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())


def test_the_proposal_csv_round_trips_through_the_sources_reader(tmp_path):
    from lib.ingest.propose import propose
    from lib.ingest.reading import lines_from_text
    from lib.sources import read_rows

    result = propose(lines_from_text("Årsredovisning 2023\nBelopp i kr 2023 2022\nÅrets resultat 100 200\n"), "x", 2023)
    rows = [dict(r, label=HOSTILE[0]) for r in result.rows]
    result.rows[:] = rows
    path = tmp_path / "forslag.csv"
    path.write_text(result.csv(), encoding="utf-8")
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8")
    read = read_rows(path, [], ("label",))
    assert {r["label"] for _n, r in read} == {HOSTILE[0]}  # read back as printed, not as '=…
