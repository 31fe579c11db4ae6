"""Helårsekvivalenter: share of the population supported by social benefits, per member kommun and Riket."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import polars as pl
import streamlit as st

from lib import charts
from lib.downloads import file_stem
from lib.format import escape_markdown, md_label
from lib.registry import HAE_CATEGORIES, METRICS
from lib.views_hae import hae_change, hae_periods
from ui import common

MAX_CHARTS = 6  # one chart per förbund is readable for a handful, not for eighty
ds = common.dataset()
slugs, _choice = common.selection()
common.show_notices()

st.title("Helårsekvivalenter")
st.caption(
    "SCB:s mått på hur många helårsekvivalenter i arbetsför ålder som försörjs av sjukpenning, sjuk- och "
    "aktivitetsersättning, arbetslöshet, arbetsmarknadsåtgärder, ekonomiskt bistånd och etableringsersättning, "
    "som förbunden redovisar per medlemskommun med Riket som jämförelse. Från 2023 finns åldersgruppen 20–65 år "
    "vid sidan av 20–64 år; de är olika serier, liksom halvår och helår."
)
if common.require_forbund(slugs):
    table = common.hae(slugs)
    having = set(table["slug"].to_list())
    without = [common.names()[s] for s in slugs if s not in having]
    for name in without:
        st.info(f"Rapporten för {escape_markdown(name)} innehåller inga helårsekvivalenter.")
    if table.height:
        cats = [METRICS[m].label for m in HAE_CATEGORIES]
        with_data = list(dict.fromkeys(table["slug"].to_list()))
        if len(with_data) > MAX_CHARTS:
            st.info(
                f"{len(with_data)} förbund har helårsekvivalenter: välj högst {MAX_CHARTS} i menyn för diagram per "
                "förbund. Tabellen visar alla."
            )
            common.show_table(
                common.display(
                    table,
                    {
                        "Förbund": "text",
                        "Kommun": "text",
                        "Period": "text",
                        "Andel (%)": "pct",
                        "Totalt (HÅE)": "int",
                        "Folkmängd": "int",
                    },
                ),
                key="hae_all",
            )
        for slug in with_data[:MAX_CHARTS]:
            part = common.part(table, ("slug", slug), lambda t, slug=slug: t.filter(pl.col("slug") == slug))
            name = part["Förbund"][0]
            st.subheader(f"{md_label(name)}: andel av befolkningen")
            st.caption(
                "Staplarna visar rapportens (SCB:s) andel. Helår och halvår, 20–64 och 20–65 år är olika "
                "serier: de står bredvid varandra och binds aldrig ihop till en linje."
            )
            kinds = {
                "Kommun": "text",
                "Period": "text",
                "Andel (%)": "pct",
                "Andel beräknad (%)": "pct",
                "Totalt (HÅE)": "int",
                "Folkmängd": "int",
            }
            common.chart_panel(
                common.figure(charts.hae_share_chart, part),
                part.drop("slug", "period_key", "figure_ids"),
                common.display(part, kinds),
                [f for x in part["figure_ids"].to_list() for f in x],
                file_stem("hae-andel", slug),
                title=f"Helårsekvivalenter: {name}",
                subtitle="Andel av befolkningen per medlemskommun och Riket (SCB:s uppgift i rapporten)",
                key=f"hae_share_{slug}",
            )
            change = common.part(part, ("change",), hae_change)
            if change.height:
                st.markdown("**Förändring mellan perioderna**")
                common.show_table(
                    common.display(
                        change,
                        {
                            c: "pct" if c.endswith("(%)") else "pp" if c.startswith("Skillnad") else "text"
                            for c in change.columns
                        },
                    ),
                    key=f"hae_change_{slug}",
                )
                st.caption("Skillnaden visas men jämför olika periodlängd och åldersgrupp; läs den med försiktighet.")

        periods = hae_periods(table)
        st.subheader("Helårsekvivalenter per ersättning")
        if st.session_state.get("period") not in periods:
            st.session_state["period"] = next(iter(periods))
        period = st.selectbox("Period", list(periods), format_func=periods.get, key="period")
        chosen = common.part(
            table,
            ("period", period),
            lambda t: t.filter((pl.col("period_key") == period) & (pl.col("Kommun") != "Riket")),
        )
        in_period = common.part(table, ("period_all", period), lambda t: t.filter(pl.col("period_key") == period))
        common.chart_panel(
            common.figure(charts.hae_categories_chart, chosen, cats),
            in_period.select("Förbund", "Kommun", "Period", *[f"{c} (HÅE)" for c in cats], "Totalt (HÅE)"),
            common.display(
                in_period,
                {"Kommun": "text", **{f"{c} (HÅE)": "int" for c in cats}, "Totalt (HÅE)": "int"},
            ),
            [f for x in chosen["figure_ids"].to_list() for f in x],
            file_stem("hae-per-ersattning", period),
            title="Helårsekvivalenter per ersättning",
            subtitle="Per medlemskommun, för den valda perioden",
            key="hae_categories",
        )
        st.caption("Riket visas i tabellen men inte i diagrammet, där dess storlek skulle dölja kommunerna.")

# -- the trend from SCB's own tables -----------------------------------------------------------------------------
st.header("Utveckling enligt SCB")
st.caption(escape_markdown(common.scb_status(), 500) + ".")
if common.is_editor() and st.button("Hämta från SCB nu", key="scb_now", icon=":material/sync:"):
    started = common.start_scb_refresh(force=True)
    st.info(
        "Hämtningen från SCB har startat i bakgrunden; ladda om sidan om en stund."
        if started
        else "En hämtning pågår redan."
    )
scb = common.scb()
if scb.problem:
    st.warning(f"SCB-data finns men kunde inte läsas: {escape_markdown(scb.problem)}. Läs in tabellen igen (README).")
elif scb.empty:
    st.info(
        "Inga SCB-data är inlästa ännu. Rapporternas egna tabeller ovan visas som de är; för utvecklingen år för år "
        "läses SCB:s tabell över helårsekvivalenter per kommun in enligt README (”Helårsekvivalenter från SCB”)."
    )
elif common.require_forbund(slugs):
    st.caption(
        f"Källa: {escape_markdown(scb.source_text(), 400)}. Varje medlemskommuns andel år för år, Riket som "
        "jämförelse och förbundets total, som är beräknad här (summan av kommunernas helårsekvivalenter delad med "
        "summan av deras folkmängd) och märkt så. 20–64 och 20–65 år är skilda serier och binds aldrig ihop. "
        "Ur SCB:s månadstabell är ett års värde **dashboardens beräkning**: medelvärdet av årets 12 månader "
        "(helårsekvivalenter och folkmängd; andelen är medel-HÅE delat med medelfolkmängd), inte SCB:s publicerade "
        "årssiffra. Ett år med färre månader visas som ”hittills i år” med en ofylld markering, aldrig ihopbundet "
        "med hela åren."
    )
    trend = common.scb_trend(slugs)
    compare, differ = common.report_vs_scb(slugs)
    shown = list(dict.fromkeys(trend["slug"].to_list()))
    missing = [common.names()[s] for s in slugs if s not in shown]
    if missing:
        st.info("Inga SCB-uppgifter för medlemskommunerna i " + escape_markdown(", ".join(missing)) + ".")
    for slug in shown[:MAX_CHARTS]:
        part = common.part(trend, ("scb", slug), lambda t, slug=slug: t.filter(pl.col("slug") == slug))
        name = part["Förbund"][0]
        st.subheader(f"{md_label(name)}: andel år för år")
        common.chart_panel(
            common.figure(charts.hae_trend_chart, part),
            part.drop("slug"),
            common.display(
                part,  # the cached frame itself: display() keeps only the columns named below
                {
                    "Serie": "text",
                    "År": "text",
                    "Åldersgrupp": "text",
                    "Andel (%)": "pct",
                    "HÅE": "int",
                    "Folkmängd": "int",
                    "Beräknad": "bool",
                    "Anmärkning": "text",
                },
            ),
            [],
            file_stem("hae-utveckling", slug),
            title=f"Helårsekvivalenter år för år: {name}",
            subtitle="Andel av befolkningen per medlemskommun, förbundet (beräknat) och Riket",
            key=f"hae_trend_{slug}",
            source=scb.source_text(),
        )
        monthly = common.part(
            common.scb_monthly(slugs), ("scb_m", slug), lambda t, slug=slug: t.filter(pl.col("slug") == slug)
        )
        if monthly.height:
            first, last = monthly["Månad"].min(), monthly["Månad"].max()
            st.markdown(f"**{md_label(name)}: månad för månad, {first:%Y-%m}–{last:%Y-%m}**")
            common.chart_panel(
                common.figure(charts.hae_monthly_chart, monthly),
                monthly.drop("slug"),
                common.display(
                    monthly,
                    {
                        "Serie": "text",
                        "Månad": "text",
                        "Åldersgrupp": "text",
                        "Andel (%)": "pct",
                        "HÅE": "int",
                        "Folkmängd": "int",
                        "Beräknad": "bool",
                        "Anmärkning": "text",
                    },
                ),
                [],
                file_stem("hae-manad", slug),
                title=f"Helårsekvivalenter månad för månad: {name}",
                subtitle=f"Andel av befolkningen, {first:%Y-%m}–{last:%Y-%m}, ur SCB:s månadstabell",
                key=f"hae_month_{slug}",
                source=scb.source_text(),
            )
    if len(shown) > MAX_CHARTS:
        st.info(f"Diagram visas för de {MAX_CHARTS} första förbunden; välj färre i menyn för att se andra.")
    if compare.height:
        st.subheader("Rapporternas uppgifter jämförda med SCB:s")
        if differ.height:
            st.warning(
                f"{differ.height} uppgifter i rapporterna skiljer sig från SCB:s för samma kommun och period: "
                + "; ".join(escape_markdown(d, 200) for d in differ["description"].to_list()[:6])
                + ("; …" if differ.height > 6 else "")
            )
        else:
            st.success("Där både rapporten och SCB har en uppgift för samma kommun och period stämmer de.")
        common.show_table(
            common.display(
                compare,
                {
                    "Förbund": "text",
                    "Kommun": "text",
                    "Period": "text",
                    "Mått": "text",
                    "Rapporten": "num",
                    "SCB": "num",
                    "Skillnad": "num",
                    "Bedömning": "text",
                },
            ),
            key="hae_vs_scb",
        )
        st.caption(
            "Jämförs: totalt antal helårsekvivalenter, folkmängd och andel. Kategorierna jämförs inte: SCB:s tabell "
            "och rapporterna grupperar etableringsersättningen olika. Halvårsuppgifter har ingen motsvarighet i SCB:s "
            "årstabell."
        )
