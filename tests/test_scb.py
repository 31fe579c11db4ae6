"""SCB's helårsekvivalenter: the readers on fixtures in SCB's formats, the cache, and what they refuse."""

from __future__ import annotations

import json

import polars as pl
import pytest

from lib.scb import cache
from lib.scb.__main__ import main as cli
from lib.scb.hae import ScbFormatError, fetch, normalise, read_csv, read_file, read_px
from tests.scb_fixture import FIXTURES, load_fixtures


def value(df: pl.DataFrame, code: str, year: int, metric: str, band: str = "20–64"):
    hit = df.filter(
        (pl.col("kommun_kod") == code)
        & (pl.col("year") == year)
        & (pl.col("metric") == metric)
        & (pl.col("age_band") == band)
    )
    assert hit.height == 1
    return hit.row(0, named=True)


def test_px_file_every_variable_and_content():
    t = read_px(FIXTURES / "hae_20-64.px", retrieved="2024-04-12")
    df = t.data
    assert df.height == 8 * 8 * 3  # regions × contents × years
    assert sorted(set(df["kommun_kod"])) == ["00", "2418", "2421", "2422", "2425", "2462", "2463", "2481"]
    assert set(df["age_band"]) == {"20–64"}
    assert set(df["metric"]) == {
        "hae_sjukpenning",
        "hae_sjuk_och_aktivitetsersattning",
        "hae_arbetsloshet",
        "hae_arbetsmarknadsatgarder",
        "hae_ekonomiskt_bistand",
        "hae_totalt",
        "folkmangd",
        "hae_andel",
    }
    assert df["month"].null_count() == df.height
    assert value(df, "2481", 2022, "hae_totalt")["value"] == 887.0
    assert value(df, "2481", 2022, "folkmangd")["value"] == 6423.0
    assert value(df, "2462", 2022, "hae_andel")["value"] == 13.7
    assert value(df, "00", 2022, "hae_totalt")["region"] == "Riket"
    assert value(df, "2463", 2023, "hae_sjukpenning")["region"] == "Åsele"  # windows-1252 read right
    assert t.meta["table_id"] == "HE0000T02"
    assert t.meta["retrieved"] == "2024-04-12"
    assert t.meta["via"] == "PC-Axis-fil"
    assert len(t.meta["sha256"]) == 64


def test_missing_value_is_kept_as_missing_with_its_symbol():
    df = read_px(FIXTURES / "hae_20-64.px").data
    cell = value(df, "2422", 2021, "hae_ekonomiskt_bistand")
    assert cell["value"] is None and cell["symbol"] == ".."


def test_csv_rows_total_of_both_sexes_and_the_other_age_band():
    t = read_csv(FIXTURES / "hae_20-65.csv", table_id="TAB0000")
    df = t.data
    assert set(df["age_band"]) == {"20–65"}
    assert value(df, "1882", 2023, "hae_totalt", "20–65")["value"] == 320.0  # not the 999 of men or women
    assert value(df, "1861", 2024, "hae_andel", "20–65")["value"] == 5.1
    riket_2024 = df.filter((pl.col("kommun_kod") == "00") & (pl.col("year") == 2024))
    assert riket_2024.height == 8 and riket_2024["value"].null_count() == 8
    assert t.meta["notes"] == ["Endast totalen för båda könen används"]


def test_month_codes_and_lan_rows():
    rows = [
        {"region": "23 Jämtlands län", "tabellinnehåll": "Summa helårsekvivalenter", "månad": "2024M03", "value": "5"},
        {
            "region": "2380 Östersund",
            "tabellinnehåll": "Summa helårsekvivalenter",
            "månad": "2024M03",
            "value": "5 012",
        },
    ]
    df, notes = normalise(rows, title="Helårsekvivalenter 20-65 år")
    assert df.rows() == [
        ("2380", "Östersund", 2024, 3, "20–65", "hae_totalt", 5012.0, None, "Summa helårsekvivalenter")
    ]
    assert notes == ["1 regioner som varken är kommun eller riket (t.ex. län) används inte"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"region": "00 Riket", "år": "2023", "value": "1"}], "saknar variabeln tabellinnehåll"),
        (
            [{"region": "00 Riket", "tabellinnehåll": "Summa", "år": "2023", "färg": "röd", "value": "1"}],
            "Variabeln ”färg”",
        ),
        ([{"region": "00 Riket", "tabellinnehåll": "Summa", "år": "2023", "value": "1"}], "Åldersgruppen framgår inte"),
        (
            [{"region": "00 Riket", "tabellinnehåll": "Folkmängd 20-64 år", "år": "vår 23", "value": "1"}],
            "Tidsangivelsen",
        ),
        ([{"region": "00 Riket", "tabellinnehåll": "Folkmängd 20-64 år", "år": "2023", "value": "=1+1"}], "inget tal"),
        (
            [{"region": "00 Riket", "tabellinnehåll": "Medelinkomst", "år": "2023", "value": "1"}],
            "inga helårsekvivalenter",
        ),
    ],
)
def test_what_is_not_an_hae_table_gets_a_swedish_message(rows, message):
    with pytest.raises(ScbFormatError, match=message):
        normalise(rows)


