"""Member kommuner with SCB codes, SCB trends per förbund, the reports beside SCB, and the map's classes."""

from __future__ import annotations

import polars as pl
import pytest

from lib import geo
from lib.data import read_build
from lib.format import MAP_DIVERGING, MAP_NO_FORBUND, MAP_NO_MEASURE, MAP_NO_REPORT
from lib.membership import member_kommuner, membership_conflicts
from lib.urlstate import MAP_MEASURE_IDS
from lib.views_map import MEASURES, NO_DATA, classify, legend_counts, map_table
from lib.views_scb import TOTAL_LABEL, report_vs_scb, scb_trend
from tests.scb_fixture import load_fixtures


@pytest.fixture(scope="module")
def ds():
    return read_build()


@pytest.fixture(scope="module")
def scb(tmp_path_factory):
    return load_fixtures(tmp_path_factory.mktemp("scb")).data


def test_sweden_has_290_kommuner_with_codes_and_lan():
    k = geo.kommuner()
    assert k.height == 290 and k["kommun_kod"].n_unique() == 290
    assert k.filter(pl.col("kommun_kod") == "2380").row(0) == ("2380", "Östersund", "23", "Jämtlands län")
    assert geo.lookup("Sollefteå kommun") == ("2283", "Sollefteå")
    assert geo.lookup("Region Västernorrland") is None


def test_every_member_kommun_of_the_four_forbund_has_its_code(ds):
    got = {s: sorted(g["kommun"].to_list()) for (s,), g in ds.kommuner.group_by("forbund")}
    assert got == {
        "jamtland": ["Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"],
        "sodra-lappland": ["Dorotea", "Lycksele", "Malå", "Sorsele", "Storuman", "Vilhelmina", "Åsele"],
        "solleftea": ["Sollefteå"],
        "sydnarke": ["Askersund", "Hallsberg", "Kumla", "Laxå"],
    }
    jamtland = ds.kommuner.filter(pl.col("forbund") == "jamtland").row(0, named=True)
    assert jamtland["how"] == "Jämtlands läns kommuner enligt SCB:s indelning (rapporten: ”Länets åtta kommuner”)"
    assert (jamtland["document"], jamtland["line"]) == ("jamtland-ar-2022", 112)
    # Each kommun belongs to exactly one förbund in the data.
    assert ds.kommuner["kommun_kod"].n_unique() == ds.kommuner.height
    assert ds.findings.filter(pl.col("check") == "medlemskommun").height == 0


def _members(rows):
    return pl.DataFrame(
        [
            dict(zip(("forbund", "member", "kind"), r, strict=True)) | {"document": "d", "line": 1, "label": r[1]}
            for r in rows
        ],
        schema={
            "forbund": pl.String,
            "member": pl.String,
            "kind": pl.String,
            "document": pl.String,
            "line": pl.Int32,
            "label": pl.String,
        },
    )


def test_unknown_names_and_a_wrong_county_count_are_findings():
    forbund = pl.DataFrame({"forbund": ["a", "b"], "lan": ["Jämtlands län", "Gotlands län"]})
    members = _members(
        [
            ("a", "Länets sju kommuner", "kommun"),
            ("b", "Gotland", "kommun"),
            ("b", "Visbyy", "kommun"),
            ("b", "Region Gotland", "region"),
        ]
    )
    df, findings = member_kommuner(members, forbund)
    assert df.select("forbund", "kommun_kod").rows() == [("b", "0980")]
    assert [f["description"] for f in findings] == [
        "Rapporten anger ”Länets sju kommuner” men Jämtlands län har 8 kommuner enligt SCB: medlemskommunerna "
        "behöver anges med namn",
        "Medlemmen ”Visbyy” är ingen kommun i SCB:s kommunlista: ange kommunens namn",
    ]
    assert findings[0]["expected"] == 8.0 and findings[0]["found"] == 7.0


def test_a_kommun_in_two_forbund_the_same_year_is_a_finding():
    forbund = pl.DataFrame({"forbund": ["a", "b"], "lan": ["", ""]})
    df, _ = member_kommuner(_members([("a", "Kumla", "kommun"), ("b", "Kumla kommun", "kommun")]), forbund)
    figures = pl.DataFrame({"forbund": ["a", "b", "b"], "year": [2023, 2023, 2022], "basis": ["utfall"] * 3})
    found = membership_conflicts(df, figures)
    assert [(f["forbund"], f["year"], f["description"]) for f in found] == [
        ("a", 2023, "Kumla (1881) är medlem både här och i b år 2023"),
        ("b", 2023, "Kumla (1881) är medlem både här och i a år 2023"),
    ]


