"""Chart builders: pure functions from view tables to Plotly figures, in Swedish, with the shared palette."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from lib.format import (
    CATEGORICAL,
    CEILING_LINE,
    OVER_CEILING,
    PLOTLY_SEPARATORS,
    UNDER_CEILING,
    fmt_kr,
    fmt_mkr,
    fmt_pct,
)

FLAG = "⚠"


def safe(text: object) -> str:
    """Data text as Plotly shows it: its HTML subset (links, tags) is made inert."""
    return html.escape("" if text is None else str(text), quote=False)


def style(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Shared look: Swedish separators, palette, room for a bottom legend on phones."""
    fig.update_layout(
        separators=PLOTLY_SEPARATORS,
        colorway=CATEGORICAL,
        title={"text": safe(title), "x": 0, "xanchor": "left"} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        hoverlabel={"align": "left"},
        font={"size": 13},
    )
    return fig


def _bar_label(row: dict) -> str:
    return f"{safe(row['Förbund'])} ({row['År']})"


def _ceiling_lines(fig: go.Figure, pcts: list[float], *, horizontal: bool) -> None:
    """One reference line when all förbund share a ceiling (the usual case)."""
    if len(set(pcts)) == 1:
        pct = pcts[0]
        kwargs = {
            "line_dash": "dash",
            "line_color": CEILING_LINE,
            "line_width": 2,
            "annotation_text": f"Tak {fmt_pct(pct, 0)}",
            "annotation_font_color": CEILING_LINE,
        }
        if horizontal:
            fig.add_vline(x=pct, annotation_position="top", **kwargs)
        else:
            fig.add_hline(y=pct, annotation_position="top left", **kwargs)


def equity_ranking_chart(df: pl.DataFrame) -> go.Figure:
    """Eget kapital andel per förbund (highest on top), coloured by over/under its ceiling."""
    rows = list(df.iter_rows(named=True))[::-1]  # Plotly draws horizontal bars bottom-up
    fig = go.Figure()
    for over, name, colour in ((True, "Över taket", OVER_CEILING), (False, "Under taket", UNDER_CEILING)):
        part = [r for r in rows if r["Över taket"] == over]
        if not part:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=name,
                y=[_bar_label(r) for r in part],
                x=[r["Andel (%)"] for r in part],
                marker_color=colour,
                text=[fmt_pct(r["Andel (%)"]) + (f" {FLAG}" if r["Avvikelser"] else "") for r in part],
                textposition="outside",
                cliponaxis=False,
                customdata=[
                    [
                        fmt_kr(r["Eget kapital (kr)"]),
                        fmt_kr(r["Medlemsbidrag (kr)"]),
                        fmt_pct(r["Andel enligt rapporten (%)"], 0 if r["Andel enligt rapporten (%)"] % 1 == 0 else 1)
                        if r["Andel enligt rapporten (%)"] is not None
                        else "anges inte",
                        fmt_pct(r["Tak (%)"], 0),
                        (f"{FLAG} " + safe(r["Avvikelser"])) if r["Avvikelser"] else "",
                        safe(r["Källa"]),
                    ]
                    for r in part
                ],
                hovertemplate=(
                    "<b>%{y}</b><br>Eget kapital i % av medlemsbidrag: %{x:.1f} %"
                    "<br>Eget kapital: %{customdata[0]}<br>Medlemsbidrag: %{customdata[1]}"
                    "<br>Rapportens egen uppgift: %{customdata[2]}<br>Tak: %{customdata[3]}"
                    "<br>Källa: %{customdata[5]}<br>%{customdata[4]}<extra></extra>"
                ),
            )
        )
    fig.add_trace(
        go.Scatter(
            name="Förbundets tak",
            y=[_bar_label(r) for r in rows],
            x=[r["Tak (%)"] for r in rows],
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 26, "color": CEILING_LINE, "line": {"width": 3}},
            hovertemplate="Tak: %{x:.0f} %<extra></extra>",
        )
    )
    _ceiling_lines(fig, [r["Tak (%)"] for r in rows], horizontal=True)
    top = max([r["Andel (%)"] for r in rows] + [r["Tak (%)"] for r in rows] + [0])
    fig.update_xaxes(title=None, ticksuffix=" %", range=[0, top * 1.35 + 5])  # room for the value labels
    fig.update_yaxes(title=None)
    fig.update_layout(barmode="overlay")
    return style(fig, height=max(260, 90 + 60 * len(rows)))


