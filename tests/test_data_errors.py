"""Errors that name the real problem: the file, the line and what is wrong, and a damaged build that is rebuilt.

Each case here was reported with a misleading message before: a byte-order mark as a missing column, a
semicolon file as every column missing, a stray quote at the wrong line, a bad ceiling as unknown förbund
elsewhere, a server path shown to visitors, a truncated Parquet file as Streamlit's generic error, and
an amount entered in tkr for kr as a confusing "same figure" finding.
"""

from __future__ import annotations

import polars as pl
import pytest

from lib.checks import run_checks
from lib.data import BUILD_DIR, build_problem, load_dataset, write_build
from lib.schema import DataValidationError
from lib.sources import load_sources
from tests.factory import RR, consistent_report, fig, make_data_dir


def _problems(data) -> list[str]:
    with pytest.raises(DataValidationError) as exc:
        load_sources(data)
    return [str(p) for p in exc.value.problems]


def test_a_byte_order_mark_is_not_a_column(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    path = data / "figures" / "alfa-ar-2023.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_sources(data).figures.height > 0


def test_a_semicolon_file_is_named_as_such(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    path = data / "figures" / "alfa-ar-2023.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert _problems(data) == [
        "data/figures/alfa-ar-2023.csv rad 1: kolumnerna skiljs åt med semikolon; "
        "filen ska vara kommaseparerad (sparad som CSV med ,)"
    ]


def test_a_stray_quote_is_reported_on_its_own_line(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    path = data / "figures" / "alfa-ar-2023.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ',"', 1)  # line 4 opens a quote it never closes
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = _problems(data)
    assert problems[0].startswith("data/figures/alfa-ar-2023.csv rad 4: ett citattecken öppnas här")


def test_a_bad_ceiling_is_the_only_error(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    path = data / "forbund.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",20,", ",tjugo,", 1), encoding="utf-8")
    problems = _problems(data)
    assert len(problems) == 1 and "'ceiling_pct' kan inte läsas" in problems[0], problems


def test_a_data_folder_outside_the_project_is_never_shown_with_its_server_path(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": [fig(RR, 1, "no_such_metric", 2023, "1", "kr")]})
    problems = _problems(data)
    assert problems == ["data/figures/alfa-ar-2023.csv rad 2: okänt mått 'no_such_metric'"]
    assert str(tmp_path) not in " ".join(problems)


def test_a_damaged_build_is_detected_and_rebuilt(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    build = data / "build"
    write_build(load_dataset(data, build), build, data)
    assert build_problem(build, data) == ""
    path = build / "figures.parquet"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated; the manifest still matches
    assert build_problem(build, data) == "figures.parquet stämmer inte med manifestet (trasig eller ändrad)"
    ds = load_dataset(data, build)  # rebuilt from the sources, not an error on every page
    assert ds.figures.height > 0 and build_problem(build, data) == ""


def test_the_committed_build_is_whole():
    assert build_problem(BUILD_DIR) == ""


def test_an_amount_entered_in_tkr_for_kr_is_called_so(tmp_path):
    rows = [
        *consistent_report(),
        fig("Text", 40, "verksamhetens_intakter", 2023, "3 760 000", "tkr"),  # meant kr: a thousand times off
    ]
    src = load_sources(make_data_dir(tmp_path, {"alfa-ar-2023": rows}))
    findings = run_checks(src.figures)
    unit = findings.filter(pl.col("check") == "enhet")
    assert unit.height >= 1
    assert unit["description"][0].startswith("troligen tkr/kr-förväxling: 2023: verksamhetens intäkter")
    assert findings.filter(pl.col("check") == "samma_figur").height == 0


def test_a_single_total_a_thousand_times_off_is_called_so(tmp_path):
    rows = [*consistent_report(), fig("Not", 41, "summa_tillgangar", 2023, "2 842 000", "tkr")]
    src = load_sources(make_data_dir(tmp_path, {"alfa-ar-2023": rows}))
    unit = run_checks(src.figures).filter(pl.col("check") == "enhet")
    assert any("summa tillgångar" in d for d in unit["description"].to_list())


def test_a_document_listed_twice_is_named_with_both_rows(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    path = data / "documents.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    assert _problems(data) == [
        f"data/documents.csv: document 'alfa-ar-2023' står 2 gånger (rad 2 och {len(lines) + 1}); varje ska stå en gång"
    ]
