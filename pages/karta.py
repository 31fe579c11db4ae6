"""Sverigekarta: every kommun coloured by its förbund's value of a chosen measure, or by its own SCB HÅE share."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import streamlit as st

from lib import charts, geo
from lib.downloads import file_stem
from lib.format import escape_markdown
from lib.views_map import MEASURES, legend_counts
from ui import common

ds = common.dataset()
slugs, choice = common.selection()
common.show_notices()
nm = common.names()

st.title("Sverigekarta")
st.caption(
    "Varje kommun färgas efter sitt samordningsförbunds värde för det valda måttet (helårsekvivalenter: kommunens "
    "eget värde enligt SCB). Gråskalan skiljer på tre sorters saknade värden: mörkgrått, måttet saknas i "
    "förbundets rapport; ljusgrått, förbundet har ingen publicerad årsredovisning för året; nästan vitt, kommunen "
    "har inget samordningsförbund i registret. Klicka på en kommun för att välja dess förbund."
)
key = st.selectbox("Mått", list(MEASURES), format_func=lambda k: MEASURES[k].short, key="matt")
measure = MEASURES[key]
scb = common.scb()
if measure.per_kommun and scb.empty:
    st.info(
        "Inga SCB-data är inlästa, så kartan har inga helårsekvivalenter. "
        + (f"({escape_markdown(scb.problem)}) " if scb.problem else "")
        + "Läs in SCB:s tabell enligt README (”Helårsekvivalenter från SCB”)."
    )

table, period = common.map_table(key, choice)


def _pick() -> None:
    """A click on a kommun selects its förbund in the shared menu (and so in the link)."""
    points = (st.session_state.get("karta_chart") or {}).get("selection", {}).get("points", [])
    picked = next((p.get("customdata", [""])[0] for p in points if p.get("customdata")), "")
    if picked in nm:
        st.session_state["forbund"] = [picked]
        st.session_state["_map_picked"] = picked


def _map_figure(t, selected):
    urls = (geo.geojson_url("kommun"), geo.geojson_url("lan"))  # fetched once by the browser, not sent every run
    return charts.map_chart(t, legend_counts(t, key), *common.boundaries(), selected=selected, urls=urls)


# Once per cached table (one per measure and year) and selection; all förbund selected: no outline.
fig = common.figure(_map_figure, table, tuple(slugs) if len(slugs) < len(nm) else ())
source = geo.source_text() + (
    "; helårsekvivalenter: " + scb.source_text() if measure.per_kommun and not scb.empty else ""
)
common.chart_panel(
    fig,
    table.drop("Färg", "figure_ids"),
    common.display(
        table,  # display() keeps the columns named below, in their order
        {
            "Kommun": "text",
            "Län": "text",
            "Förbund": "text",
            "År": "text",
            "Värde (%)": "pct",
            "Klass": "text",
            "Anmärkning": "text",
        },
    ),
    sorted({i for ids in table["figure_ids"].to_list() for i in ids}),
    file_stem("karta", key, choice),
    title=f"Sverigekarta: {measure.label}",
    subtitle=f"Per kommun, {period}" if period else "Per kommun",
    key="karta",
    source=source,
    on_select=_pick,
)
picked = st.session_state.get("_map_picked")
if picked in nm and slugs == [picked]:
    st.success(f"Valt förbund: {escape_markdown(nm[picked])}. Alla sidor visar nu det förbundet.")
    st.page_link("pages/profil.py", label=f"Visa förbundsprofilen för {nm[picked]}", icon=":material/badge:")
st.caption(
    f"{escape_markdown(source, 400)}. Klasserna har fasta gränser, så att samma färg betyder samma sak varje år."
)
