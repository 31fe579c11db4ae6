"""The SCB cache in the data folder: hae.parquet (lib.scb.hae.SCB_COLUMNS) and hae.json (source, table id,
retrieval date); written atomically, merged by table, read with a clear problem instead of an exception."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lib.scb.hae import SCB_COLUMNS, ScbTable
from lib.sources import DATA_DIR

DEFAULT_DIR = DATA_DIR / "scb"


def scb_dir() -> Path:
    """data/scb, or FINSAM_SCB_DIR (tests and deployments that keep SCB data elsewhere)."""
    return Path(os.environ.get("FINSAM_SCB_DIR") or DEFAULT_DIR)


@dataclass(frozen=True)
class ScbData:
    data: pl.DataFrame  # SCB_COLUMNS plus "table_id"
    tables: list[dict]  # one meta dict per stored table
    problem: str = ""  # why nothing could be read ("" when fine or simply absent)

    @property
    def empty(self) -> bool:
        return self.data.height == 0

    def source_text(self) -> str:
        """'SCB, … tabell HE0000T02 (…), hämtad 2024-04-12' for each table, joined."""
        return "; ".join(f"{t['source']}, hämtad {t['retrieved']}" for t in self.tables)


EMPTY = pl.DataFrame(schema={**SCB_COLUMNS, "table_id": pl.String})


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def store(table: ScbTable, directory: Path | None = None) -> ScbData:
    """Add or replace one SCB table in the cache (rows of the same table id and age band are replaced)."""
    d = directory or scb_dir()
    d.mkdir(parents=True, exist_ok=True)
    current = load(d)
    if current.problem:
        raise ValueError(f"SCB-cachen i {d} kan inte läsas ({current.problem}); flytta undan den först")
    key = table.meta["table_id"]
    bands = set(table.data["age_band"].unique().to_list())
    keep = current.data.filter(~((pl.col("table_id") == key) & pl.col("age_band").is_in(list(bands))))
    new = table.data.with_columns(pl.lit(key).alias("table_id"))
    data = pl.concat([keep, new]).sort(
        "table_id", "kommun_kod", "age_band", "year", "month", "metric", nulls_last=False
    )
    tables = [t for t in current.tables if not (t["table_id"] == key and set(t.get("age_bands", [])) == bands)]
    tables.append({**table.meta, "age_bands": sorted(bands), "rows": new.height})
    _atomic_write(d / "hae.parquet", data.write_parquet)
    _atomic_write(
        d / "hae.json",
        lambda p: p.write_text(json.dumps({"tables": tables}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
    )
    return ScbData(data, tables)


def load(directory: Path | None = None) -> ScbData:
    """The cached SCB data; empty when there is none, with ``problem`` set when the files are damaged."""
    d = directory or scb_dir()
    parquet, meta = d / "hae.parquet", d / "hae.json"
    if not parquet.exists() and not meta.exists():
        return ScbData(EMPTY, [])
    try:
        tables = json.loads(meta.read_text(encoding="utf-8"))["tables"]
        data = pl.read_parquet(parquet)
        if dict(data.schema) != dict(EMPTY.schema):
            return ScbData(EMPTY, [], "hae.parquet har fel kolumner")
        if not all({"table_id", "source", "retrieved"} <= set(t) for t in tables):
            return ScbData(EMPTY, [], "hae.json saknar källa eller datum")
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError) as exc:
        return ScbData(EMPTY, [], f"SCB-filerna kunde inte läsas ({type(exc).__name__})")
    return ScbData(data, tables)


KEY = ["kommun_kod", "year", "month", "age_band", "metric"]


def months_of(data: ScbData, table_id: str) -> set[tuple[int, int]]:
    """(year, month) pairs the cache holds for a monthly table."""
    rows = data.data.filter((pl.col("table_id") == table_id) & pl.col("month").is_not_null())
    return set(rows.select("year", "month").unique().rows())


def add_months(rows: pl.DataFrame, meta: dict, directory: Path | None = None) -> ScbData:
    """Merge newly fetched months of a monthly table into the cache (a month fetched again replaces the old
    values); the table's entry records its first and last month and when it was fetched."""
    d = directory or scb_dir()
    d.mkdir(parents=True, exist_ok=True)
    current = load(d)
    if current.problem:
        raise ValueError(f"SCB-cachen i {d} kan inte läsas ({current.problem}); flytta undan den först")
    key = meta["table_id"]
    new = rows.with_columns(pl.lit(key).alias("table_id"))
    old = current.data.filter(pl.col("table_id") == key)
    kept = old.join(new.select(KEY), on=KEY, how="anti", nulls_equal=True) if new.height else old
    mine = pl.concat([kept, new])
    data = pl.concat([current.data.filter(pl.col("table_id") != key), mine]).sort(
        "table_id", "kommun_kod", "age_band", "year", "month", "metric", nulls_last=False
    )
    months = sorted(mine.filter(pl.col("month").is_not_null()).select("year", "month").unique().rows())
    entry = {
        **meta,
        "age_bands": sorted(set(mine["age_band"].to_list())),
        "rows": mine.height,
        "months": len(months),
        "first_month": f"{months[0][0]}M{months[0][1]:02d}" if months else "",
        "last_month": f"{months[-1][0]}M{months[-1][1]:02d}" if months else "",
    }
    tables = [t for t in current.tables if t["table_id"] != key] + [entry]
    _atomic_write(d / "hae.parquet", data.write_parquet)
    _atomic_write(
        d / "hae.json",
        lambda p: p.write_text(json.dumps({"tables": tables}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
    )
    return ScbData(data, tables)
