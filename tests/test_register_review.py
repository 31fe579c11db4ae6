"""Registering a förbund from its report (suggestions, slug rules) and the review's hand-added figures."""

from __future__ import annotations

import pytest

from lib.ingest import register
from lib.ingest.reading import lines_from_text, read_report
from lib.ingest.review import added_row, corrections_off_the_line, excerpt_html, stands_on
from lib.schema import registration_problems, slug_problem
from tests.conftest import FIXTURES

TEXT = """Årsredovisning 2024
Samordningsförbundet i Östra Bergslagen
Org.nr: 222000–1234
Förbundets medlemmar är Försäkringskassan, Arbetsförmedlingen, Region Västmanland samt
kommunerna Fagersta, Norberg och Skinnskatteberg. Varje kommun betalar efter folkmängd.
Samordningsförbundet i Östra Bergslagen har sitt kansli i Fagersta kommun.
Det egna kapitalet bör inte överstiga 20 % av medlemsbidraget.
Kassa och bank                      1 690      1 505
Medlemsbidrag    4 012 500 kr
"""


@pytest.fixture(scope="module")
def lines():
    return lines_from_text(TEXT)


def test_suggestions_come_from_the_reports_own_words(lines):
    name = register.guess_name(lines)
    assert (name.value, name.line) == ("Samordningsförbundet i Östra Bergslagen", 2)
    assert register.short_name(name.value) == "Östra Bergslagen"
    assert register.slugify(name.value) == "ostra-bergslagen"
    org = register.guess_org_nr(lines)
    assert (org.value, org.line) == ("222000-1234", 3)  # an en dash in the report, a hyphen in the registry
    members = register.guess_members(lines)
    assert members == [
        ("Arbetsförmedlingen", "stat"),
        ("Försäkringskassan", "stat"),
        ("Region Västmanland", "region"),
        ("Fagersta", "kommun"),
        ("Norberg", "kommun"),
        ("Skinnskatteberg", "kommun"),
    ]  # "Varje kommun" names none
    assert register.county_of(members) == "Västmanlands län"
    assert [(c.line, c.label[:30]) for c in register.ceiling_lines(lines)] == [(7, "Det egna kapitalet bör inte öv")]


def test_slugs_are_ascii_stable_and_unique():
    assert register.suggest_slug("Samordningsförbundet Södra Lappland", set()) == "sodra-lappland"
    assert register.suggest_slug("Samordningsförbundet Södra Lappland", {"sodra-lappland"}) == "sodra-lappland-2"
    assert register.slugify("Finsam Älvdalen–Mora") == "alvdalen-mora"
    assert slug_problem("ok-slug-2", set()) == ""
    for bad in ("", "Stor", "med mellanslag", "å", "-kant", "dubbel--streck", "x" * 41):
        assert slug_problem(bad, set()), bad
    assert slug_problem("sydnarke", {"sydnarke"}) == "'sydnarke' används redan av ett annat förbund"


def test_registry_rows_carry_their_report_lines(lines):
    row, members = register.registry_rows(
        slug="ostra-bergslagen",
        name="Samordningsförbundet i Östra Bergslagen",
        short="Östra Bergslagen",
        lan="Västmanlands län",
        region="Region Västmanland",
        org_nr=register.guess_org_nr(lines),
        members=[("Fagersta", "kommun"), ("Köping", "kommun")],
        ceiling_pct=20.0,
        ceiling_line=register.ceiling_lines(lines)[0],
        document="ostra-bergslagen-ar-2024",
        lines=lines,
    )
    assert (row["org_nr"], row["org_nr_document"], row["org_nr_line"]) == (
        "222000-1234",
        "ostra-bergslagen-ar-2024",
        "3",
    )
    assert (row["ceiling_pct"], row["ceiling_line"]) == ("20", "7")
    assert row["ceiling_label"] == "Det egna kapitalet bör inte överstiga 20 % av medlemsbidraget."
    assert [(m["member"], m["line"], m["document"]) for m in members] == [
        ("Fagersta", "5", "ostra-bergslagen-ar-2024"),
        ("Köping", "", ""),  # not in the report: no line is claimed
    ]
    assert members[1]["label"] == "angiven av redaktören (står inte i rapportens text)"
    assert registration_problems(row, set()) == []
    assert registration_problems({**row, "ceiling_pct": "120", "lan": "", "org_nr": "1234"}, {"ostra-bergslagen"}) == [
        "'ostra-bergslagen' används redan av ett annat förbund",
        "länet behövs",
        "taket ska vara en andel mellan 0 och 100 %",
        "organisationsnumret '1234' ska skrivas NNNNNN-NNNN",
    ]
    default, _m = register.registry_rows(
        slug="x", name="Samordningsförbundet X", short="X", lan="", region="", org_nr=None, members=[],
        ceiling_pct=20.0, ceiling_line=None, document="x-ar-2024", lines=lines,
    )  # fmt: skip
    assert (default["ceiling_document"], default["ceiling_line"]) == ("", "")
    assert default["ceiling_label"] == register.DEFAULT_CEILING_LABEL


