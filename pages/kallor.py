"""Källor och datakvalitet: the documents, every finding (the spot-check list), and the complete dataset."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

from datetime import date

import polars as pl
import streamlit as st

from lib.checks import CHECK_LABELS
from lib.downloads import swedish_csv
from lib.export import citation, dataset_xlsx, figures_table, findings_table, mappings_table
from lib.format import escape_markdown
from ui import common

ds = common.dataset()
slugs, _choice = common.selection()
common.show_notices()

st.title("Källor och datakvalitet")
st.caption(
    "Varje siffra i jämförelsen kommer från en rad i ett av dokumenten nedan. Här finns också alla ställen där "
    "en rapport motsäger sig själv eller en annan rapport, och hela datamängden att ladda ned."
)

st.subheader("Dokumenten")
common.show_table(common.sources_page()["documents"], key="documents")
st.caption(
    "Uppgifter: antal tryckta siffror som hämtats ur dokumentet, per grupp. Avvikelser: antal kontroller som "
    "slagit till på någon av dokumentets siffror. Ursprung: kurerad i projektets data/ eller publicerad via "
    "importen (fil, granskare och datum)."
)
history = common.sources_page()["history"]
with st.expander(f"Publiceringshistorik ({history.height} händelser)"):
    if history.height:
        common.show_table(common.display(history, {c: "text" for c in history.columns}), key="history")
        st.caption(
            "Historiken bara växer: en ersatt eller tillbakadragen rapport finns kvar i databasen med sina uppgifter."
        )
    else:
        st.caption("Inga rapporter har publicerats via importen ännu; allt ovan är kurerat i projektets data/.")

st.markdown(
    "**Helårsekvivalenter från SCB.** "
    + escape_markdown(common.scb_status(), 500)
    + ". Tabellen är SCB:s månadstabell över helårsekvivalenter per kommun; årsvärdena är dashboardens medelvärden "
    "av månaderna, inte SCB:s publicerade årssiffror."
)

st.subheader("Avvikelser att kontrollera")
checks = st.multiselect(
    "Kontroll",
    list(CHECK_LABELS),
    format_func=CHECK_LABELS.get,
    key="kontroll",
    placeholder="Alla kontroller",
    select_all=False,
)
severity = (
    st.segmented_control(
        "Allvar",
        ["alla", "motsägelse", "avrundning"],
        key="allvar",
        required=True,
        format_func={"alla": "Alla", "motsägelse": "Motsägelser", "avrundning": "Avrundning (högst 1 kr)"}.get,
    )
    or "alla"
)
found = common.findings(slugs, checks or None)
if severity != "alla":
    found = common.part(found, ("allvar", severity), lambda t: t.filter(pl.col("Allvar") == severity))
st.caption(
    f"{found.height} avvikelser för {len(slugs)} förbund. Väntat = vad rapportens övriga siffror ger; "
    "angivet = det som står."
)


def _with_units(t: pl.DataFrame) -> pl.DataFrame:
    units = t["Enhet"].to_list()
    return t.with_columns(
        *[
            pl.Series(c, [common.fmt_unit(v, u) for v, u in zip(t[c], units, strict=True)], dtype=pl.String)
            for c in ("Väntat", "Angivet", "Skillnad")
        ]
    )


show = common.part(found, ("units",), _with_units)  # once per cached findings table, not per rerun
common.show_table(
    common.display(
        show,
        {
            "Förbund": "text",
            "År": "text",
            "Kontroll": "text",
            "Allvar": "text",
            "Beskrivning": "text",
            "Väntat": "text",
            "Angivet": "text",
            "Skillnad": "text",
            "Källor": "text",
        },
    ),
    key="findings",
)
common.sources_panel([f for x in found["figure_ids"].to_list() for f in x], "findings")

st.subheader("Ladda ned hela datamängden")
today = date.today().isoformat()
c1, c2, c3, c4 = st.columns(4)
c1.download_button(
    "⬇ Uppgifter (CSV)", (lambda: swedish_csv(figures_table(ds))), "finsam-uppgifter.csv", "text/csv", key="dl_fig"
)
c2.download_button(
    "⬇ Avvikelser (CSV)", (lambda: swedish_csv(findings_table(ds))), "finsam-avvikelser.csv", "text/csv", key="dl_find"
)
c3.download_button(
    "⬇ Kostnadsmappning (CSV)",
    (lambda: swedish_csv(mappings_table(ds))),
    "finsam-kostnadsmappning.csv",
    "text/csv",
    key="dl_map",
)
c4.download_button(
    "⬇ Allt i Excel (XLSX)",
    lambda: dataset_xlsx(ds, today),
    "finsam-data.xlsx",
    key="dl_xlsx",
    help="Flikar: uppgifter, avvikelser, mappning, dokument och en dataordlista",
)
with st.expander("Dataordlista"):
    common.show_table(common.data_dictionary(), key="dictionary")
st.markdown("**Citera så här**")
st.code(citation(ds, today), language=None, wrap_lines=True)
