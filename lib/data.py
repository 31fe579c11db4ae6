"""The dataset the app reads: curated sources + derived figures + findings, built once and cached as Parquet."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lib.checks import run_checks
from lib.costs import mapping_table
from lib.derive import derive
from lib.membership import member_kommuner, membership_conflicts
from lib.register.entries import register_frame
from lib.schema import FINDINGS_SCHEMA
from lib.sources import DATA_DIR, Published, load_sources, source_files

BUILD_DIR = DATA_DIR / "build"
LIB_DIR = Path(__file__).resolve().parent
TABLES = ("figures", "findings", "mappings", "documents", "forbund", "members", "kommuner", "history", "register")
# Code whose output is in the build: a change here makes the build stale just like a data change.
_BUILD_CODE = (
    *("numbers.py", "registry.py", "schema.py", "sources.py", "derive.py", "costs.py", "checks.py", "data.py"),
    *("membership.py", "geo/__init__.py", "register/entries.py"),
)


@dataclass(frozen=True)
class Dataset:
    """Everything the pages show. ``figures`` holds stated and derived rows (derived_from not null)."""

    figures: pl.DataFrame
    findings: pl.DataFrame
    mappings: pl.DataFrame
    documents: pl.DataFrame
    forbund: pl.DataFrame
    members: pl.DataFrame
    kommuner: pl.DataFrame  # member kommuner with SCB codes (lib.membership)
    history: pl.DataFrame  # the store's log of registrations, publications, replacements and withdrawals
    register: pl.DataFrame  # the register of förbund (lib.register), independent of reports

    def table(self, name: str) -> pl.DataFrame:
        return getattr(self, name)


def source_hash(data_dir: Path = DATA_DIR) -> str:
    """Fingerprint of every input of the build: the source files and the code that compiles them."""
    h = hashlib.sha256()
    for path in [*source_files(data_dir), *(LIB_DIR / n for n in _BUILD_CODE)]:
        h.update(path.name.encode())
        h.update(path.read_bytes() if path.exists() else b"<missing>")
    return h.hexdigest()


def build_dataset(data_dir: Path = DATA_DIR, published: Published | None = None) -> Dataset:
    """Compile the dataset from the curated sources and the store's published rows (raises DataValidationError
    on bad input in either)."""
    src = load_sources(data_dir, published)
    derived = derive(src.figures, src.forbund, src.mappings)
    figures = pl.concat([src.figures, derived]).sort("forbund", "year", "metric", "document", "line", nulls_last=True)
    findings = run_checks(figures)
    kommuner, member_findings = member_kommuner(src.members, src.forbund)
    extra = src.findings + member_findings + membership_conflicts(kommuner, figures)
    if extra:
        extra_frame = pl.DataFrame(extra, schema=FINDINGS_SCHEMA)
        findings = pl.concat([findings, extra_frame]).sort("forbund", "year", "check", "description", nulls_last=True)
    return Dataset(
        figures=figures,
        findings=findings,
        mappings=mapping_table(src.figures, src.mappings),
        documents=src.documents,
        forbund=src.forbund,
        members=src.members,
        kommuner=kommuner,
        history=src.history,
        register=register_frame(published.register if published is not None else []),
    )


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_build(dataset: Dataset, build_dir: Path = BUILD_DIR, data_dir: Path = DATA_DIR) -> None:
    """Write the Parquet tables and a manifest naming the inputs they were built from and each file's hash."""
    build_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in TABLES:
        path = build_dir / f"{name}.parquet"
        dataset.table(name).write_parquet(path)
        files[path.name] = _file_hash(path)
    manifest = {
        "source_hash": source_hash(data_dir),
        "rows": {n: dataset.table(n).height for n in TABLES},
        "files": files,
    }
    (build_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def build_problem(build_dir: Path = BUILD_DIR, data_dir: Path = DATA_DIR) -> str:
    """Why the build in build_dir cannot be used as it is ('' when it can): stale, missing or damaged."""
    try:
        manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    except OSError:
        return "ingen byggd data"
    except ValueError:
        return "manifest.json är trasig"
    if manifest.get("source_hash") != source_hash(data_dir):
        return "källfilerna har ändrats sedan bygget"
    hashes = manifest.get("files") or {}
    for name in TABLES:
        path = build_dir / f"{name}.parquet"
        if not path.exists():
            return f"{path.name} saknas"
        if hashes.get(path.name) != _file_hash(path):  # a truncated or altered file whose manifest still matches
            return f"{path.name} stämmer inte med manifestet (trasig eller ändrad)"
    return ""


def build_is_fresh(build_dir: Path = BUILD_DIR, data_dir: Path = DATA_DIR) -> bool:
    return build_problem(build_dir, data_dir) == ""


def read_build(build_dir: Path = BUILD_DIR) -> Dataset:
    return Dataset(**{n: pl.read_parquet(build_dir / f"{n}.parquet") for n in TABLES})


def load_dataset(data_dir: Path = DATA_DIR, build_dir: Path = BUILD_DIR, published: Published | None = None) -> Dataset:
    """The committed build when it is whole and fresh; otherwise build now (and refresh it if the folder is
    writable). A damaged build is never shown: it is rebuilt from the sources, which are the truth.

    With published imports the dataset is built in memory from both (the committed build holds only the
    curated sources, and stays as it is in git)."""
    if published is not None and not published.is_empty():
        return build_dataset(data_dir, published)
    problem = build_problem(build_dir, data_dir)
    if not problem:
        try:
            return read_build(build_dir)
        except Exception as exc:  # Parquet that cannot be read: rebuild rather than fail every page
            problem = f"bygget kunde inte läsas ({type(exc).__name__})"
    if problem not in ("ingen byggd data", "källfilerna har ändrats sedan bygget"):
        logging.getLogger("finsam").warning("data/build byggs om: %s", problem)
    dataset = build_dataset(data_dir)
    with contextlib.suppress(OSError):  # a read-only deployment still works, from memory
        write_build(dataset, build_dir, data_dir)
    return dataset
