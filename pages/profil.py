"""Förbundsprofil: one förbund in depth, for spot-checks and for the board, with a PDF briefing."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

from datetime import date

import polars as pl
import streamlit as st

from lib import charts
from lib.briefing import briefing_unavailable, build_briefing
from lib.downloads import file_stem
from lib.format import escape_markdown, md_label
from lib.views_profile import profile_year
from ui import common

ds = common.dataset()
slugs, choice = common.selection()
common.show_notices()
nm = common.names()


def choose(slug: str) -> None:
    st.session_state["forbund"] = [slug]


if len(slugs) != 1:
    st.title("Förbundsprofil")
    st.info("Profilen visar ett förbund i taget. Välj vilket:")
    cols = st.columns(len(nm))
    for col, (slug, name) in zip(cols, nm.items(), strict=True):
        col.button(name, key=f"choose_{slug}", on_click=choose, args=(slug,), width="stretch")
    common.stop_page()

slug = slugs[0]
year = profile_year(ds, slug, choice)
info = ds.forbund.filter(pl.col("forbund") == slug).row(0, named=True)
members = ds.members.filter(pl.col("forbund") == slug)
st.title(md_label(info["name"]))
facts = [
    info["lan"],
    info["region"],
    f"org.nr {info['org_nr']}" if info["org_nr"] else "org.nr anges inte i rapporten",
    "medlemmar: " + ", ".join(members["member"].to_list()),
]
st.caption(escape_markdown(" · ".join(f for f in facts if f), 500))

reason = briefing_unavailable()
st.download_button(
    "Ladda ned styrelseunderlag (PDF)",
    (lambda: build_briefing(ds, slug, choice, date.today())) if not reason else b"",
    f"{file_stem('styrelseunderlag', slug, year)}.pdf",
    "application/pdf",
    key="briefing",
    type="primary",
    icon=":material/picture_as_pdf:",
    disabled=reason is not None,
    help=reason
    or "Ett till två A4 med nyckeltal, eget kapital mot taket, kostnader, deltagare, avvikelser och källor.",
)

st.subheader(f"Nyckeltal {year}")
tables = common.profile(slug, choice)
keys = tables["keys"]
buddy = common.peer(slug, choice)
units = dict(zip(keys["Mått"], keys["Enhet"], strict=True))
display = pl.DataFrame(
    {
        "Mått": keys["Mått"],
        **{
            col: [common.fmt_unit(v, units[m]) for v, m in zip(keys[col], keys["Mått"], strict=True)]
            for col in ("Värde", "Året före", "Snitt övriga förbund", "Jämförbart förbunds värde")
        },
        "Placering": keys["Placering"].fill_null("–"),
        "Snittet omfattar": keys["Snittet omfattar"].fill_null("–"),
    }
).rename({"Värde": str(year), "Året före": str(year - 1), "Jämförbart förbunds värde": f"{nm.get(buddy, '–')}"})
common.show_table(display, key="keys")
st.caption(
    "Placering bland alla förbund i data (högst värde först; en placering är ingen bedömning). Snittet är ett "
    "ovägt medelvärde av de övriga förbundens senaste år (eller det valda året); vilka år det blandar står i "
    "kolumnen Snittet omfattar. Jämförbart förbund: det med närmast medlemsbidrag "
    f"({escape_markdown(nm.get(buddy, '–'))})."
)
common.sources_panel([f for x in keys["figure_ids"].to_list() for f in x], "profile_keys")

st.subheader("Eget kapital mot taket")
ceil = common.ceilings()[slug]
trend = common.equity_trend([slug])
if trend.height:
    sentence = common.plan_sentence(trend, slug)
    if sentence:
        st.markdown(f"**{escape_markdown(sentence, 500)}**")
    common.chart_panel(
        common.figure(charts.equity_trend_chart, trend, {slug: ceil.pct}),
        trend.drop("slug", "figure_ids"),
        common.display(
            trend,
            {"År": "text", "Typ": "text", "Andel (%)": "pct", "Eget kapital (kr)": "kr", "Medlemsbidrag (kr)": "kr"},
        ),
        [f for x in trend["figure_ids"].to_list() for f in x],
        file_stem("eget-kapital", slug),
        title=f"Eget kapital över åren: {info['short_name']}",
        subtitle="Andel av årets medlemsbidrag; streckat: verksamhetsplanens budget och plan",
        key="profile_trend",
    )

split = common.cost_split([slug], choice)
if split.height:
    st.subheader("Kostnadsfördelning")
    common.chart_panel(
        common.figure(charts.cost_split_chart, split),
        split.drop("slug", "figure_ids"),
        common.display(
            split,
            {
                "År": "text",
                "Administration (kr)": "kr",
                "Individinriktade insatser (kr)": "kr",
                "Strukturövergripande insatser (kr)": "kr",
                "Ej fördelbar (kr)": "kr",
                "Fördelning": "text",
            },
        ),
        [f for x in split["figure_ids"].to_list() for f in x],
        file_stem("kostnader", slug, year),
        title=f"Kostnadsfördelning: {info['short_name']}",
        subtitle=f"Andel av verksamhetens kostnader {year}",
        key="profile_split",
    )

st.subheader("Deltagare och resultat")
people = common.participants([slug], choice, per_insats=True)
results = common.outcomes([slug], choice)
if people.height:
    common.chart_panel(
        common.figure(charts.participants_chart, people, label_col="Insats"),
        people.drop("slug", "figure_ids"),
        common.display(
            people,
            {
                "Insats": "text",
                "Deltagare": "int",
                "Kvinnor": "int",
                "Män": "int",
                "Anmärkning": "text",
                "Avvikelser": "text",
            },
        ),
        [f for x in people["figure_ids"].to_list() for f in x],
        file_stem("deltagare", slug, year),
        title=f"Deltagare per insats: {info['short_name']}",
        subtitle=f"Personer {year}",
        key="profile_people",
    )
if results.height:
    common.chart_panel(
        common.figure(charts.outcomes_chart, results),
        results.drop("slug", "figure_ids"),
        common.display(
            results,
            {"Insats": "text", "Definition": "text", "Till utfallet": "int", "Avslutade": "int", "Andel (%)": "pct"},
        ),
        [f for x in results["figure_ids"].to_list() for f in x],
        file_stem("resultat", slug, year),
        title=f"Resultat för avslutade deltagare: {info['short_name']}",
        subtitle=f"Andel av de avslutade, med förbundets egen definition, {year}",
        key="profile_outcomes",
    )
if not people.height and not results.height:
    st.info("Rapporten anger inga deltagare för året.")

st.subheader("Helårsekvivalenter i medlemskommunerna")
hae = common.hae([slug])
if hae.height:
    common.chart_panel(
        common.figure(charts.hae_share_chart, hae),
        hae.drop("slug", "period_key", "figure_ids"),
        common.display(hae, {"Kommun": "text", "Period": "text", "Andel (%)": "pct"}),
        [f for x in hae["figure_ids"].to_list() for f in x],
        file_stem("hae", slug),
        title=f"Helårsekvivalenter: {info['short_name']}",
        subtitle="Andel av befolkningen per medlemskommun och Riket (SCB:s uppgift i rapporten)",
        key="profile_hae",
    )
else:
    st.info(f"Rapporten för {escape_markdown(nm[slug])} innehåller inga helårsekvivalenter.")

st.subheader(f"Medlemmar och deras bidrag {year}")
contrib = tables["contributions"]
if contrib.height:
    common.show_table(
        common.display(contrib, {"Medlem": "text", "Bidrag (kr)": "kr", "Andel (%)": "pct", "Rad": "int"}),
        key="contributions",
    )
    common.sources_panel([f for x in contrib["figure_ids"].to_list() for f in x], "contributions")
else:
    st.info("Rapporten anger inte medlemmarnas bidrag för året.")

found = tables["findings"]
st.subheader(f"Avvikelser i rapporterna ({found.height})")
if found.height:
    common.show_table(
        common.display(
            found, {"År": "text", "Kontroll": "text", "Allvar": "text", "Beskrivning": "text", "Källor": "text"}
        ),
        key="profile_findings",
    )
    st.caption(
        "Väntat och angivet värde står i beskrivningen; varje avvikelse pekar ut båda källorna. "
        "Avrundning = högst 1 kr per uppgift."
    )
else:
    st.success("Inga avvikelser hittades.")

st.subheader("Alla uppgifter")
query = st.text_input("Sök bland förbundets uppgifter", key="sok", placeholder="t.ex. kansli, 2022, rad 1186")
figures = common.all_figures(slug, query)
st.caption(f"{figures.height} uppgifter" + (f" som innehåller ”{escape_markdown(query)}”" if query.strip() else ""))
common.show_table(figures, key="all_figures")