_SYMBOL = {"Utfall": "circle", "Härledd": "circle-open", "Budget": "diamond-open", "Plan": "diamond-open"}


def equity_trend_chart(df: pl.DataFrame, ceilings: dict[str, float]) -> go.Figure:
    """Andel over the years: actual solid (derived years open markers), plan dashed into the future."""
    fig = go.Figure()
    slugs = list(dict.fromkeys(df["slug"].to_list()))
    for n, slug in enumerate(slugs):
        colour = CATEGORICAL[n % len(CATEGORICAL)]
        part = df.filter(pl.col("slug") == slug)
        name = safe(part["Förbund"][0])
        actual = part.filter(pl.col("Typ").is_in(["Utfall", "Härledd"])).sort("År")
        plan = part.filter(pl.col("Typ").is_in(["Budget", "Plan"])).sort("År")
        for series, label, dash in ((actual, name, "solid"), (plan, f"{name} – verksamhetsplan", "dash")):
            if series.height == 0:
                continue
            fig.add_trace(
                go.Scatter(
                    name=label,
                    x=series["År"].to_list(),
                    y=series["Andel (%)"].to_list(),
                    mode="lines+markers",
                    line={"color": colour, "dash": dash, "width": 2.5},
                    marker={
                        "symbol": [_SYMBOL[t] for t in series["Typ"]],
                        "size": 10,
                        "color": colour,
                        "line": {"color": colour, "width": 2},
                    },
                    customdata=[
                        [t, fmt_kr(e), fmt_kr(m)]
                        for t, e, m in zip(
                            series["Typ"], series["Eget kapital (kr)"], series["Medlemsbidrag (kr)"], strict=True
                        )
                    ],
                    hovertemplate=(
                        f"<b>{name}</b> %{{x}} (%{{customdata[0]}})<br>Andel: %{{y:.1f}} %"
                        "<br>Eget kapital: %{customdata[1]}<br>Medlemsbidrag: %{customdata[2]}<extra></extra>"
                    ),
                )
            )
    _ceiling_lines(fig, [ceilings[s] for s in slugs] or [20.0], horizontal=False)
    fig.update_xaxes(title=None, dtick=1, tickformat="d")
    fig.update_yaxes(title=None, ticksuffix=" %", rangemode="tozero")
    return style(fig, height=440)


def equity_kronor_chart(df: pl.DataFrame) -> go.Figure:
    """Eget kapital beside the ceiling in kronor; the excess is what lies above the ceiling."""
    rows = list(df.iter_rows(named=True))
    labels = [_bar_label(r) for r in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="Eget kapital",
            x=labels,
            y=[r["Eget kapital (kr)"] for r in rows],
            marker_color=UNDER_CEILING,
            text=[fmt_mkr(r["Eget kapital (kr)"]) for r in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=[[fmt_kr(r["Eget kapital (kr)"]), fmt_kr(r["Överskjutande kapital (kr)"])] for r in rows],
            hovertemplate=(
                "<b>%{x}</b><br>Eget kapital: %{customdata[0]}<br>Överskjutande: %{customdata[1]}<extra></extra>"
            ),
        )
    )
    fig.add_trace(
        go.Bar(
            name="Tak i kronor",
            x=labels,
            y=[r["Takbelopp (kr)"] for r in rows],
            marker_color=CEILING_LINE,
            text=[fmt_mkr(r["Takbelopp (kr)"]) for r in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=[[fmt_kr(r["Takbelopp (kr)"]), fmt_pct(r["Tak (%)"], 0)] for r in rows],
            hovertemplate="<b>%{x}</b><br>Tak (%{customdata[1]} av medlemsbidraget): %{customdata[0]}<extra></extra>",
        )
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="kr", tickformat=",.0f")
    return style(fig, height=420)
