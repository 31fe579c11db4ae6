"""Keep SCB's HÅE in data/scb: python -m lib.scb hämta [TABELL-ID] | läs FIL [--tabell ID] [--hamtad DATUM] | visa.

``hämta`` without a table id fetches SCB's monthly table TAB1386 (every kommun and Riket, both age bands,
every content, the months the cache lacks); with an id, that table once, as it is."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib.scb import cache
from lib.scb.hae import ScbFormatError, fetch, read_file


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m lib.scb", description="SCB:s helårsekvivalenter till data/scb")
    sub = p.add_subparsers(dest="cmd", required=True)
    read = sub.add_parser("läs", help="läs en PC-Axis- eller CSV-fil sparad från SCB:s statistikdatabas")
    read.add_argument("fil", type=Path)
    read.add_argument("--tabell", default="", help="SCB:s tabell-id när filen inte säger det (CSV)")
    read.add_argument("--hamtad", default="", help="datum då filen hämtades från SCB (annars filens datum)")
    get = sub.add_parser("hämta", help="hämta från SCB:s PxWebApi 2.0 (kräver internet); utan id: TAB1386")
    get.add_argument("tabell", nargs="?", default="", help="tabellens id i PxWebApi 2.0 (utan: månadstabellen)")
    sub.add_parser("visa", help="visa vad som finns i cachen")
    p.add_argument("--katalog", type=Path, default=None, help="i stället för data/scb")
    args = p.parse_args(argv)
    try:
        if args.cmd == "visa":
            data = cache.load(args.katalog)
            if data.problem:
                print(f"Fel: {data.problem}", file=sys.stderr)
                return 1
            for t in data.tables:
                print(
                    f"{t['table_id']}: {t['rows']} rader, {', '.join(t['age_bands'])} år — {t['source']}, "
                    f"hämtad {t['retrieved']}" + (f" ({t['retrieved_note']})" if t.get("retrieved_note") else "")
                )
            if not data.tables:
                print("Inga SCB-data ännu.")
            return 0
        if args.cmd == "läs":
            table = read_file(args.fil, args.tabell)
            if args.hamtad:
                table.meta["retrieved"] = args.hamtad
            else:
                table.meta["retrieved_note"] = "filens ändringsdatum"
        elif not args.tabell:
            from lib.scb import refresh, tab1386

            print(f"Hämtar tabell {tab1386.TABLE_ID} från {tab1386.api_url()} …", file=sys.stderr)
            try:
                message = refresh.refresh(args.katalog, progress=lambda m: print(f"  {m}", file=sys.stderr))
            except (tab1386.ScbUnavailable, RuntimeError) as exc:
                print(f"Fel: {exc}; cachen är oförändrad", file=sys.stderr)
                return 1
            print(message[:1].upper() + message[1:] + ".")
            print(refresh.source_line(args.katalog))
            return 0
        else:
            table = fetch(args.tabell)
        stored = cache.store(table, args.katalog)
    except (ScbFormatError, OSError, ValueError) as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    for note in table.meta["notes"]:
        print(f"Obs: {note}")
    print(f"{table.data.height} värden från {table.meta['source']} sparade; cachen har nu {stored.data.height}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
