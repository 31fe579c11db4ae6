"""`python -m lib.build`: compile data/ into data/build/*.parquet, failing loudly on any data problem."""

from __future__ import annotations

import sys

from lib.data import BUILD_DIR, build_dataset, write_build
from lib.schema import DataValidationError


def main() -> int:
    try:
        dataset = build_dataset()
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    write_build(dataset)
    f = dataset.figures
    print(
        f"{f.height} figurer ({f.filter(f['derived_from'].is_null()).height} angivna, "
        f"{f.filter(f['derived_from'].is_not_null()).height} härledda), "
        f"{dataset.findings.height} avvikelser, {dataset.mappings.height} mappningsrader → {BUILD_DIR}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
