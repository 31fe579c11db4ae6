"""SCB's monthly table TAB1386 through the real pxwebpy path against a stand-in SCB (tests/scb_standin.py):
resolving the codes from the metadata, batching, a 429, a timeout, a changed table, an incremental refresh, the
background refresh with its lock, no network; the year means' exact values, a partial year, the monthly view."""

from __future__ import annotations

import re
import subprocess
import sys
import threading

import polars as pl
import pytest

from lib.data import load_dataset
from lib.scb import cache, refresh, tab1386
from lib.views_scb import FROM_MONTHS, TOTAL_LABEL, monthly_trend, scb_trend, yearly_shares
from tests.conftest import ROOT
from tests.scb_standin import KOMMUNER, StandIn, all_months


@pytest.fixture
def standin():
    with StandIn() as s:
        yield s


def client(s: StandIn, timeout: int = 5):
    return lambda: tab1386.connect(s.url, timeout=timeout)


def test_the_codes_come_from_the_metadata_by_their_labels(standin):
    api = client(standin)()
    q = tab1386.resolve(api.get_table_variables(tab1386.TABLE_ID))
    assert q.contents == {
        "HE0112A1": "hae_sjukpenning",
        "HE0112A2": "hae_sjuk_och_aktivitetsersattning",  # SCB's own spelling "…ersersättning"
        "HE0112A3": "hae_arbetsloshet",
        "HE0112A4": "hae_arbetsmarknadsatgarder",
        "HE0112A5": "hae_ekonomiskt_bistand",
        "HE0112A6": "hae_etableringsersattning",
        "HE0112A7": "hae_totalt",
        "HE0112A8": "folkmangd",
        "HE0112A9": "hae_andel",
    }
    assert (q.sex, q.bands, len(q.regions), q.regions["00"]) == (
        "1+2",
        {"20-64": "20–64", "20-65": "20–65"},
        21,
        "Riket",
    )
    assert q.regions["2481"] == "Lycksele" and (q.months[0], q.months[-1]) == ("2019M01", "2024M06")


def test_a_whole_fetch_in_batches_with_a_429_waited_out(standin, tmp_path):
    standin.max_cells = 2000  # a year of the stand-in's 21 regions is 4 536 cells: pxwebpy splits each call
    standin.busy = 1
    message = refresh.refresh(tmp_path, client(standin))
    assert message == "66 nya månader hämtade (2019M01–2024M06)"
    data = cache.load(tmp_path)
    assert data.data.height == 21 * 2 * 9 * 66
    # A call per year of months, split by pxwebpy below the limit: three for a whole year, two for 2024's six
    # months; and the call answered 429, waited out and asked again.
    assert standin.calls == 5 * 3 + 2 + 1
    assert refresh.source_line(tmp_path).endswith("(tabell TAB1386, månader 2019M01–2024M06)")
    assert refresh.status(tmp_path)["state"] == "klar"


def test_an_incremental_refresh_asks_only_for_the_months_it_lacks(standin, tmp_path):
    standin.months = all_months(last=(2024, 3))
    refresh.refresh(tmp_path, client(standin))
    standin.asked.clear()
    standin.months = all_months()  # SCB publishes three more months
    assert refresh.refresh(tmp_path, client(standin)) == "3 nya månader hämtade (2024M04–2024M06)"
    assert standin.asked == [["2024M04", "2024M05", "2024M06"]]
    assert refresh.refresh(tmp_path, client(standin)) == "inga nya månader hos SCB (senaste 2024M06)"
    assert cache.load(tmp_path).data.height == 21 * 2 * 9 * 66


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            "label",
            "har ändrats sedan de sparade månaderna hämtades: HE0112A7 heter nu 'Summa försörjda "
            "helårsekvivalenter (ny definition)' (förut 'Summa helårsekvivalenter')",
        ),
        ("variable", "saknar variabeln Aldersgrupp (tabellen har: ContentsCode, Kon, Region, Tid)"),
    ],
)
def test_a_changed_table_is_named_and_the_old_cache_kept(standin, tmp_path, change, said):
    standin.months = all_months(last=(2023, 12))
    refresh.refresh(tmp_path, client(standin))
    before = cache.load(tmp_path).data
    standin.changed = change
    standin.months = all_months()
    with pytest.raises(tab1386.TableChanged, match=re.escape(said)):
        refresh.refresh(tmp_path, client(standin))
    assert cache.load(tmp_path).data.equals(before)
    assert said in refresh.status(tmp_path)["message"]
    assert "senaste försöket att uppdatera misslyckades" in refresh.source_line(tmp_path)


def test_a_content_the_vocabulary_does_not_know_stops_the_first_fetch(standin, tmp_path):
    standin.changed = "unknown"
    with pytest.raises(tab1386.TableChanged, match="tabellinnehållet 'Bostadsbidrag' känns inte igen"):
        refresh.refresh(tmp_path, client(standin))
    assert cache.load(tmp_path).empty and standin.calls == 0


def test_a_timeout_and_no_network_are_said_and_change_nothing(standin, tmp_path):
    standin.delay = 3
    with pytest.raises(tab1386.ScbUnavailable, match="SCB svarade inte i tid"):
        refresh.refresh(tmp_path, client(standin, timeout=1))
    assert cache.load(tmp_path).empty
    nowhere = tmp_path / "ingen"
    with pytest.raises(tab1386.ScbUnavailable, match="SCB kunde inte nås"):
        refresh.refresh(nowhere, lambda: tab1386.connect("http://127.0.0.1:9/api/v2", timeout=2))
    assert refresh.source_line(nowhere) == (
        "Inga SCB-data från tabell TAB1386: SCB kunde inte nås (inget nätverk?). De hämtas från "
        "https://statistikdatabasen.scb.se/api/v2 när servern når SCB"
    )
    assert not refresh.due(nowhere)  # a failed attempt is not repeated at every start


