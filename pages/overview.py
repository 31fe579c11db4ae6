"""Översikt: one row per förbund for its latest (or the chosen) year, with headline numbers and flags."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py


import polars as pl
import streamlit as st

from lib import charts, views
from lib.downloads import file_stem, swedish_csv, xlsx_bytes
from lib.format import fmt_pct, md_label
from ui import common

ds = common.dataset()
slugs, choice = common.selection()
common.show_notices()

st.title("Samordningsförbund i jämförelse")
st.caption(f"{common.coverage_text()}. Välj förbund och år i menyn; länken i adressfältet visar exakt den här vyn.")
st.page_link(
    "pages/tackning.py",
    label=common.coverage_sentence(None if choice == views.LATEST else int(choice)) + " Se täckningen.",
    icon=":material/grid_on:",
)

if common.require_forbund(slugs):
    table = common.overview(slugs, choice)
    shown = table.filter(pl.col("Eget kapital andel (%)").is_not_null())
    over = shown.filter(pl.col("Över taket"))
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Över taket för eget kapital",
        f"{over.height} av {shown.height} förbund",
        help="Eget kapital vid årets slut i förhållande till årets medlemsbidrag, mot förbundets tak (20 %).",
    )
    if shown.height:
        top = shown.sort("Eget kapital andel (%)", descending=True).row(0, named=True)
        c2.metric(f"Högst andel: {top['Förbund']} ({top['År']})", fmt_pct(top["Eget kapital andel (%)"]))
    c3.metric(
        "Avvikelser i rapporterna",
        int(table["Avvikelser"].sum()),
        help="Ställen där en rapport motsäger sig själv eller en annan rapport (se Eget kapital och Källor).",
    )

    ranking = common.equity_ranking(slugs, choice)
    if ranking.height:
        st.subheader("Eget kapital i andel av medlemsbidraget")
        common.chart_panel(
            common.figure(charts.equity_ranking_chart, common.capped(ranking, "Andel (%)")),
            ranking.drop("slug", "figure_ids"),
            common.display(
                ranking,
                {
                    "Förbund": "text",
                    "År": "text",
                    "Andel (%)": "pct",
                    "Tak (%)": "pct0",
                    "Eget kapital (kr)": "kr",
                    "Medlemsbidrag (kr)": "kr",
                    "Avvikelser": "text",
                },
            ),
            [f for x in ranking["figure_ids"].to_list() for f in x],
            file_stem("oversikt-eget-kapital", choice),
            title="Eget kapital i andel av medlemsbidraget",
            subtitle=common.equity_subtitle(slugs, choice),
            key="overview_ranking",
        )
        if note := views.hidden_text(ranking, common.capped(ranking, "Andel (%)"), "eget kapitalets andel"):
            st.caption(note)

    st.subheader("Nyckeltal per förbund")
    sort = st.selectbox(
        "Sortera efter",
        list(views.OVERVIEW_SORTS),
        key="sortera",
        format_func={
            "andel": "Eget kapital andel",
            "forbund": "Förbund",
            "medlemsbidrag": "Medlemsbidrag",
            "resultat": "Årets resultat",
            "administration": "Administrationens andel",
            "deltagare": "Deltagare",
            "avvikelser": "Antal avvikelser",
        }.get,
    )
    table = common.part(table, ("sort", sort), lambda t: views.sort_overview(t, sort))
    display = common.display(
        common.part(
            table,
            ("labelled",),
            lambda t: t.with_columns(
                pl.when(pl.col("Över taket"))
                .then(pl.lit("⚠ över taket"))
                .otherwise(pl.lit("under taket"))
                .alias("Tak"),
                views.forbund_year_expr(),
                pl.when(pl.col("Deltagare, anm.").is_not_null())
                .then(
                    pl.concat_str(
                        pl.col("Deltagare, anm."), pl.lit(" "), pl.col("Deltagare").cast(pl.Int64).cast(pl.String)
                    )
                )
                .otherwise(pl.col("Deltagare").cast(pl.Int64).cast(pl.String))
                .alias("Deltagare (antal)"),
                pl.concat_str(
                    pl.col("Utfall andel (%)").round(1).cast(pl.String).str.replace(".", ",", literal=True),
                    pl.lit(" % "),
                    pl.col("Utfallets definition"),
                ).alias("Utfall för avslutade"),
            ),
        ),
        {  # the key numbers first: on a phone they are the columns in view
            "Förbund (år)": "text",
            "Eget kapital andel (%)": "pct",
            "Tak": "text",
            "Medlemsbidrag (kr)": "kr",
            "Kostnader (kr)": "kr",
            "Årets resultat (kr)": "kr",
            "Administration andel (%)": "pct",
            "Deltagare (antal)": "text",
            "Utfall för avslutade": "text",
            "Avvikelser": "int",
        },
    )
    common.show_table(display, key="overview_table")
    st.caption(
        "Eget kapital andel och administrationens andel är uträknade ur rapporternas egna siffror. Utfallet är andelen "
        "av *avslutade* deltagare och varje förbund använder sin egen definition; de rangordnas inte mot varandra. "
        "”–” betyder att rapporten inte ger uppgiften (Jämtlands rapport skiljer inte administration från "
        "övriga kostnader)."
    )
    raw = table.drop("slug", "figure_ids")
    c1, c2 = st.columns(2)
    c1.download_button("⬇ CSV (Excel)", lambda: swedish_csv(raw), "oversikt.csv", "text/csv", key="overview_csv")
    c2.download_button("⬇ Excel (XLSX)", lambda: xlsx_bytes(raw, "Översikt"), "oversikt.xlsx", key="overview_xlsx")

    st.subheader("Fördjupa per förbund")
    cols = st.columns(min(4, len(slugs)))
    for n, row in enumerate(table.iter_rows(named=True)):
        cols[n % len(cols)].page_link(
            "pages/profil.py",
            label=f"{md_label(row['Förbund'])}: profil",
            icon=":material/badge:",
            query_params={"forbund": row["slug"], **({"ar": choice} if choice != views.LATEST else {})},
        )
    common.sources_panel([fid for ids in table["figure_ids"].to_list() for fid in ids], "overview")
