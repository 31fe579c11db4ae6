"""Täckning: which known förbund have which documents in the comparison, year by year (Nationella rådet's gaps)."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import polars as pl
import streamlit as st

from lib.downloads import swedish_csv, xlsx_bytes
from lib.register.coverage import MISSING
from ui import common

ds = common.dataset()
common.selection()
common.show_notices()

st.title("Täckning")
st.markdown(common.coverage_sentence())
st.caption(
    "Kända förbund är de som finns i förbundsregistret och de som jämförelsen har en rapport från. Tabellen "
    "visar för varje förbund och år om årsredovisningen och verksamhetsplanen finns i jämförelsen: kurerad i "
    "projektets data/ eller publicerad av en redaktör (när och av vem), och hur många avvikelser kontrollerna "
    "hittat i dem. Ett förbund visas bara de år det fanns enligt registret."
)
table = common.coverage_table()
years = sorted(set(table["År"].to_list()))
c1, c2 = st.columns([2, 2])
chosen = c1.multiselect("År", years, key="tackning_ar", placeholder="Alla år")
only = c2.segmented_control(
    "Visa",
    ["alla", "luckor"],
    key="tackning_visa",
    required=True,
    default="alla",
    format_func={"alla": "Alla rader", "luckor": "Bara saknade årsredovisningar"}.get,
)
shown = table
if chosen:
    shown = shown.filter(pl.col("År").is_in(chosen))
if only == "luckor":
    shown = shown.filter(pl.col("Årsredovisning") == MISSING)
missing = shown.filter(pl.col("Årsredovisning") == MISSING).height
st.caption(f"{shown.height} rader, varav {missing} utan årsredovisning.")
raw = shown.drop("slug")
common.show_table(
    common.display(raw, {c: ("int" if c == "Anmärkningar" else "text") for c in raw.columns}), key="tackning"
)
d1, d2 = st.columns(2)
d1.download_button(
    "⬇ CSV (Excel)",
    lambda: swedish_csv(raw),
    "tackning.csv",
    "text/csv",
    key="tackning_csv",
    help="Semikolon som avgränsare, UTF-8",
)
d2.download_button("⬇ Excel (XLSX)", lambda: xlsx_bytes(raw, "Täckning"), "tackning.xlsx", key="tackning_xlsx")