def test_the_editors_member_list():
    members, problems = register.parse_members("Fagersta (kommun)\nRegion Västmanland\nFörsäkringskassan\n\nNorberg")
    assert members == [
        ("Fagersta", "kommun"),
        ("Region Västmanland", "region"),
        ("Försäkringskassan", "stat"),
        ("Norberg", "kommun"),
    ]
    assert problems == []
    _m, problems = register.parse_members("Fagersta (by)\nFagersta\nRegion X")
    assert problems == ["medlem på rad 1: 'by' ska vara kommun, region eller stat"]
    _m, problems = register.parse_members("Region X")
    assert problems == ["minst en medlemskommun behövs"]


@pytest.mark.parametrize(
    ("printed", "line", "stands"),
    [
        ("1 690", "Kassa och bank                      1 690      1 505", True),
        ("1 505", "Kassa och bank                      1 690      1 505", True),
        ("690", "Kassa och bank                      1 690      1 505", False),  # part of a number
        ("1 69", "Kassa och bank                      1 690      1 505", False),
        ("4 012 500", "Medlemsbidrag    4 012 500 kr", True),
        ("4012500", "Medlemsbidrag    4 012 500 kr", True),
        ("012 500", "Medlemsbidrag    4 012 500 kr", False),
        ("-4 920 564", "uppgick till − 4 920 564 kr", True),
        ("20,5", "andelen var 20,5 %", True),
        ("20", "andelen var 20,5 %", False),
    ],
)
def test_a_value_stands_whole_on_its_line(printed, line, stands):
    assert stands_on(printed, line) is stands


def test_adding_a_figure_by_line_and_metric(lines):
    row, problems = added_row(
        lines, line=9, metric="medlemsbidrag", year=2024, basis="utfall", printed="4 012 500", unit="kr"
    )
    assert problems == []
    assert {k: row[k] for k in ("line", "label", "metric", "printed", "printed_unit", "note")} == {
        "line": "9",
        "label": "Medlemsbidrag",
        "metric": "medlemsbidrag",
        "printed": "4 012 500",
        "printed_unit": "kr",
        "note": "tillagd för hand vid granskningen",
    }
    assert added_row(lines, line=9, metric="medlemsbidrag", year=2024, basis="utfall", printed="4 012", unit="kr")[
        1
    ] == ["«4 012» står inte på rad 9: «Medlemsbidrag    4 012 500 kr»"]
    assert added_row(lines, line=99, metric="medlemsbidrag", year=2024, basis="utfall", printed="1", unit="kr")[1] == [
        "rapporten har ingen rad 99 (raderna är 1–10)"
    ]
    _r, problems = added_row(
        lines, line=9, metric="medlemsbidrag", year=2024, basis="utfall", printed="4 012 500", unit="kr", label="Avgift"
    )
    assert problems == ["etiketten «Avgift» står inte på rad 9"]
    _r, problems = added_row(
        lines, line=9, metric="deltagare", year=2024, basis="utfall", printed="4 012 500", unit="kr"
    )
    assert problems == ["'printed_unit' för deltagare måste vara personer, inte 'kr'"]


def test_a_correction_off_its_line_is_said(lines):
    corrected = "granskad av a; rättad vid granskning, förslaget var 1 690"
    rows = [
        {"line": "8", "metric": "likvida_medel", "year": "2024", "printed": "1 700", "note": corrected},
        {"line": "8", "metric": "likvida_medel", "year": "2023", "printed": "1 505", "note": "granskad av a"},
    ]
    assert corrections_off_the_line(rows, lines) == [
        "rad 8 (Likvida medel vid årets slut 2024): «1 700» står inte på raden; det rättade värdet publiceras "
        "med förslagets värde i anteckningen"
    ]


