"""Swedish formatting, the download files, and the URL-state rules (pure functions)."""

import io
import os
import shutil

import openpyxl
import plotly.graph_objects as go
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.downloads import file_stem, png_bytes, swedish_csv, xlsx_bytes
from lib.format import escape_markdown, fmt_decimal, fmt_int, fmt_kr, fmt_mkr, fmt_pct, format_frame
from lib.numbers import parse_number
from lib.urlstate import Param, should_apply_url, validate, value_from_url

NB = "\u00a0"


@pytest.mark.parametrize(
    ("fn", "value", "text"),
    [
        (fmt_kr, 2_173_000, f"2{NB}173{NB}000{NB}kr"),
        (fmt_kr, -497_000, f"\u2212497{NB}000{NB}kr"),
        (fmt_kr, None, "–"),
        (fmt_mkr, 2_173_000, f"2,2{NB}mkr"),
        (fmt_pct, 57.9158, f"57,9{NB}%"),
        (fmt_pct, 20.0, f"20,0{NB}%"),
        (fmt_int, 1234.4, f"1{NB}234"),
        (fmt_decimal, -0.04, "0,0"),
    ],
)
def test_swedish_formats(fn, value, text):
    assert fn(value) == text


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_formatted_kronor_read_back(n):
    assert parse_number(fmt_kr(n)) == n


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_formatted_decimals_read_back(x, decimals):
    assert parse_number(fmt_decimal(x, decimals)) == pytest.approx(round(x, decimals), abs=10**-decimals)


def test_escape_markdown_makes_links_and_tags_inert():
    assert escape_markdown("[a](http://x.se) <b>") == "\\[a\\]\\(http\u200b\\://x\\.se\\) \\<b\\>"
    assert escape_markdown("x" * 100, limit=5) == "xxxxx…"


def test_format_frame_orders_and_formats():
    df = pl.DataFrame({"b": [57.9158], "a": ["Sydnärke"], "c": [True], "d": [None]}, schema_overrides={"d": pl.Float64})
    out = format_frame(df, {"a": "text", "b": "pct", "c": "bool", "d": "kr"})
    assert out.columns == ["a", "b", "c", "d"]
    assert out.row(0) == ("Sydnärke", f"57,9{NB}%", "Ja", "–")


def test_swedish_csv_bytes():
    df = pl.DataFrame(
        {
            "Förbund": ["Södra Lappland", "Sydnärke"],
            "Andel (%)": [57.9158, None],
            "Eget kapital (kr)": [2_173_000.4, 801_162.0],
            "N": [3, 4],
            "Över taket": [True, False],
            "Kvot": [1.23456, 2.0],
        }
    )
    # Shares to one decimal, kronor whole, yes/no in Swedish, an empty cell empty: never 57,9158, true or None.
    assert (
        swedish_csv(df)
        == (
            "\ufeffFörbund;Andel (%);Eget kapital (kr);N;Över taket;Kvot\n"
            "Södra Lappland;57,9;2173000;3;ja;1,23\nSydnärke;;801162;4;nej;2\n"
        ).encode()
    )


def test_xlsx_bytes_and_file_stem():
    df = pl.DataFrame(
        {"Förbund": ["Sydnärke"], "År": [2023], "Andel (%)": [15.34], "Eget kapital (kr)": [801_162.25]},
        schema_overrides={"År": pl.Int32},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(df, "Eget kapital"))).active
    assert [c.value for c in sheet[1]] == ["Förbund", "År", "Andel (%)", "Eget kapital (kr)"]
    assert [c.value for c in sheet[2]] == ["Sydnärke", 2023, 15.3, 801162]
    # The year is a year ("2023", not "2 023"), kronor with thousands, the share with one decimal.
    assert [c.number_format for c in sheet[2][1:]] == ["0", "0.0", "#,##0"]
    assert file_stem("Eget kapital", "Södra Lappland", 2023, None) == "eget-kapital_sodra-lappland_2023"


@pytest.mark.skipif(not shutil.which("chromium") and not os.environ.get("CI"), reason="Chromium saknas")
def test_png_is_rendered_with_the_system_chromium():
    png = png_bytes(go.Figure(go.Bar(x=["a"], y=[1])), width=300, height=200)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 600  # width × scale 2


SPECS = [Param("forbund", "Förbund", ["a", "b"], multi=True), Param("ar", "År", ["senaste", "2023"])]


def test_validate_keeps_good_values_and_describes_bad_ones():
    result = validate(
        {"forbund": ["a", "zz"], "ar": ["2023", "2022"], "embed": ["true"], "q": ["1"]}, SPECS, ignore=("embed",)
    )
    assert result.clean == {"forbund": ["a"], "ar": ["2023"]}
    assert result.unknown_keys == ["q"]
    assert result.notices == [
        "Förbund: värdet ”zz” finns inte och ignorerades",
        "År: värdet ”2022” finns inte och ignorerades",
        "Okänd parameter i länken ignorerades: q",
    ]


@given(st.dictionaries(st.text(max_size=20), st.lists(st.text(max_size=30), max_size=4), max_size=5))
def test_validate_never_fails_and_only_keeps_allowed_values(raw):
    result = validate(raw, SPECS)
    for key, values in result.clean.items():
        spec = next(p for p in SPECS if p.key == key)
        assert set(values) <= set(spec.options)
        assert spec.multi or len(values) == 1
    for notice in result.notices:
        assert "](" not in notice and "<" not in notice.replace("\\<", "")


def test_url_round_trip_rules():
    forbund, ar = SPECS
    assert forbund.to_url(["a", "b"]) is None  # the default (all) keeps the link short
    assert forbund.to_url(["b"]) == ["b"]
    assert ar.to_url("senaste") is None and ar.to_url("2023") == ["2023"]
    assert value_from_url(forbund, {"forbund": ["b"]}) == ["b"]
    assert value_from_url(ar, {"ar": ["2023"]}) == "2023"
    assert should_apply_url(True, ["b"], None)  # an opened link
    assert not should_apply_url(False, None, ["b"])  # menu navigation dropped the parameter: keep the selection
    assert not should_apply_url(False, ["b"], ["b"])  # our own write
    assert should_apply_url(False, ["a"], ["b"])  # back/forward to another view


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.integers(min_value=0, max_value=999_999))
def test_line_numbers_are_grouped_in_polars_as_in_python(n):
    from lib.format import fmt_int
    from lib.views import grouped_int

    assert pl.DataFrame({"n": [n]}).select(grouped_int(pl.col("n"))).item() == fmt_int(n)
