"""Deltagare och resultat: participants (kvinnor/män, per insats, history) and outcomes per definition."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import streamlit as st

from lib import charts, views
from lib.downloads import file_stem
from ui import common

ds = common.dataset()
slugs, choice = common.selection()
common.show_notices()

st.title("Deltagare och resultat")
st.caption(
    "Deltagare i de individinriktade insatser förbunden finansierar. Sedan 2023 samlar det nationella "
    "uppföljningssystemet inte in individdata, så rapporterna är källan."
)
KINDS = {
    "Förbund": "text",
    "År": "text",
    "Insats": "text",
    "Deltagare": "int",
    "Kvinnor": "int",
    "Män": "int",
    "Andel kvinnor (%)": "pct0",
    "Anmärkning": "text",
    "Avvikelser": "text",
}
if common.require_forbund(slugs):
    people = common.participants(slugs, choice)
    if people.height == 0:
        st.info("Rapporterna för de valda förbunden och året anger inga deltagare.")
    else:
        st.subheader("Deltagare per förbund")
        common.chart_panel(
            common.figure(charts.participants_chart, common.capped(people, "Deltagare")),
            people.drop("slug", "figure_ids"),
            common.display(people, KINDS),
            [f for x in people["figure_ids"].to_list() for f in x],
            file_stem("deltagare", choice),
            title="Deltagare per förbund",
            subtitle=f"Personer i de individinriktade insatserna · {common.period_text(choice)}",
            key="people",
        )
        if note := views.hidden_text(people, common.capped(people, "Deltagare"), "antal deltagare"):
            st.caption(note)
    per = common.participants(slugs, choice, per_insats=True)
    if per.height:
        st.subheader("Deltagare per insats")
        common.chart_panel(
            common.figure(charts.participants_chart, per, label_col="Insats"),
            per.drop("slug", "figure_ids"),
            common.display(per, KINDS),
            [f for x in per["figure_ids"].to_list() for f in x],
            file_stem("deltagare-per-insats", choice),
            title="Deltagare per insats",
            subtitle=f"Personer per finansierad insats · {common.period_text(choice)}",
            key="per_insats",
        )
        st.caption("Där insatsernas deltagare inte summerar till förbundets uppgift visas båda och markeras ⚠.")

    history = common.participant_history(slugs)
    if history.height:
        st.subheader("Deltagare över åren")
        common.chart_panel(
            common.figure(charts.history_chart, history),
            history.drop("slug", "figure_ids"),
            common.display(
                history, {"Förbund": "text", "År": "text", "Deltagare": "int", "Kvinnor": "int", "Män": "int"}
            ),
            [f for x in history["figure_ids"].to_list() for f in x],
            file_stem("deltagare-historik"),
            title="Deltagare över åren",
            subtitle="Personer i de individinriktade insatserna, enligt rapporterna",
            key="history",
        )

    st.subheader("Resultat för avslutade deltagare")
    st.caption(
        "Andelen av de deltagare som *avslutade* en insats under året. Varje förbund mäter med sin egen definition; "
        "varje definition har en egen panel och de rangordnas inte mot varandra. ”Positiv stegförflyttning” räknar "
        "även den som blivit aktivt arbetssökande."
    )
    results = common.outcomes(slugs, choice)
    if results.height == 0:
        st.info("Rapporterna för de valda förbunden och året redovisar inget resultat för avslutade deltagare.")
    else:
        common.chart_panel(
            common.figure(charts.outcomes_chart, common.capped(results, "Andel (%)")),
            results.drop("slug", "figure_ids"),
            common.display(
                results,
                {
                    "Förbund": "text",
                    "År": "text",
                    "Insats": "text",
                    "Definition": "text",
                    "Till utfallet": "int",
                    "Avslutade": "int",
                    "Andel (%)": "pct",
                    "Andel enligt rapporten (%)": "pct0",
                    "Avvikelser": "text",
                },
            ),
            [f for x in results["figure_ids"].to_list() for f in x],
            file_stem("resultat-avslutade", choice),
            title="Resultat för avslutade deltagare",
            subtitle=f"Andel av de avslutade, med varje förbunds egen definition · {common.period_text(choice)}",
            key="outcomes",
        )
        if note := views.hidden_text(results, common.capped(results, "Andel (%)"), "andel till utfallet"):
            st.caption(note)

    cost = common.cost_per_participant(slugs, choice)
    if cost.height:
        st.subheader("Kostnad per deltagare")
        common.show_table(
            common.display(
                cost,
                {
                    "Förbund": "text",
                    "År": "text",
                    "Insats": "text",
                    "Kostnad per deltagare (kr)": "kr",
                    "Enligt rapporten (kr)": "kr",
                    "Underlag": "text",
                },
            ),
            key="cost_per",
        )
        st.caption(
            "Insatsens kostnad delat med dess deltagare. Avrundade antal (”ca 140”) och delmängder används inte."
        )
        common.sources_panel([f for x in cost["figure_ids"].to_list() for f in x], "cost_per")
