"""The committed Parquet build is fresh and identical to building from the sources now."""

import shutil

import polars as pl
from polars.testing import assert_frame_equal

from lib.data import BUILD_DIR, TABLES, build_dataset, build_is_fresh, load_dataset, read_build, source_hash
from lib.sources import DATA_DIR


def test_committed_build_is_fresh():
    assert build_is_fresh(), "data/build is stale: run `python -m lib.build` and commit the result"


def test_committed_build_equals_a_fresh_build():
    committed, fresh = read_build(), build_dataset()
    for name in TABLES:
        assert_frame_equal(committed.table(name), fresh.table(name))


def test_stale_build_is_rebuilt_on_load(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    build = data / "build"
    assert build_is_fresh(build, data)
    f = data / "figures" / "solleftea-ar-2023.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",2 832 000,kr,", ",2 832 001,kr,", 1), encoding="utf-8")
    assert not build_is_fresh(build, data)
    ds = load_dataset(data, build)
    assert build_is_fresh(build, data)  # refreshed on load
    assert 2_832_001.0 in ds.figures.filter(pl.col("metric") == "medlemsbidrag")["value"].to_list()
    assert source_hash(data) != source_hash(DATA_DIR)


def test_read_only_build_folder_still_loads(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("build"))
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    ds = load_dataset(data, blocker / "build")  # cannot be created: built in memory instead
    assert ds.figures.height == read_build(BUILD_DIR).figures.height
