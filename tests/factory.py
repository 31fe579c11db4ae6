"""Builds small data/ folders for tests: two förbund, one document each, rows given inline."""

from __future__ import annotations

import csv
from pathlib import Path

from lib.schema import SOURCE_COLUMNS

DOCS = [
    {
        "document": "alfa-ar-2023",
        "forbund": "sodra-lappland",
        "type": "årsredovisning",
        "year": "2023",
        "title": "Årsredovisning 2023 Alfa",
        "adopted": "2024-03-01",
        "adopted_line": "1",
        "source_file": "alfa.txt",
        "amounts_unit": "tkr",
        "note": "",
    },
    {
        "document": "beta-ar-2023",
        "forbund": "sydnarke",
        "type": "årsredovisning",
        "year": "2023",
        "title": "Årsredovisning 2023 Beta",
        "adopted": "",
        "adopted_line": "",
        "source_file": "beta.txt",
        "amounts_unit": "kr",
        "note": "",
    },
    {
        "document": "alfa-vp-2024",
        "forbund": "sodra-lappland",
        "type": "verksamhetsplan",
        "year": "2024",
        "title": "Verksamhetsplan Alfa",
        "adopted": "",
        "adopted_line": "",
        "source_file": "alfa-vp.txt",
        "amounts_unit": "tkr",
        "note": "",
    },
]
FORBUND_COLS = [
    "forbund",
    "name",
    "short_name",
    "org_nr",
    "org_nr_document",
    "org_nr_line",
    "lan",
    "region",
    "ceiling_pct",
    "ceiling_basis",
    "ceiling_document",
    "ceiling_line",
    "ceiling_label",
    "income_is_medlemsbidrag_document",
    "income_is_medlemsbidrag_line",
]


def _forbund_rows(income_flag: str = "") -> list[dict]:
    rows = []
    for slug in ("sodra-lappland", "solleftea", "jamtland", "sydnarke"):
        rows.append(
            {
                "forbund": slug,
                "name": f"Samordningsförbundet {slug}",
                "short_name": slug,
                "org_nr": "",
                "org_nr_document": "",
                "org_nr_line": "",
                "lan": "",
                "region": "",
                "ceiling_pct": "20",
                "ceiling_basis": "medlemsbidrag",
                "ceiling_document": "alfa-ar-2023",
                "ceiling_line": "1",
                "ceiling_label": "20 %",
                "income_is_medlemsbidrag_document": "alfa-ar-2023" if slug == income_flag else "",
                "income_is_medlemsbidrag_line": "5" if slug == income_flag else "",
            }
        )
    return rows


def fig(section: str, line: int, metric: str, year: int, printed: str, unit: str, **kw) -> dict:
    """One source row; label defaults to the metric id (tests do not read seed texts)."""
    row = {c: "" for c in SOURCE_COLUMNS}
    row.update(
        section=section,
        line=str(line),
        label=kw.pop("label", metric),
        metric=metric,
        year=str(year),
        basis=kw.pop("basis", "utfall"),
        printed=printed,
        printed_unit=unit,
    )
    row.update({k: str(v) for k, v in kw.items()})
    return row


def _write(path: Path, cols: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def make_data_dir(
    root: Path, figures: dict[str, list[dict]], mappings: list[dict] | None = None, income_flag: str = ""
) -> Path:
    """Write documents, förbund, members, mappings and per-document figure files under root/data."""
    data = root / "data"
    (data / "figures").mkdir(parents=True, exist_ok=True)
    _write(data / "documents.csv", list(DOCS[0]), DOCS)
    _write(data / "forbund.csv", FORBUND_COLS, _forbund_rows(income_flag))
    _write(
        data / "members.csv",
        ["forbund", "member", "kind", "document", "line", "label"],
        [
            {
                "forbund": "sodra-lappland",
                "member": "Malå",
                "kind": "kommun",
                "document": "alfa-ar-2023",
                "line": "2",
                "label": "Malå",
            }
        ],
    )
    _write(
        data / "cost_mappings.csv",
        ["forbund", "document", "year", "metric", "section", "item", "category", "reason", "line"],
        mappings or [],
    )
    for document, rows in figures.items():
        _write(data / "figures" / f"{document}.csv", list(SOURCE_COLUMNS), rows)
    return data


# A consistent small annual report in tkr: 3 760 income, 3 626 costs, result 134, equity 2 536 → 2 670.
RR = "2. Resultaträkning"
BR = "3. Balansräkning"


def consistent_report() -> list[dict]:
    return [
        fig(RR, 10, "verksamhetens_intakter", 2023, "3 760", "tkr"),
        fig(RR, 11, "verksamhetens_kostnader", 2023, "-3 626", "tkr"),
        fig(RR, 12, "finansiella_intakter", 2023, "0", "tkr"),
        fig(RR, 13, "finansiella_kostnader", 2023, "0", "tkr"),
        fig(RR, 14, "arets_resultat", 2023, "134", "tkr"),
        fig(RR, 14, "arets_resultat", 2022, "-669", "tkr"),
        fig(BR, 20, "summa_tillgangar", 2023, "2 842", "tkr"),
        fig(BR, 21, "eget_kapital_ingaende", 2023, "2 536", "tkr"),
        fig(BR, 22, "eget_kapital", 2023, "2 670", "tkr"),
        fig(BR, 23, "skulder", 2023, "172", "tkr"),
        fig(BR, 24, "summa_eget_kapital_och_skulder", 2023, "2 842", "tkr"),
        fig(
            "Noter, not 1",
            30,
            "medlemsbidrag",
            2023,
            "1 880",
            "tkr",
            item="Försäkringskassan",
            item_kind="medlem",
            part_of="TOTAL",
        ),
        fig(
            "Noter, not 1", 31, "medlemsbidrag", 2023, "940", "tkr", item="Region", item_kind="medlem", part_of="TOTAL"
        ),
        fig(
            "Noter, not 1",
            32,
            "medlemsbidrag",
            2023,
            "940",
            "tkr",
            item="Kommunerna",
            item_kind="medlem",
            part_of="TOTAL",
        ),
        fig("Noter, not 1", 33, "medlemsbidrag", 2023, "3 760", "tkr"),
    ]
