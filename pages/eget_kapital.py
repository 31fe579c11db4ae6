"""Eget kapital: each förbund's equity against its ceiling, the trend, the planned path, and kronor above it."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py


import polars as pl
import streamlit as st

from lib import charts, views
from lib.downloads import file_stem
from lib.format import escape_markdown
from lib.urlstate import VIEW_OPTIONS
from ui import common

ds = common.dataset()
slugs, choice = common.selection()
common.show_notices()

st.title("Eget kapital mot taket")
ceil = common.ceilings()
if common.require_forbund(slugs):
    pcts = sorted({ceil[s].pct for s in slugs})
    st.caption(
        "Måttet är eget kapital vid årets slut delat med årets medlemsbidrag. Nationella rådets rekommendation, som "
        f"rapporterna använder, är ett tak på {' / '.join(f'{p:g} %' for p in pcts)}. Taket är en inställning per "
        "förbund i data/forbund.csv; källan står nedan."
    )
    view = (
        st.segmented_control(
            "Visa",
            list(VIEW_OPTIONS),
            format_func=VIEW_OPTIONS.get,
            key="vy_eget_kapital",
            required=True,
        )
        or "andel"
    )
    ranking = common.equity_ranking(slugs, choice)
    year_text = common.year_label(choice).lower()
    if ranking.height == 0:
        st.info(f"Det finns inga uppgifter om eget kapital för de valda förbunden ({year_text}).")
    else:
        ids = [f for x in ranking["figure_ids"].to_list() for f in x]
        drawn = common.capped(ranking, "Andel (%)")
        table = ranking.drop("slug", "figure_ids")
        if view == "andel":
            st.subheader("Andel av medlemsbidraget")
            fig = common.figure(charts.equity_ranking_chart, drawn)
            stem = file_stem("eget-kapital-andel", *(slugs if len(slugs) == 1 else []), choice)
        else:
            st.subheader("Eget kapital och taket i kronor")
            fig = common.figure(charts.equity_kronor_chart, drawn)
            stem = file_stem("eget-kapital-kronor", *(slugs if len(slugs) == 1 else []), choice)
        display = common.display(
            common.part(
                ranking,
                ("labelled",),
                lambda t: t.with_columns(
                    views.forbund_year_expr(),
                ),
            ),
            {
                "Förbund (år)": "text",
                "Andel (%)": "pct",
                "Andel enligt rapporten (%)": "pct",
                "Tak (%)": "pct0",
                "Eget kapital (kr)": "kr",
                "Medlemsbidrag (kr)": "kr",
                "Takbelopp (kr)": "kr",
                "Överskjutande kapital (kr)": "kr",
                "Över taket": "bool",
                "Avvikelser": "text",
            },
        )
        common.chart_panel(
            fig,
            table,
            display,
            ids,
            stem,
            title="Eget kapital i andel av medlemsbidraget" if view == "andel" else "Eget kapital och taket i kronor",
            subtitle=common.equity_subtitle(slugs, choice),
            key="ranking",
        )
        if note := views.hidden_text(ranking, drawn, "eget kapitalets andel"):
            st.caption(note)
        flagged = ranking.filter(pl.col("Avvikelser").is_not_null())
        for row in flagged.iter_rows(named=True):
            st.warning(
                f"{escape_markdown(row['Förbund'])}: {escape_markdown(row['Avvikelser'], 2000)}",
                icon=":material/warning:",
            )

    st.subheader("Utveckling och plan")
    trend = common.equity_trend(slugs)
    if trend.height == 0:
        st.info("Inga år med uppgifter om eget kapital för de valda förbunden.")
    else:
        # With many förbund the trend draws those of the ranking above (the highest and lowest shares).
        drawn_slugs = tuple(common.capped(ranking, "Andel (%)")["slug"].to_list()) if ranking.height else tuple(slugs)
        if len(set(drawn_slugs)) < trend["slug"].n_unique():
            trend_drawn = common.part(
                trend, ("drawn", drawn_slugs), lambda t: t.filter(pl.col("slug").is_in(drawn_slugs))
            )
        else:
            trend_drawn = trend
        fig = common.figure(charts.equity_trend_chart, trend_drawn, {s: ceil[s].pct for s in slugs})
        for slug in dict.fromkeys(trend_drawn["slug"].to_list()):
            sentence = common.plan_sentence(trend, slug)
            if sentence:
                st.markdown(f"**{escape_markdown(sentence, 500)}**")
        display = common.display(
            trend,
            {
                "Förbund": "text",
                "År": "text",
                "Typ": "text",
                "Andel (%)": "pct",
                "Eget kapital (kr)": "kr",
                "Medlemsbidrag (kr)": "kr",
                "Dokument": "text",
            },
        )
        common.chart_panel(
            fig,
            trend.drop("slug", "figure_ids"),
            display,
            [f for x in trend["figure_ids"].to_list() for f in x],
            file_stem("eget-kapital-utveckling", *(slugs if len(slugs) == 1 else [])),
            title="Eget kapital över åren",
            subtitle="Andel av årets medlemsbidrag; streckat: verksamhetsplanens budget och plan",
            key="trend",
        )
        if note := views.hidden_text(trend, trend_drawn, "samma som i rangordningen ovan"):
            st.caption(note)
        st.caption(
            "Fylld punkt: uträknad ur tryckta siffror för året. Ofylld punkt: härledd, t.ex. eget kapital för "
            "tidigare år "
            "räknat bakåt med årets resultat, eller medlemsbidrag summerat ur medlemmarnas bidrag. Streckad linje: "
            "budget och plan ur verksamhetsplanen."
        )

    with st.expander("Taket och dess källa"):
        sources = common.ceiling_sources()
        for slug in slugs:
            c = ceil[slug]
            st.markdown(rf"**{escape_markdown(common.names()[slug])}**: {c.pct:g} % av {escape_markdown(c.basis)}\.")
            st.caption(escape_markdown(sources[slug], 500))