def test_trend_per_forbund_with_riket_and_the_computed_total(ds, scb):
    t = scb_trend(ds, scb, ["sodra-lappland"])
    total = t.filter(pl.col("Serie") == TOTAL_LABEL).sort("År")
    # 2022: 887 + 179 + 359 + 144 + 154 + 449 + 196 = 2 368 HÅE of 17 827 in the seven kommuner.
    assert total.select("År", "Åldersgrupp", "HÅE", "Folkmängd", "Beräknad").rows() == [
        (2021, "20–64", 2297.0, 17738.0, True),
        (2022, "20–64", 2368.0, 17827.0, True),
        (2023, "20–64", 2413.0, 17916.0, True),
    ]
    assert total["Andel (%)"].to_list()[1] == pytest.approx(100 * 2368 / 17827)
    riket = t.filter(pl.col("Serie") == "Riket")
    assert riket.select("År", "Åldersgrupp", "Andel (%)").rows() == [
        (2021, "20–64", 11.6),
        (2022, "20–64", 11.9),
        (2023, "20–64", 12.1),
        (2023, "20–65", 11.9),
        (2024, "20–65", None),
    ]
    lycksele = t.filter(pl.col("Serie") == "Lycksele")
    assert lycksele.select("År", "Andel (%)", "Beräknad").rows() == [
        (2021, 13.5, False),
        (2022, 13.8, False),
        (2023, 14.0, False),
    ]


def test_no_total_when_scb_lacks_a_member_kommun(ds, scb):
    t = scb_trend(ds, scb, ["sydnarke"])
    total = t.filter(pl.col("Serie") == TOTAL_LABEL)
    assert total.select("År", "Åldersgrupp", "Andel (%)", "Anmärkning").rows() == [
        (2023, "20–65", None, "SCB har 2 av 4 medlemskommuner: ingen summa"),
        (2024, "20–65", None, "SCB har 2 av 4 medlemskommuner: ingen summa"),
    ]
    # The two age bands never share a series: 20–65 rows only for Askersund and Hallsberg.
    assert set(t.filter(pl.col("Serie") == "Askersund")["Åldersgrupp"]) == {"20–65"}


def test_report_beside_scb(ds, scb):
    table, findings = report_vs_scb(ds, scb, ["sodra-lappland"])
    vilhelmina = table.filter((pl.col("Kommun") == "Vilhelmina") & pl.col("Period").str.starts_with("Helår"))
    assert vilhelmina.select("Mått", "Rapporten", "SCB", "Bedömning").rows() == [
        ("Folkmängd", 3269.0, 3269.0, "stämmer"),
        ("Andel (%)", 13.8, 13.7, "skiljer sig"),
        ("Totalt (HÅE)", 451.0, 449.0, "skiljer sig"),
    ]
    assert findings["description"].to_list() == [
        "Andel (%) för Vilhelmina (Helår 2022, 20–64 år): rapporten 13,8, SCB 13,7",
        "Totalt (HÅE) för Vilhelmina (Helår 2022, 20–64 år): rapporten 451, SCB 449",
    ]
    half = table.filter(pl.col("Period").str.starts_with("Första"))
    assert set(half["Bedömning"]) == {"ej jämförbar: SCB:s årstabell har inga halvårsvärden"}
    assert table.filter(pl.col("Bedömning") == "stämmer").height == 22


def test_map_colours_for_the_four_forbund(ds):
    table, period = map_table(ds, "eget_kapital")
    assert period == "senaste år per förbund"
    assert table.height == 290
    by_forbund = {
        r[0]: r[1:]
        for r in table.filter(pl.col("slug").is_not_null()).select("slug", "Klass", "Färg", "År").unique().rows()
    }
    assert by_forbund == {
        "sodra-lappland": ("över 30 %", "#E66101", 2023),
        "jamtland": ("över 30 %", "#E66101", 2022),
        "solleftea": ("20–30 %", "#FDB863", 2023),
        "sydnarke": ("10–20 %", "#8073AC", 2023),
    }
    others = table.filter(pl.col("slug").is_null())
    assert set(others["Färg"]) == {MAP_NO_FORBUND} and set(others["Anmärkning"]) == {"inget förbund i registret"}
    assert legend_counts(table, "eget_kapital") == [
        ("högst 10 %", MAP_DIVERGING[0], 0),
        ("10–20 %", MAP_DIVERGING[1], 4),
        ("20–30 %", MAP_DIVERGING[2], 1),
        ("över 30 %", MAP_DIVERGING[3], 15),
        ("Måttet saknas i rapporten", MAP_NO_MEASURE, 0),
        ("Förbundet saknar publicerad årsredovisning", MAP_NO_REPORT, 0),
        ("Kommun utan samordningsförbund i registret", MAP_NO_FORBUND, 270),
    ]


def test_map_keeps_outcome_definitions_apart(ds):
    table, _ = map_table(ds, "arbete_studier")
    rows = dict(table.filter(pl.col("slug").is_not_null()).select("slug", "Anmärkning").unique().rows())
    assert rows["sydnarke"] == "redovisar med en annan definition (positiv stegförflyttning)"
    assert rows["jamtland"] == "beräknad"


