"""Kostnadsfördelning: administration / individinriktat / strukturövergripande, the mapping behind it, budget use."""

from ui.boot import ensure_router

ensure_router()  # see ui/boot.py

import polars as pl
import streamlit as st

from lib import charts, views
from lib.downloads import file_stem
from lib.format import escape_markdown, md_label
from lib.urlstate import COST_VIEW_OPTIONS
from lib.views_costs import CATEGORY_LABELS
from ui import common

MAX_EXPANDERS = 8  # the mapping behind each förbund's split: one expander each for a handful, a choice for more

slugs, choice = common.selection()
common.show_notices()

st.title("Kostnadsfördelning")
st.caption(
    "Kostnaderna delas i administration (styrelse, kansliets administrativa del, revision, lokaler, övrigt), "
    "individinriktade insatser och strukturövergripande insatser. Södra Lappland redovisar fördelningen själv; "
    "för de andra är varje rad i rapporten placerad i en kategori, med skäl, i tabellen längre ned."
)
if common.require_forbund(slugs):
    split = common.cost_split(slugs, choice)
    if split.height == 0:
        st.info("Rapporterna för de valda förbunden och året ger ingen kostnadsfördelning.")
    else:
        mode = (
            st.segmented_control(
                "Visa", list(COST_VIEW_OPTIONS), format_func=COST_VIEW_OPTIONS.get, key="vy_kostnader", required=True
            )
            or "andel"
        )
        ids = [f for x in split["figure_ids"].to_list() for f in x]
        cats = [CATEGORY_LABELS[c] for c in CATEGORY_LABELS]
        display = common.display(
            common.part(
                split,
                ("labelled",),
                lambda t: t.with_columns(views.forbund_year_expr()),
            ),
            {
                "Förbund (år)": "text",
                **{f"{c} (kr)": "kr" for c in cats},
                **{f"{c} (%)": "pct" for c in cats},
                "Verksamhetens kostnader (kr)": "kr",
                "Fördelning": "text",
                "Avvikelser": "text",
            },
        )
        common.chart_panel(
            common.figure(charts.cost_split_chart, common.capped(split, "Administration (%)"), mode),
            split.drop("slug", "figure_ids"),
            display,
            ids,
            file_stem("kostnadsfordelning", mode, choice),
            title="Kostnadsfördelning",
            subtitle=("Andel" if mode == "andel" else "Kronor")
            + f" av verksamhetens kostnader · {common.period_text(choice)}",
            key="split",
        )
        if note := views.hidden_text(split, common.capped(split, "Administration (%)"), "administrationens andel"):
            st.caption(note)
        unknown = split.filter(pl.col("Administration (kr)").is_null())["Förbund"].to_list()
        if unknown:
            st.caption(
                f"Administrationens andel går inte att ta fram för {escape_markdown(', '.join(unknown))}: "
                "rapporten skiljer inte administration från andra kostnader (grått = ej fördelbart)."
            )

        st.subheader("Administrationens andel")
        known = common.part(split, ("known",), lambda t: t.filter(pl.col("Administration (%)").is_not_null()))
        if known.height:
            common.chart_panel(
                common.figure(charts.admin_share_chart, common.capped(split, "Administration (%)")),
                known.select(
                    "Förbund",
                    "År",
                    "Administration (kr)",
                    "Administration (%)",
                    "Verksamhetens kostnader (kr)",
                    "Fördelning",
                ),
                common.display(
                    known,
                    {
                        "Förbund": "text",
                        "År": "text",
                        "Administration (kr)": "kr",
                        "Administration (%)": "pct",
                        "Fördelning": "text",
                    },
                ),
                [f for x in known["figure_ids"].to_list() for f in x],
                file_stem("administrationens-andel", choice),
                title="Administrationens andel av kostnaderna",
                subtitle=common.period_text(choice).capitalize(),
                key="admin",
            )
            if note := views.hidden_text(split, common.capped(split, "Administration (%)"), "administrationens andel"):
                st.caption(note)

        st.subheader("Så har raderna i rapporten fördelats")
        mapping_kinds = {
            "Rad i rapporten": "text",
            "Belopp (kr)": "kr",
            "Kategori": "text",
            "Skäl": "text",
            "Avsnitt": "text",
            "Rad": "int",
        }
        split_rows = {r["slug"]: r for r in split.iter_rows(named=True)}
        if len(split_rows) <= MAX_EXPANDERS:
            for row in split_rows.values():
                with st.expander(md_label(f"{row['Förbund']} {row['År']}: {row['Fördelning']}")):
                    rows = common.mapping_rows(row["slug"], row["År"])
                    common.show_table(common.display(rows, mapping_kinds), key=f"mapping_{row['slug']}")
        else:  # eighty expanders are neither readable nor quick: one förbund at a time
            chosen = st.selectbox(
                "Förbund",
                list(split_rows),
                format_func=lambda s: (
                    f"{split_rows[s]['Förbund']} {split_rows[s]['År']}: {split_rows[s]['Fördelning']}"
                ),
                key="mapping_forbund",
            )
            row = split_rows[chosen]
            rows = common.mapping_rows(row["slug"], row["År"])
            common.show_table(common.display(rows, mapping_kinds), key="mapping_chosen")

    st.subheader("Hur mycket av budgeten användes?")
    use = common.budget_use(slugs, choice)
    if use.height == 0:
        st.info("Rapporterna för de valda förbunden och året har ingen budget att jämföra utfallet med.")
    else:
        st.caption(
            "Utfall mot förbundets egen budget i samma årsredovisning, per rad eller insats. Beviljade medel som inte "
            "används blir kvar i det egna kapitalet."
        )
        common.chart_panel(
            common.figure(charts.budget_use_chart, use),
            use.drop("slug", "figure_ids"),
            common.display(
                use,
                {
                    "Förbund": "text",
                    "År": "text",
                    "Rad": "text",
                    "Budget (kr)": "kr",
                    "Utfall (kr)": "kr",
                    "Förbrukat (%)": "pct",
                    "Outnyttjat (kr)": "kr",
                    "Avvikelser": "text",
                },
            ),
            [f for x in use["figure_ids"].to_list() for f in x],
            file_stem("budgetutnyttjande", choice),
            title="Hur mycket av budgeten användes?",
            subtitle="Utfall i andel av rapportens egen budget, per rad eller insats",
            key="budget",
        )