def test_the_excerpt_escapes_the_report_and_marks_the_line():
    hostile = lines_from_text("rad ett\n<script>alert(1)</script> [länk](http://x.se)\n<img src=x onerror=alert(1)>\n")
    out = excerpt_html(hostile, 2, {3}, radius=2)
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [länk](http://x.se)" in out
    assert out.count("font-weight:600") == 1 and out.count("rgba(0,114,178,.10)") == 1


def test_the_fixture_report_registers_as_written():
    lines = read_report(path=str(FIXTURES / "nordana-ar-2024.txt"))
    assert register.guess_name(lines).value == "Samordningsförbundet Nordanå"
    assert register.county_of(register.guess_members(lines)) == "Västernorrlands län"


def test_the_numbers_a_line_can_be_read_as_are_offered_to_pick_from():
    from lib.ingest.review import number_groups

    # Columns one space apart: every reading of the digit groups, in reading order.
    assert number_groups("Kansli 2 410 2 388 22") == ["2 410", "2", "410", "2 388", "388", "22"]
    assert number_groups("Resultat -1 210 -529 681") == ["-1 210", "-1", "210", "-529 681", "-529", "681"]
    # Columns set apart by wide gaps: a single space groups digits, nothing else.
    assert number_groups("Summa tillgångar    3 412    3 052") == ["3 412", "3 052"]
    assert number_groups("Ingen siffra här") == []
    assert stands_on("2 410", "Kansli 2 410 2 388 22") and stands_on("22", "Kansli 2 410 2 388 22")
    assert not stands_on("410 2", "Kansli 2 410 2 388 22")


def test_member_kommuner_must_be_kommuner_and_the_closest_names_are_offered():
    codes, problems = register.kommun_check(
        [
            ("Sollefteå kommun", "kommun"),
            ("Sollefta", "kommun"),
            ("Nordvik", "kommun"),
            ("Länets åtta kommuner", "kommun"),  # a county wording: the län decides (lib.membership)
            ("Region Västernorrland", "region"),
        ]
    )
    assert codes == {"Sollefteå kommun": "2283"}
    assert problems == [
        "medlemmen «Sollefta» är ingen av Sveriges 290 kommuner; menade du «Sollefteå» eller «Sollentuna»?",
        "medlemmen «Nordvik» är ingen av Sveriges 290 kommuner",
    ]
    assert register.county_of_kommuner({"Ånge": "2260", "Sollefteå": "2283"}) == "Västernorrlands län"
    assert register.county_of_kommuner({"Ånge": "2260", "Lycksele": "2481"}) is None


def test_a_figure_of_one_insats_or_member_can_be_added_by_line():
    from lib.ingest.review import added_row

    lines = lines_from_text(
        "Deltagare per insats 2024\nArbetslivsteamet               98      74       172\n"
        "Kansli 2 410 2 388 22\nUnder året deltog 412 personer.\n"
    )
    row, problems = added_row(
        lines,
        line=2,
        metric="deltagare",
        year=2024,
        basis="utfall",
        printed="172",
        unit="personer",
        item="Arbetslivsteamet",
    )
    assert problems == []
    assert {k: row[k] for k in ("label", "item", "item_kind", "part_of", "printed")} == {
        "label": "Arbetslivsteamet",
        "item": "Arbetslivsteamet",
        "item_kind": "insats",
        "part_of": "TOTAL",
        "printed": "172",
    }
    kansli, problems = added_row(
        lines, line=3, metric="drift_kostnad", year=2024, basis="budget", printed="2 410", unit="tkr", item="Kansli"
    )
    assert problems == [] and (kansli["label"], kansli["item_kind"]) == ("Kansli", "post")
    plain, _ = added_row(lines, line=4, metric="deltagare", year=2024, basis="utfall", printed="412", unit="personer")
    assert (plain["label"], plain["item"], plain["part_of"]) == ("Under året deltog", "", "")


def test_numbers_in_running_text_are_offered_too():
    from lib.ingest.review import number_groups

    assert number_groups("budget på -1 210 tkr. Det egna kapitalet uppgår till 1 848 tkr,") == ["-1 210", "1 848"]
    assert number_groups("Not 3  2 410 2 388 22") == ["3", "2 410", "2", "410", "2 388", "388", "22"]
    assert number_groups("Under 2024 deltog 412 personer") == ["412"]  # a year is not a figure's number