def test_map_hae_is_each_kommuns_own_scb_share(ds, scb):
    table, period = map_table(ds, "hae", "2023", scb)
    assert period == "2023, 20–64 år"
    lycksele = table.filter(pl.col("kommun_kod") == "2481").row(0, named=True)
    assert (lycksele["Värde (%)"], lycksele["Klass"], lycksele["Förbund"]) == (14.0, "11–14 %", "Södra Lappland")
    assert table.filter(pl.col("Värde (%)").is_not_null()).height == 7
    empty, period = map_table(ds, "hae", "senaste", None)
    assert period == "" and set(empty["Klass"]) == {NO_DATA}


@pytest.mark.parametrize(
    ("value", "label"),
    [(None, NO_DATA), (10.0, "högst 10 %"), (20.0, "10–20 %"), (20.01, "20–30 %"), (31, "över 30 %")],
)
def test_class_bounds_belong_to_the_lower_class(value, label):
    assert classify(value, MEASURES["eget_kapital"])[0] == label


def test_url_measures_match_the_registry():
    assert tuple(MEASURES) == MAP_MEASURE_IDS


def test_map_figure_classes_legend_and_outline(ds):
    from lib import charts

    table, _ = map_table(ds, "eget_kapital")
    legend = legend_counts(table, "eget_kapital")
    kommun_geo = {
        "type": "FeatureCollection",
        "bbox": [11.0, 55.3, 24.2, 69.0],
        "features": [{"type": "Feature", "id": c, "geometry": None} for c in ("1860", "1861", "1881", "1882", "2481")],
    }
    lan_geo = {"type": "FeatureCollection", "features": []}
    plain = charts.map_chart(table, legend, kommun_geo, lan_geo)
    kommuner = plain.data[0]
    assert kommuner.type == "choropleth" and len(kommuner.locations) == 290
    # The boundaries go into the figure once; classes are a stepped scale, the legend one marker per class.
    assert sum(1 for t in plain.data if t.type == "choropleth" and t.geojson == kommun_geo) == 1
    at = dict(zip(kommuner.locations, kommuner.z, strict=True))
    # över 30 %, 10–20 %, 20–30 %, and a kommun without a förbund in the register (the last class)
    assert (at["2481"], at["1881"], at["2283"], at["0114"]) == (3, 1, 2, 6)
    assert [(t.name, t.marker.color) for t in plain.data[1:8]] == [
        ("högst 10 % (0)", "#542788"),
        ("10–20 % (4)", "#8073AC"),
        ("20–30 % (1)", "#FDB863"),
        ("över 30 % (15)", "#E66101"),
        ("Måttet saknas i rapporten (0)", "#9A9A9A"),
        ("Förbundet saknar publicerad årsredovisning (0)", "#D0D0D0"),
        ("Kommun utan samordningsförbund i registret (270)", "#FAFAFA"),
    ]
    colour_of_z = {round(lo * 7): c for (lo, c), _ in zip(kommuner.colorscale[::2], range(7), strict=True)}
    assert colour_of_z == {
        **{0: "#542788", 1: "#8073AC", 2: "#FDB863", 3: "#E66101"},
        **{4: "#9A9A9A", 5: "#D0D0D0", 6: "#FAFAFA"},
    }
    outlined = charts.map_chart(table, legend, kommun_geo, lan_geo, selected=("sydnarke",))
    last = outlined.data[-1]
    assert last.name == "Valt förbund (svart kant)" and list(last.locations) == ["1860", "1861", "1881", "1882"]
    assert [f["id"] for f in last.geojson["features"]] == ["1860", "1861", "1881", "1882"]


def test_the_map_names_its_boundaries_by_url_and_stays_under_100_kb_a_run(ds):
    from lib import charts

    for kind, name in geo.STATIC_FILES.items():  # the served files are what the code makes (python -m lib.geo)
        assert (geo.STATIC_DIR / name).read_text(encoding="utf-8") == geo.geojson_text(kind), name
    table, _ = map_table(ds, "eget_kapital")
    k, lan = geo.boundaries("kommun"), geo.boundaries("lan")
    urls = (geo.geojson_url("kommun"), geo.geojson_url("lan"))
    fig = charts.map_chart(table, legend_counts(table, "eget_kapital"), k, lan, urls=urls)
    assert len(fig.to_json()) < 100_000  # was ~340 kB with the shapes inline
    assert fig.data[0].geojson == "app/static/kommuner.geojson"
    assert len(k["features"]) == 290 and all(f["geometry"]["coordinates"] for f in k["features"])
    slide = charts.export_figure(fig, title="Karta")  # the renderer has no browser to fetch them: shapes inline
    assert slide.data[0].geojson["features"][0]["id"] == k["features"][0]["id"]
