"""Loading the data, as ratios to reading the same Parquet files with a bare pl.read_parquet.

    python scripts/benchmark_data.py [--runs N]

For the real data and for a synthetic dataset (80 förbund × 10 years, scripts/synthetic.py, written to a
temporary folder): reading the committed build (what the app does), and building from the CSV sources
(validate, derive, check — what happens when the build is stale).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import polars as pl  # noqa: E402
from synthetic import generate  # noqa: E402

from lib.data import BUILD_DIR, TABLES, build_dataset, load_dataset, write_build  # noqa: E402
from lib.sources import DATA_DIR  # noqa: E402


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(name: str, data_dir: Path, build_dir: Path, runs: int) -> None:
    bare = median_time(lambda: [pl.read_parquet(build_dir / f"{t}.parquet") for t in TABLES], runs)
    load = median_time(lambda: load_dataset(data_dir, build_dir), runs)
    build = median_time(lambda: build_dataset(data_dir), max(1, runs // 5))
    rows = pl.read_parquet(build_dir / "figures.parquet").height
    print(
        f"{name:12} {rows:7} figurer  bar läsning {bare * 1000:7.1f} ms  "
        f"inläsning {load * 1000:7.1f} ms ({load / bare:5.1f}×)  bygge från källor {build * 1000:8.0f} ms "
        f"({build / bare:6.0f}×)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    measure("Riktiga", DATA_DIR, BUILD_DIR, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        data = generate(Path(tmp))
        write_build(build_dataset(data), data / "build", data)
        measure("Syntetiska", data, data / "build", args.runs)


if __name__ == "__main__":
    main()