def test_broken_files_are_refused_clearly(tmp_path):
    bad = tmp_path / "trasig.px"
    bad.write_bytes(b'CHARSET="ANSI";\nSTUB="region";\nDATA=\n1 2 3')
    with pytest.raises(ScbFormatError, match="PC-Axis"):
        read_file(bad)
    csv = tmp_path / "fel.csv"
    csv.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(ScbFormatError):
        read_file(csv)


def test_fetch_through_pxwebapi_client_shape():
    """pxwebpy's rows (show="code_value"), from a stand-in for the API: the same reader as the files."""

    class FakeApi:
        def get_table_variables(self, table_id):
            return {"Region": [], "ContentsCode": [], "Tid": []}

        def get_table_data(self, table_id, value_codes=None, show=None):
            assert value_codes == {"Region": "*", "ContentsCode": "*", "Tid": "*"} and show == "code_value"
            return [
                {
                    "region": "2481 Lycksele",
                    "tabellinnehåll": "000004X6 Summa helårsekvivalenter",
                    "år": "2023",
                    "value": 905,
                },
                {
                    "region": "2481 Lycksele",
                    "tabellinnehåll": "000004X7 Folkmängd 20-64 år",
                    "år": "2023",
                    "value": 6455,
                },
            ]

    t = fetch("TAB1234", api_factory=FakeApi)
    assert t.data.select("kommun_kod", "metric", "value").rows() == [
        ("2481", "folkmangd", 6455.0),
        ("2481", "hae_totalt", 905.0),
    ]
    assert t.meta["via"] == "PxWebApi 2.0" and t.meta["source"] == "SCB, PxWebApi 2.0, tabell TAB1234"


def test_cache_keeps_both_tables_and_replaces_a_reload(tmp_path):
    data = load_fixtures(tmp_path)
    assert data.data.height == 192 + 48
    assert [t["table_id"] for t in data.tables] == ["HE0000T02", "TAB0000"]
    again = cache.store(read_px(FIXTURES / "hae_20-64.px", retrieved="2024-05-01"), tmp_path)
    assert again.data.height == 192 + 48
    assert [(t["table_id"], t["retrieved"]) for t in again.tables] == [
        ("TAB0000", "2025-03-01"),
        ("HE0000T02", "2024-05-01"),
    ]
    loaded = cache.load(tmp_path)
    assert loaded.problem == "" and loaded.data.equals(again.data)
    assert "tabell HE0000T02 (fil hae_20-64.px), hämtad 2024-05-01" in loaded.source_text()


def test_damaged_cache_is_a_problem_not_an_exception(tmp_path):
    load_fixtures(tmp_path)
    (tmp_path / "hae.parquet").write_bytes(b"not parquet")
    data = cache.load(tmp_path)
    assert data.empty and "kunde inte läsas" in data.problem
    (tmp_path / "hae.json").write_text(json.dumps({"tables": [{"table_id": "x"}]}), encoding="utf-8")
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "hae.parquet")
    assert cache.load(tmp_path).problem == "hae.parquet har fel kolumner"
    with pytest.raises(ValueError, match="flytta undan"):
        cache.store(read_px(FIXTURES / "hae_20-64.px"), tmp_path)
    assert cache.load(tmp_path / "none").empty and cache.load(tmp_path / "none").problem == ""


def test_command_line(tmp_path, capsys):
    assert cli(["--katalog", str(tmp_path), "läs", str(FIXTURES / "hae_20-64.px"), "--hamtad", "2024-04-12"]) == 0
    assert "192 värden från SCB, Statistikdatabasen, tabell HE0000T02" in capsys.readouterr().out
    assert cli(["--katalog", str(tmp_path), "visa"]) == 0
    assert "HE0000T02: 192 rader, 20–64 år" in capsys.readouterr().out
    bad = tmp_path / "x.csv"
    bad.write_text("nonsense\n", encoding="utf-8")
    assert cli(["--katalog", str(tmp_path), "läs", str(bad)]) == 1
    assert capsys.readouterr().err.startswith("Fel: ")