def test_one_refresh_at_a_time_across_processes(standin, tmp_path):
    with refresh._folder_lock(tmp_path) as held:  # as another server holding the lock
        assert held is not None
        with pytest.raises(RuntimeError, match="en annan process hämtar redan"):
            refresh.refresh(tmp_path, client(standin))
    assert refresh.refresh(tmp_path, client(standin)).startswith("66 nya månader")


def test_the_background_refresh_runs_once_when_due(standin, tmp_path, monkeypatch):
    monkeypatch.delenv("FINSAM_SCB_REFRESH", raising=False)
    done = threading.Event()
    real = refresh.refresh

    def watched(*args, **kwargs):
        try:
            return real(*args, **kwargs)
        finally:
            done.set()

    monkeypatch.setattr(refresh, "refresh", watched)
    assert refresh.start_background(tmp_path, api_factory=client(standin))
    assert done.wait(30)
    assert cache.load(tmp_path).data.height == 21 * 2 * 9 * 66
    assert not refresh.due(tmp_path)  # fetched today: not due for a month
    assert not refresh.start_background(tmp_path, api_factory=client(standin))
    monkeypatch.setenv("FINSAM_SCB_REFRESH", "off")
    assert not refresh.start_background(tmp_path / "annan", api_factory=client(standin))


# -- months to years ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    d = tmp_path_factory.mktemp("scb")
    with StandIn() as s:
        refresh.refresh(d, client(s))
    return cache.load(d).data


def test_a_year_is_the_mean_of_its_twelve_months(monthly):
    y = yearly_shares(monthly).filter((pl.col("kommun_kod") == "2481") & (pl.col("age_band") == "20–64"))
    assert y["year"].to_list() == [2019, 2020, 2021, 2022, 2023]  # 2024 has 6 months: not a year
    first = y.row(0, named=True)
    # Lycksele 2019 in the stand-in: HÅE 1 520 + month, population 15 000 + month.
    assert (first["hae_totalt"], first["folkmangd"], first["months"]) == (1526.5, 15006.5, 12)
    assert first["share"] == pytest.approx(100 * 1526.5 / 15006.5) and first["from_months"]
    assert first["hae_andel"] is None  # SCB's monthly shares are never averaged
    partial = yearly_shares(monthly, partial=True).filter(
        (pl.col("kommun_kod") == "2481") & (pl.col("age_band") == "20–64") & (pl.col("year") == 2024)
    )
    assert (partial["months"][0], partial["hae_totalt"][0]) == (6, 1520 + 50 + 3.5)


def test_the_trend_marks_the_computation_and_keeps_a_year_so_far_apart(monthly):
    ds = load_dataset()
    t = scb_trend(ds, monthly, ["sodra-lappland"])
    lycksele = t.filter((pl.col("kommun_kod") == "2481") & (pl.col("Åldersgrupp") == "20–64"))
    assert lycksele["År"].to_list() == [2019, 2020, 2021, 2022, 2023, 2024]
    assert lycksele["Hela året"].to_list() == [True] * 5 + [False]
    assert lycksele["Anmärkning"].to_list()[:5] == [FROM_MONTHS] * 5
    assert lycksele["Anmärkning"][5] == "hittills i år (6 mån), medel av månaderna ur SCB:s månadstabell"
    total = t.filter((pl.col("Serie") == TOTAL_LABEL) & (pl.col("Åldersgrupp") == "20–64") & (pl.col("År") == 2019))
    codes = ["2418", "2421", "2422", "2425", "2462", "2463", "2481"]
    hae = sum(100 * (int(c) % 13) + 420 + 6.5 for c in codes)
    pop = sum(1000 * (int(c) % 13) + 4000 + 6.5 for c in codes)
    assert total.row(0, named=True)["Andel (%)"] == pytest.approx(100 * hae / pop)
    assert t["Förbund"].unique().to_list() == ["Södra Lappland"]


def test_the_monthly_view_shows_the_last_36_months(monthly):
    ds = load_dataset()
    m = monthly_trend(ds, monthly, ["jamtland", "solleftea"])
    assert set(m["slug"].to_list()) == {"jamtland", "solleftea"}
    sol = m.filter((pl.col("kommun_kod") == "2283") & (pl.col("Åldersgrupp") == "20–64"))
    assert (sol.height, str(sol["Månad"].min()), str(sol["Månad"].max())) == (36, "2021-07-01", "2024-06-01")
    june = sol.filter(pl.col("Månad") == pl.date(2024, 6, 1)).row(0, named=True)
    # SCB's own monthly share (rounded to one decimal), not recomputed: 2283 % 13 = 8.
    assert june["Andel (%)"] == round(100 * (800 + 420 + 50 + 6) / (8000 + 4000 + 60 + 6), 1)
    assert june["Beräknad"] is False
    assert len(KOMMUNER) == 20


def test_the_command_line_fetches_the_monthly_table(standin, tmp_path):
    import os

    env = {**os.environ, "FINSAM_SCB_API": standin.url}
    out = subprocess.run(
        [sys.executable, "-m", "lib.scb", "--katalog", str(tmp_path), "hämta"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "66 nya månader hämtade (2019M01–2024M06)." in out.stdout
    assert "(tabell TAB1386, månader 2019M01–2024M06)" in out.stdout
