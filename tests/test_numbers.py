"""Reading numbers as the reports print them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.numbers import NumberFormatError, decimals_of, normalise, parse_amount, parse_number


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("2 173", 2173.0),
        ("-4 249", -4249.0),
        ("− 4 920 564", -4920564.0),  # U+2212 with a space, as in Sydnärke's overview
        ("- 1 432", -1432.0),
        ("\u2212497", -497.0),
        ("20,5 %", 20.5),
        ("72%", 72.0),
        ("1 305 500,00", 1305500.0),
        ("6\u00a0070\u202f811", 6070811.0),
        ("0", 0.0),
        ("+191", 191.0),
    ],
)
def test_parse_number_variants(printed, expected):
    assert parse_number(printed) == expected


@pytest.mark.parametrize("printed", ["497 0000", "1 000 0000", "12 34", "abc", "", "4 249 000 kr kr", "1,2,3"])
def test_unreadable_numbers_are_refused_not_guessed(printed):
    with pytest.raises(NumberFormatError):
        parse_number(printed)


def test_amounts_convert_to_kronor():
    assert parse_amount("2 173", "tkr") == 2_173_000
    assert parse_amount("-3 626", "tkr") == -3_626_000
    assert parse_amount("584 026", "kr") == 584_026
    with pytest.raises(NumberFormatError):
        parse_amount("1", "dollar")


def test_decimals_and_normalise():
    assert decimals_of("20,16 %") == 2
    assert decimals_of("2 173") == 0
    assert normalise("\u2212 1\u00a0432") == "- 1 432"


def _swedish(n: int) -> str:
    sign = "-" if n < 0 else ""
    digits = f"{abs(n):,}".replace(",", " ")
    return sign + digits


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from(["-", "\u2212", "- ", "\u2212 "]))
def test_round_trip_integers_with_any_minus(n, minus):
    printed = _swedish(n).replace("-", minus, 1) if n < 0 else _swedish(n)
    assert parse_number(printed) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99))
def test_round_trip_decimal_comma(whole, frac):
    printed = f"{_swedish(whole)},{frac:02d} %"
    assert parse_number(printed) == pytest.approx(whole + frac / 100)
