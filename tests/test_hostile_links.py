"""Hostile links (issue 27): repeated and unknown values are bounded — each förbund once, a few notices
however long the link."""

from __future__ import annotations

import time

from lib.urlstate import Param, validate
from tests.test_app import run, specs, texts


def test_repeated_and_unknown_values_are_bounded():
    forbund = Param("forbund", "Förbund", ["sydnarke", "jamtland"], multi=True)
    year = Param("ar", "År", ["senaste", "2023"])
    raw = {
        "forbund": ["sydnarke"] * 1000 + [f"x{i}" for i in range(1000)] + ["jamtland", "sydnarke"],
        "ar": ["2023", "2023", "1999"],
        **{f"p{i}": ["1"] for i in range(1000)},
    }
    result = validate(raw, [forbund, year])
    assert result.clean == {"forbund": ["sydnarke", "jamtland"], "ar": ["2023"]}
    assert result.notices == [
        "Förbund: 1000 värden ignorerades (”x0”, ”x1”, ”x2” och 997 till): de finns inte",
        "År: värdet ”1999” finns inte och ignorerades",
        "1000 okända parametrar i länken ignorerades (p0, p1, p2 och 997 till)",
    ]
    params = [year, *[Param(f"q{i}", f"Q{i}", ["a"]) for i in range(10)]]
    bounded = validate({"ar": ["x"], **{f"q{i}": ["b"] for i in range(10)}, "okand": ["1"]}, params)
    assert len(bounded.notices) == 5 and bounded.notices[-1] == "… och 8 parametrar till i länken ignorerades"


def test_a_förbund_repeated_a_thousand_times_in_a_link_is_drawn_once():
    start = time.monotonic()
    at = run("deltagare", forbund=["sydnarke"] * 600 + ["okänd"] * 300)  # Streamlit reads up to ~1 000 values
    took = time.monotonic() - start
    assert not at.exception
    assert at.multiselect(key="forbund").value == ["sydnarke"]
    assert texts(at, "warning")[:1] == ["Förbund: värdet ”okänd” finns inte och ignorerades"]
    bars = [y for fig in specs(at) for t in fig["data"] if t["type"] == "bar" for y in (t.get("y") or [])]
    assert len(bars) < 60, len(bars)  # one förbund's bars, not a thousand copies
    assert took < 30
    profile = run("profil", forbund=["sydnarke", "sydnarke"])
    assert not [w for w in texts(profile, "info") if "Välj ett förbund" in w]
