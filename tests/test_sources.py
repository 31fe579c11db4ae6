"""Loading and validating the source files: good data loads typed; bad data names the file, row and problem."""

import hashlib

import polars as pl
import pytest

from lib.schema import FIGURES_SCHEMA, DataValidationError
from lib.sources import DATA_DIR, load_sources, source_files
from tests.factory import RR, consistent_report, fig, make_data_dir


def test_consistent_fixture_loads_with_kronor_and_positive_costs(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    src = load_sources(data)
    assert src.figures.schema == pl.Schema(FIGURES_SCHEMA)
    costs = src.figures.filter(pl.col("metric") == "verksamhetens_kostnader").row(0, named=True)
    assert costs["value"] == 3_626_000.0  # printed "-3 626" tkr, stored positive in kr
    assert costs["precision"] == 1000.0
    assert costs["forbund"] == "sodra-lappland"
    assert costs["figure_id"] == "alfa-ar-2023:11:verksamhetens_kostnader:2023:utfall:helår"


def test_negate_and_explicit_value_for_a_typo(tmp_path):
    rows = [
        fig("Text", 5, "arets_resultat", 2023, "497 000", "kr", negate="ja"),
        fig("Text", 6, "arets_resultat", 2023, "497 0000", "kr", negate="ja", value="4970000", note="typo i rapporten"),
    ]
    src = load_sources(make_data_dir(tmp_path, {"alfa-ar-2023": rows}))
    assert sorted(src.figures["value"].to_list()) == [-4_970_000.0, -497_000.0]


def _problems(tmp_path, rows, doc="alfa-ar-2023"):
    data = make_data_dir(tmp_path, {doc: rows})
    with pytest.raises(DataValidationError) as exc:
        load_sources(data)
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (fig(RR, 1, "no_such_metric", 2023, "1", "kr"), "okänt mått 'no_such_metric'"),
        (
            fig(RR, 1, "medlemsbidrag", 2023, "1", "%"),
            "'printed_unit' för medlemsbidrag måste vara kr eller tkr eller mkr",
        ),
        (fig(RR, 1, "medlemsbidrag", 20233, "1", "kr"), "'year' måste vara ett årtal"),
        (fig(RR, 0, "medlemsbidrag", 2023, "1", "kr"), "'line' måste vara ett positivt heltal"),
        (fig(RR, 1, "medlemsbidrag", 2023, "1", "kr", basis="prognos"), "'basis' måste vara en av"),
        (fig(RR, 1, "medlemsbidrag", 2023, "12 34", "kr"), "'printed' kan inte läsas"),
        (fig(RR, 1, "medlemsbidrag", 2023, "1", "kr", value="x", note="n"), "'value' måste vara ett tal"),
        (fig(RR, 1, "medlemsbidrag", 2023, "1", "kr", value="2"), "kräver en 'note'"),
        (fig(RR, 1, "medlemsbidrag", 2023, "1", "kr", item="FK"), "'item' kräver 'item_kind'"),
        (fig(RR, 1, "hae_totalt", 2023, "1", "HÅE", age_band="16-64"), "'age_band' måste vara en av"),
    ],
)
def test_each_bad_row_is_named_with_file_and_row(tmp_path, row, message):
    problems = _problems(tmp_path, [fig(RR, 9, "medlemsbidrag", 2023, "1", "kr"), row])
    assert len(problems) == 1
    assert "figures/alfa-ar-2023.csv rad 3: " in problems[0]
    assert message in problems[0]


def test_duplicate_figure_names_the_first_row(tmp_path):
    row = fig(RR, 1, "medlemsbidrag", 2023, "1", "kr")
    problems = _problems(tmp_path, [row, dict(row)])
    assert any("rad 3: samma figur som rad 2" in p for p in problems)


def test_unknown_document_file(tmp_path):
    problems = _problems(tmp_path, [fig(RR, 1, "medlemsbidrag", 2023, "1", "kr")], doc="okand-ar-2023")
    assert any("dokumentet 'okand-ar-2023' finns inte i data/documents.csv" in p for p in problems)


def test_broken_csv_structure(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    path = data / "figures" / "alfa-ar-2023.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'RR,99,"unterminated\n', encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        load_sources(data)
    assert "alfa-ar-2023.csv" in str(exc.value)


def test_missing_column_and_wrong_encoding(tmp_path):
    data = make_data_dir(tmp_path, {"alfa-ar-2023": consistent_report()})
    (data / "figures" / "alfa-ar-2023.csv").write_text("section,line\nx,1\n", encoding="utf-8")
    (data / "members.csv").write_bytes("forbund,member\nsödra".encode("latin-1"))
    with pytest.raises(DataValidationError) as exc:
        load_sources(data)
    text = str(exc.value)
    assert "alfa-ar-2023.csv rad 1: saknar kolumner: label, metric, year, basis, printed" in text
    assert "members.csv: filen är inte UTF-8" in text


def test_bad_registry_values(tmp_path):
    data = make_data_dir(
        tmp_path,
        {"alfa-ar-2023": consistent_report()},
        mappings=[
            {
                "forbund": "sodra-lappland",
                "document": "alfa-ar-2023",
                "year": "2023",
                "metric": "verksamhetens_kostnader",
                "section": RR,
                "item": "",
                "category": "övrigt",
                "reason": "r",
                "line": "11",
            }
        ],
    )
    text = (data / "forbund.csv").read_text(encoding="utf-8").replace("sodra-lappland,Samordnings", "okand,Samordnings")
    (data / "forbund.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        load_sources(data)
    msg = str(exc.value)
    assert "okänd kategori: ['övrigt']" in msg
    assert "documents.csv: okänt förbund: ['sodra-lappland']" in msg  # the registry decides which förbund exist
    assert "saknar förbund: ['sodra-lappland']" in msg


def test_loading_the_real_data_modifies_nothing():
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in source_files(DATA_DIR)}
    load_sources(DATA_DIR)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in source_files(DATA_DIR)}
    assert before == after
