"""`python -m lib.export`: CSV to stdout with the documented columns, and Excel files."""

import csv
import io
import subprocess
import sys

import openpyxl
import pytest

from tests.conftest import ROOT

FIGURE_COLUMNS = [
    "forbund",
    "year",
    "metric",
    "value",
    "unit",
    "basis",
    "document",
    "locator",
    "label",
    "insats",
    "kommun",
    "period",
    "age_band",
]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.export", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_figures_csv_has_the_contract_columns_and_a_known_row():
    out = run("figures")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0])[: len(FIGURE_COLUMNS)] == FIGURE_COLUMNS
    equity = [
        r
        for r in rows
        if r["forbund"] == "sodra-lappland"
        and r["metric"] == "eget_kapital"
        and r["year"] == "2023"
        and r["locator"] == "s. 23, rad 1186"
    ]
    assert len(equity) == 1
    assert (equity[0]["value"], equity[0]["unit"], equity[0]["label"]) == ("2173000.0", "kr", "Summa eget kapital")
    hae = [
        r
        for r in rows
        if r["metric"] == "hae_andel"
        and r["kommun"] == "Lycksele"
        and r["basis"] == "utfall"
        and r["period"] == "halvår 1"
    ]
    assert [(h["value"], h["age_band"]) for h in hae] == [("13.7", "20–65")]


def test_findings_and_mappings_csv():
    findings = list(csv.DictReader(io.StringIO(run("findings").stdout)))
    assert {"forbund", "year", "check", "expected", "found", "difference", "sources"} <= set(findings[0])
    assert any(
        f["forbund"] == "jamtland" and f["check"] == "balansrakning" and f["found"] == "10119000.0" for f in findings
    )
    mappings = list(csv.DictReader(io.StringIO(run("mappings").stdout)))
    kansli = [m for m in mappings if m["forbund"] == "solleftea" and m["item"] == "Kansli"]
    assert [(m["category"], m["amount_kr"]) for m in kansli] == [("administration", "412425.0")]


@pytest.mark.parametrize("table", ["figures", "findings", "mappings"])
def test_xlsx_output(tmp_path, table):
    path = tmp_path / f"{table}.xlsx"
    out = run(table, "--format", "xlsx", "--output", str(path))
    assert out.returncode == 0, out.stderr
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == table
    assert sheet.max_row > 10
    assert sheet.cell(1, 1).value == "forbund"


def test_bad_arguments_are_refused_with_a_message():
    out = run("figures", "--format", "xlsx")
    assert out.returncode == 2
    assert "--format xlsx kräver --output FIL" in out.stderr
    assert run("everything").returncode == 2
