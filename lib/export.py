"""`python -m lib.export figures|findings|mappings [--format csv|xlsx] [--output FILE]`: the data for people."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import polars as pl

from lib.data import Dataset, load_dataset
from lib.downloads import XLSX_OPTIONS, neutralise_formulas, write_excel
from lib.schema import DataValidationError
from lib.views import provenance_expr

TABLE_NAMES = ("figures", "findings", "mappings")


def locator(df: pl.DataFrame) -> pl.Expr:
    """'s. 22, rad 1136' or 'rad 1136'; derived rows say 'härledd'."""
    return (
        pl.when(pl.col("derived_from").is_not_null())
        .then(pl.lit("härledd"))
        .otherwise(
            pl.concat_str(
                [
                    pl.when(pl.col("page").is_not_null())
                    .then(pl.format("s. {}, ", pl.col("page")))
                    .otherwise(pl.lit("")),
                    pl.format("rad {}", pl.col("line")),
                ]
            )
        )
        .alias("locator")
    )


def figures_table(ds: Dataset) -> pl.DataFrame:
    """The tidy figures with the export column order (the contract documented in the README)."""
    docs = ds.documents.select("document", "provenance")
    f = ds.figures.join(docs, on="document", how="left", maintain_order="left")
    return f.select(
        "forbund",
        "year",
        "metric",
        "value",
        "unit",
        "basis",
        "document",
        locator(f),
        "label",
        pl.when(pl.col("item_kind") == "insats").then(pl.col("item")).otherwise(None).alias("insats"),
        "kommun",
        "period",
        "age_band",
        "item",
        "item_kind",
        "definition",
        "qualifier",
        "printed",
        "printed_unit",
        "section",
        "line",
        "page",
        "derived_from",
        "note",
        pl.when(pl.col("derived_from").is_not_null())
        .then(pl.lit("härledd"))
        .otherwise(provenance_expr())
        .alias("provenance"),
        "figure_id",
    )


def findings_table(ds: Dataset) -> pl.DataFrame:
    return ds.findings.with_columns(pl.col("figure_ids").list.join("; ")).select(
        "forbund",
        "year",
        "check",
        "severity",
        "description",
        "expected",
        "found",
        "difference",
        "tolerance",
        "unit",
        "sources",
        "figure_ids",
    )


def mappings_table(ds: Dataset) -> pl.DataFrame:
    return ds.mappings


BUILDERS = {"figures": figures_table, "findings": findings_table, "mappings": mappings_table}


def export_csv(df: pl.DataFrame) -> str:
    buf = io.StringIO()
    neutralise_formulas(df).write_csv(buf)
    return buf.getvalue()


def export_xlsx(df: pl.DataFrame, path: Path | io.BytesIO, sheet: str) -> None:
    write_excel(df, path, sheet, autofit=True, freeze_panes=(1, 0))


def published_now():
    """The store's published rows for a command-line export (None, with a note, when it cannot be read)."""
    from lib.store import Store, StoreUnavailable
    from lib.store.settings import describe, store_url

    url = store_url()
    try:
        return Store.open(url).published()
    except (StoreUnavailable, Exception) as exc:  # the curated data is still exported
        print(f"Obs: publicerade rapporter i {describe(url)} kunde inte läsas ({exc}); bara data/.", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.export", description="Exportera data som CSV eller Excel.")
    parser.add_argument("table", choices=TABLE_NAMES)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--output", type=Path, help="fil att skriva till (krävs för xlsx; annars stdout)")
    args = parser.parse_args(argv)
    if args.format == "xlsx" and args.output is None:
        parser.error("--format xlsx kräver --output FIL")
    try:
        ds = load_dataset(published=published_now())
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    df = BUILDERS[args.table](ds)
    if args.format == "xlsx":
        export_xlsx(df, args.output, args.table)
    elif args.output:
        args.output.write_text(export_csv(df), encoding="utf-8")
    else:
        sys.stdout.write(export_csv(df))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# What each exported column means: shown on the sources page and written into the Excel file.
DATA_DICTIONARY: list[tuple[str, str, str]] = [
    ("figures", "forbund", "förbundets id (slug), t.ex. sydnarke; även de som registrerats via importen"),
    ("figures", "year, period", "år; helår eller halvår 1 (halvår är inte jämförbart med helår)"),
    ("figures", "metric, value, unit", "måttets id, värdet och enheten; belopp i kronor, kostnader positiva"),
    ("figures", "basis", "utfall, budget, plan, eller härledd (uträknad ur utfall)"),
    ("figures", "document, locator, label", "källdokument, 's. N, rad M' i textversionen, etiketten som den står"),
    ("figures", "insats, kommun, age_band", "insatsens namn; kommun eller Riket och åldersgrupp (HÅE)"),
    ("figures", "printed, printed_unit", "värdet exakt som det är tryckt och dess enhet (tkr, kr, %)"),
    ("figures", "derived_from, note", "för härledda värden: vilka uppgifter de räknats fram ur, och hur"),
    (
        "figures",
        "provenance",
        "kurerad i projektets data/, eller 'inläst från <fil>, granskad av <redaktör> <datum>' för publicerade",
    ),
    ("documents", "origin, version", "kurerad eller publicerad; publicerade dokuments version (ersatta finns kvar)"),
    ("documents", "sha256, published_by, published_at", "den uppladdade filens kontrollsumma, vem och när (UTC)"),
    ("history", "at, editor, action", "när (UTC), vem och vad: registrera, publicera, ersätt, dra tillbaka"),
    ("findings", "check, severity", "vilken kontroll; motsägelse eller avrundning (högst 1 kr per uppgift)"),
    ("findings", "expected, found, difference", "vad övriga uppgifter ger, vad som står, skillnaden"),
    ("findings", "tolerance", "vad tryckt avrundning tillåter (500 kr per tkr-uppgift, 0,05 för '20,5 %')"),
    ("findings", "sources", "båda sidornas dokument, rad, etikett och tryckta värde"),
    ("mappings", "reported_row, amount_kr", "raden i rapporten och dess belopp i kronor"),
    (
        "mappings",
        "category, reason",
        "administration, individinriktat, strukturövergripande, ej fördelad "
        "eller uppdelad (fördelas via sina underrader), och skälet",
    ),
]


def citation(ds: Dataset, today: str) -> str:
    """A line to quote the numbers with."""
    docs = ds.documents
    ar = docs.filter(docs["type"] == "årsredovisning")["year"]
    return (
        f"Källa: Finsam-jämförelsen, uppgifter ur {docs.height} dokument från {ds.forbund.height} "
        f"samordningsförbund (årsredovisningar {ar.min()}–{ar.max()} och verksamhetsplan), hämtade {today}. "
        "Varje siffra anges med dokument och rad."
    )


def dataset_xlsx(ds: Dataset, today: str) -> bytes:
    """The complete dataset in one workbook: figures, findings, mappings, documents and a data dictionary."""
    import xlsxwriter

    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, XLSX_OPTIONS) as wb:
        for name, df in (
            ("figures", figures_table(ds)),
            ("findings", findings_table(ds)),
            ("mappings", mappings_table(ds)),
            ("documents", ds.documents),
            ("history", ds.history),
        ):
            write_excel(df, wb, name, autofit=True, freeze_panes=(1, 0))
        dictionary = pl.DataFrame(DATA_DICTIONARY, schema=["tabell", "kolumner", "betydelse"], orient="row")
        dictionary = pl.concat(
            [dictionary, pl.DataFrame([("", "", citation(ds, today))], schema=dictionary.columns, orient="row")]
        )
        write_excel(dictionary, wb, "dataordlista", autofit=True)
    return buf.getvalue()
