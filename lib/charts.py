"""Chart builders: pure functions from view tables to Plotly figures, in Swedish, with the shared palette."""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go
import polars as pl

from lib import geo
from lib.format import (
    CATEGORICAL,
    CEILING_LINE,
    MAP_BORDER,
    NBSP,
    OVER_CEILING,
    PLOTLY_SEPARATORS,
    UNDER_CEILING,
    fmt_decimal,
    fmt_int,
    fmt_kr,
    fmt_kr_short,
    fmt_mkr,
    fmt_pct,
    forbund_colour,
)

PALETTE_UNDER = UNDER_CEILING

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


# -- export: a chart as a titled, sourced image for a slide (PNG) or the board PDF ------------------------------

EXPORT_FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"  # DejaVu is installed with the briefing's font
SLIDE = (1600, 900)  # 16:9


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in px (DejaVu Sans averages about 0,6 em per character)."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", str(text)))
    return len(plain) * size * 0.62


def _category_labels(fig: go.Figure, axis: str) -> list[str]:
    return [v for t in fig.data for v in (getattr(t, axis, None) or ()) if isinstance(v, str)]


def export_figure(
    fig: go.Figure,
    *,
    title: str | None,
    subtitle: str = "",
    source: str = "",
    width: int = SLIDE[0],
    height: int = SLIDE[1],
    font_size: int = 17,
) -> go.Figure:
    """The chart as Our World in Data exports one: title, subtitle, the chart with margins computed from its longest
    labels (nothing clipped), the legend and a source line at the foot; white, for a slide or a printed page."""
    out = go.Figure(fig)
    for trace in out.data:  # a map names its boundaries by URL for the browser; the renderer gets the shapes
        if isinstance(getattr(trace, "geojson", None), str) and geo.inline(trace.geojson) is not None:
            trace.geojson = geo.inline(trace.geojson)
    left = max([text_width(x, font_size) for x in _category_labels(out, "y")] + [font_size * 4.5]) + 24
    bottom_labels = _category_labels(out, "x")
    bottom = 70 + (font_size * 2.2 if bottom_labels and max(map(len, bottom_labels)) > 14 else 0)
    bottom += 50 if any(t.showlegend is not False and t.name for t in out.data) else 0
    bottom += 40 if source else 0
    top = (70 if title else 20) + (34 if subtitle else 0) + 20
    out.update_layout(
        template="plotly_white",
        width=width,
        height=height,
        font={"family": EXPORT_FONT, "size": font_size, "color": "#222222"},
        title=None,
        margin={"l": left, "r": 48, "t": top, "b": bottom, "autoexpand": True},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": (46 if source else 12) / height,
            "yanchor": "bottom",
            "xref": "container",
            "x": 16 / width,
            "xanchor": "left",
            "font": {"size": font_size},
        },
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    plot_w, plot_h = width - left - 48, height - top - bottom

    def note(text: str, from_top: float | None, from_bottom: float | None, size: float, colour: str) -> None:
        """Text placed in pixels from the image's top or bottom edge, starting 24 px from its left edge."""
        y = 1 + (top - from_top) / plot_h if from_top is not None else -(bottom - from_bottom) / plot_h
        out.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=-(left - 24) / plot_w,
            y=y,
            xanchor="left",
            yanchor="top" if from_top is not None else "bottom",
            showarrow=False,
            align="left",
            font={"size": size, "color": colour},
        )

    if title:
        note(f"<b>{safe(title)}</b>", 20, None, round(font_size * 1.45), "#222222")
    if subtitle:
        note(safe(subtitle), 20 + font_size * 1.45 * 1.5, None, round(font_size * 0.95), "#555555")
    if source:
        note(safe(source), None, 14, round(font_size * 0.8), "#555555")
    out.update_xaxes(automargin=True)
    out.update_yaxes(automargin=True)
    return out


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


def excess_text(row: dict, short: bool = False) -> str:
    """ "57,9 % · 37,9 p.e. · 1 422 600 kr över taket" for a förbund over its ceiling; the share alone below it.
    ``short`` (a phone): "57,9 % · 1,4 mkr över"."""
    text = fmt_pct(row["Andel (%)"])
    if short and row["Över taket"] and row["Överskjutande kapital (kr)"]:
        return f"{text} · {fmt_kr_short(row['Överskjutande kapital (kr)'])} över"
    if row["Över taket"] and not short:
        points = fmt_decimal(row["Andel (%)"] - row["Tak (%)"], 1)
        over = f" · {fmt_kr(row['Överskjutande kapital (kr)'])}" if row["Överskjutande kapital (kr)"] else ""
        text += f" · {points}{NBSP}p.e.{over} över taket"
    return text


def _value_labels(
    fig: go.Figure, labels: list[str], at: list[float], texts: list[str], short: list[str] | None = None
) -> None:
    """Each bar's text just right of its bar or its ceiling mark, whichever ends later (never on top of it);
    ``short`` is the phone's version (at most about 28 characters), kept in the trace for ``for_phone``."""
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=at,
            mode="text",
            text=[f"  {t}" for t in texts],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
            meta={"short": [f"  {t}" for t in (short or texts)]},
        )
    )


# -- phones: the same chart for a 390 px screen ---------------------------------------------------------------

PHONE_PLOT_PX = 330  # a chart's width on a 390 px phone, inside Streamlit's padding
PHONE_CHAR_PX = 6.8  # a character at the phone's 12 px


def for_phone(fig: go.Figure) -> go.Figure:
    """A horizontal bar chart for a phone: each bar's name above it (the whole width left for bars and values),
    the values in their short form with room computed for them, smaller type. Other charts get smaller type."""
    out = go.Figure(fig)
    out.update_layout(font={"size": 12}, legend={"font": {"size": 11}}, margin={"l": 6, "r": 6})
    if any(t.type == "choropleth" for t in out.data):
        # A map: Sweden is tall, so a phone's width decides its size; the legend goes below it, one class a line.
        classes = sum(1 for t in out.data if t.showlegend)
        out.update_layout(
            height=600 + 20 * classes,
            margin={"l": 0, "r": 0, "t": 0, "b": 20 * classes + 10},
            legend={"orientation": "v", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        )
        return out
    out.update_xaxes(tickangle=0, title=None)
    if out.layout.xaxis.tickvals:  # every other tick, so that they fit side by side
        out.update_xaxes(
            tickvals=out.layout.xaxis.tickvals[::2], ticktext=(out.layout.xaxis.ticktext or ())[::2] or None
        )
    else:
        out.update_xaxes(nticks=4)
    # The legend below everything, one line per entry at worst (a phone wraps it), never over the axis labels.
    entries = sum(1 for t in out.data if t.showlegend is not False and t.name)
    legend_px = 22 * entries
    out.update_layout(legend={"yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    bars = [t for t in out.data if t.type == "bar" and t.orientation == "h"]
    if not bars:
        out.update_layout(height=(out.layout.height or 420) + legend_px, margin={"b": 50 + legend_px})
        return out
    axes: dict[str, list[str]] = {}  # each subplot's y axis and its categories, top to bottom as drawn
    for t in out.data:
        if (t.type == "bar" and t.orientation == "h") or (t.type == "scatter" and t.mode == "text"):
            axis = t.yaxis or "y"
            order = out.layout["yaxis" + axis[1:]].categoryarray
            cats = axes.setdefault(axis, list(order) if order else [])
            cats += [y for y in (t.y or ()) if y not in cats]
    stacked = out.layout.barmode in ("stack", "relative")
    ends: dict[str, float] = {}
    longest = 0
    for t in out.data:
        values = list(t.x or ())
        if t.type == "bar" and t.orientation == "h":
            for y, x in zip(t.y or (), values, strict=False):
                if x is not None:
                    ends[y] = ends.get(y, 0) + x if stacked else max(ends.get(y, 0), x)
            if t.textposition == "outside" and t.text is not None and not isinstance(t.text, str):
                longest = max([longest, *(len(str(x)) for x in t.text)])
        elif t.type == "scatter" and t.mode == "text" and t.meta and "short" in t.meta:
            t.text = t.meta["short"]
            longest = max([longest, *(len(x) for x in t.meta["short"])])
            for y, x in zip(t.y or (), values, strict=False):
                ends[y] = max(ends.get(y, 0), x or 0)
    top = max([*ends.values(), 0])
    if longest and top > 0:
        room = min(0.65, (longest * PHONE_CHAR_PX + 16) / PHONE_PLOT_PX)
        out.for_each_xaxis(
            lambda ax: ax.update(range=[min(ax.range[0], 0), top / (1 - room)]) if ax.range is not None else None
        )
    row, gap = 58, 0.55
    count = sum(len(c) for c in axes.values())
    margin_t, margin_b = out.layout.margin.t or 30, 45 + legend_px
    height = margin_t + margin_b + 20 + row * count + 50 * (len(axes) - 1)
    out.update_layout(bargap=gap, height=height, margin={"t": margin_t, "b": margin_b})
    plot_h = height - margin_t - margin_b
    for axis, cats in axes.items():
        layout_axis = out.layout["yaxis" + axis[1:]]
        low, high = layout_axis.domain or (0, 1)
        per = plot_h * (high - low) / max(1, len(cats))
        layout_axis.showticklabels = False
        for name in cats:
            out.add_annotation(
                text=name,
                x=0,
                xref="paper",
                y=name,
                yref=axis,
                xanchor="left",
                yanchor="bottom",
                yshift=per * (1 - gap) / 2 + 1,
                showarrow=False,
                font={"size": 12},
                align="left",
            )
    return out


def equity_ranking_chart(df: pl.DataFrame) -> go.Figure:
    """Eget kapital andel per förbund, highest on top whatever its colour; over the ceiling in vermillion with by how
    much (percentage points and kronor), under it in blue."""
    rows = list(df.sort("Andel (%)", descending=True).iter_rows(named=True))
    order = [_bar_label(r) for r in rows][::-1]  # Plotly draws categories bottom-up
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
                        fmt_kr(r["Överskjutande kapital (kr)"]) if r["Över taket"] else "–",
                    ]
                    for r in part
                ],
                hovertemplate=(
                    "<b>%{y}</b><br>Eget kapital i % av medlemsbidrag: %{x:.1f} %"
                    "<br>Eget kapital: %{customdata[0]}<br>Medlemsbidrag: %{customdata[1]}"
                    "<br>Över taket: %{customdata[6]}"
                    "<br>Rapportens egen uppgift: %{customdata[2]}<br>Tak: %{customdata[3]}"
                    "<br>Källa: %{customdata[5]}<br>%{customdata[4]}<extra></extra>"
                ),
            )
        )
    ceilings = [r["Tak (%)"] for r in rows]
    if len(set(ceilings)) > 1:  # one dashed line says it when all förbund share a ceiling
        fig.add_trace(
            go.Scatter(
                name="Förbundets tak",
                y=[_bar_label(r) for r in rows],
                x=ceilings,
                mode="markers",
                marker={"symbol": "line-ns-open", "size": 26, "color": CEILING_LINE, "line": {"width": 3}},
                hovertemplate="Tak: %{x:.0f} %<extra></extra>",
            )
        )
    _value_labels(
        fig,
        [_bar_label(r) for r in rows],
        [max(r["Andel (%)"], r["Tak (%)"]) for r in rows],
        [excess_text(r) + (f" {FLAG}" if r["Avvikelser"] else "") for r in rows],
        [excess_text(r, short=True) + (f" {FLAG}" if r["Avvikelser"] else "") for r in rows],
    )
    _ceiling_lines(fig, ceilings, horizontal=True)
    top = max([r["Andel (%)"] for r in rows] + ceilings + [0])
    longest = max([len(excess_text(r)) for r in rows] + [8])
    # Room for the value labels beyond the longest bar; ticks only where there are bars. A negative eget kapital
    # (a deficit) is drawn to the left of zero, never cut off.
    low = min([r["Andel (%)"] for r in rows] + [0])
    step = 10 if top - low <= 100 else 20 if top - low <= 300 else 50
    first_tick = int(low // step) * step
    fig.update_xaxes(
        title=None,
        ticksuffix=" %",
        range=[low * 1.05 if low < 0 else 0, top * (1.1 + longest / 45) + 5],
        tickvals=(ticks := list(range(first_tick, int(top // step + 1) * step + 1, step))),
        ticktext=[fmt_pct(t, 0) for t in ticks],
    )
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=order)
    fig.update_layout(barmode="overlay")
    return style(fig, height=max(260, 90 + 60 * len(rows)))


_SYMBOL = {"Utfall": "circle", "Härledd": "circle-open", "Budget": "diamond-open", "Plan": "diamond-open"}


def equity_trend_chart(df: pl.DataFrame, ceilings: dict[str, float]) -> go.Figure:
    """Andel over the years: actual solid (derived years open markers), plan dashed into the future."""
    fig = go.Figure()
    slugs = list(dict.fromkeys(df["slug"].to_list()))
    for slug in slugs:
        colour = forbund_colour(slug)
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
    """Eget kapital in kronor as the part up to the ceiling and, stacked on it, the excess above the ceiling (the
    amount to spend down), highest excess first."""
    rows = list(
        df.sort("Överskjutande kapital (kr)", "Eget kapital (kr)", descending=True, nulls_last=True).iter_rows(
            named=True
        )
    )
    rows = rows[::-1]  # bottom-up
    labels = [_bar_label(r) for r in rows]
    within = [min(r["Eget kapital (kr)"] or 0, r["Takbelopp (kr)"] or 0) for r in rows]
    excess = [r["Överskjutande kapital (kr)"] or 0 for r in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            orientation="h",
            name="Eget kapital upp till taket",
            y=labels,
            x=within,
            marker_color=UNDER_CEILING,
            customdata=[[fmt_kr(r["Eget kapital (kr)"]), fmt_kr(r["Takbelopp (kr)"])] for r in rows],
            hovertemplate="<b>%{y}</b><br>Eget kapital: %{customdata[0]}<br>Tak: %{customdata[1]}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            orientation="h",
            name="Över taket",
            y=labels,
            x=excess,
            marker_color=OVER_CEILING,
            customdata=[[fmt_kr(r["Överskjutande kapital (kr)"]), fmt_pct(r["Tak (%)"], 0)] for r in rows],
            hovertemplate="<b>%{y}</b><br>Över taket (%{customdata[1]}): %{customdata[0]}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            name="Taket i kronor",
            y=labels,
            x=[r["Takbelopp (kr)"] for r in rows],
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 26, "color": CEILING_LINE, "line": {"width": 3}},
            customdata=[[fmt_kr(r["Takbelopp (kr)"])] for r in rows],
            hovertemplate="Tak: %{customdata[0]}<extra></extra>",
        )
    )
    ends = [max(w + e, r["Takbelopp (kr)"] or 0) for w, e, r in zip(within, excess, rows, strict=True)]
    _value_labels(
        fig,
        labels,
        ends,
        [
            f"{fmt_kr(e)} över taket"
            if e
            else f"{fmt_kr((r['Takbelopp (kr)'] or 0) - (r['Eget kapital (kr)'] or 0))} under taket"
            for e, r in zip(excess, rows, strict=True)
        ],
        [
            f"{fmt_kr_short(e)} över"
            if e
            else f"{fmt_kr_short((r['Takbelopp (kr)'] or 0) - (r['Eget kapital (kr)'] or 0))} under"
            for e, r in zip(excess, rows, strict=True)
        ],
    )
    top = max([*ends, 1])
    low = min([*within, 0])  # a negative eget kapital (a deficit) is drawn left of zero
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title="kr", tickformat=",.0f", range=[low * 1.05, top * 1.55])
    fig.update_yaxes(title=None)
    return style(fig, height=max(260, 90 + 60 * len(rows)))


# -- kostnader -----------------------------------------------------------------------------------

CATEGORY_COLOURS = {
    "Administration": "#E69F00",
    "Individinriktade insatser": "#0072B2",
    "Strukturövergripande insatser": "#009E73",
    "Ej fördelbar": "#999999",
}


def cost_split_chart(df: pl.DataFrame, mode: str = "andel") -> go.Figure:
    """100 % stacked bars per förbund (or kronor): administration / individinriktat / strukturövergripande."""
    rows = list(df.iter_rows(named=True))[::-1]
    labels = [_bar_label(r) for r in rows]
    fig = go.Figure()
    for cat, colour in CATEGORY_COLOURS.items():
        kr = [r[f"{cat} (kr)"] for r in rows]
        pct = [r[f"{cat} (%)"] for r in rows]
        if all(v is None for v in kr):
            continue
        values = pct if mode == "andel" else kr
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=cat,
                y=labels,
                x=values,
                marker_color=colour,
                text=[
                    (fmt_pct(p) if mode == "andel" else fmt_mkr(k)) if k is not None else ""
                    for p, k in zip(pct, kr, strict=True)
                ],
                textposition="inside",
                insidetextanchor="middle",
                customdata=[[fmt_kr(k), fmt_pct(p)] for k, p in zip(kr, pct, strict=True)],
                hovertemplate=f"<b>%{{y}}</b><br>{safe(cat)}: %{{customdata[0]}} (%{{customdata[1]}})<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal", uniformtext_minsize=10, uniformtext_mode="hide")
    if mode == "andel":
        fig.update_xaxes(range=[0, 100], ticksuffix=" %", title=None)
    else:
        fig.update_xaxes(tickformat=",.0f", title="kr")
    return style(fig, height=max(260, 110 + 60 * len(rows)))


def admin_share_chart(df: pl.DataFrame) -> go.Figure:
    """Administration's share of costs, highest on top; förbund whose report does not allow it are left out."""
    known = df.filter(pl.col("Administration (%)").is_not_null()).sort("Administration (%)")
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=[_bar_label(r) for r in known.iter_rows(named=True)],
            x=known["Administration (%)"].to_list(),
            marker_color=CATEGORY_COLOURS["Administration"],
            text=[fmt_pct(v) for v in known["Administration (%)"]],
            textposition="outside",
            cliponaxis=False,
            customdata=[[fmt_kr(r["Administration (kr)"]), r["Fördelning"]] for r in known.iter_rows(named=True)],
            hovertemplate="<b>%{y}</b><br>Administration: %{customdata[0]} (%{x:.1f} %)<br>%{customdata[1]}"
            "<extra></extra>",
            name="Administration",
        )
    )
    top = max([*known["Administration (%)"].to_list(), 10])
    fig.update_xaxes(range=[0, top * 1.35], ticksuffix=" %")
    return style(fig, height=max(220, 90 + 55 * known.height))


def budget_use_chart(df: pl.DataFrame) -> go.Figure:
    """How much of each budgeted row was used: 100 % is the budget."""
    rows = list(df.iter_rows(named=True))[::-1]
    labels = [
        f"{safe(r['Förbund'])} {r['År']}: {safe(r['Rad'])}" + (f" {FLAG}" if r["Avvikelser"] else "") for r in rows
    ]
    colours = [PALETTE_UNDER if (r["Förbrukat (%)"] or 0) <= 100 else OVER_CEILING for r in rows]
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=labels,
            x=[r["Förbrukat (%)"] for r in rows],
            marker_color=colours,
            text=[fmt_pct(r["Förbrukat (%)"], 0) for r in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [fmt_kr(r["Budget (kr)"]), fmt_kr(r["Utfall (kr)"]), fmt_kr(r["Outnyttjat (kr)"]), r["År"]]
                for r in rows
            ],
            hovertemplate=(
                "<b>%{y}</b> (%{customdata[3]})<br>Budget: %{customdata[0]}<br>Utfall: %{customdata[1]}"
                "<br>Outnyttjat: %{customdata[2]}<extra></extra>"
            ),
            name="Förbrukat av budget",
        )
    )
    fig.add_vline(x=100, line_dash="dash", line_color=CEILING_LINE, annotation_text="Budget", annotation_position="top")
    top = max([r["Förbrukat (%)"] or 0 for r in rows] + [100])
    fig.update_xaxes(range=[0, top * 1.2], ticksuffix=" %")
    return style(fig, height=max(260, 90 + 32 * len(rows)))


# -- deltagare -----------------------------------------------------------------------------------

WOMEN, MEN, UNSPLIT = "#CC79A7", "#009E73", "#999999"


def _lighter(colour: str, alpha: float = 0.45) -> str:
    """ "#CC79A7" → "rgba(204,121,167,0.45)": the same hue, lighter, for a split known only as a share."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def participants_chart(df: pl.DataFrame, label_col: str = "Förbund") -> go.Figure:
    """Participants split into kvinnor and män: by count where the report gives counts, by share (lighter, marked
    "andel enligt rapporten") where it gives only the share of women; one grey bar where it gives neither."""
    rows = list(df.iter_rows(named=True))[::-1]

    def label(r: dict) -> str:
        base = (
            f"{safe(r['Förbund'])}: {safe(r['Insats'])}"
            if label_col == "Insats" and r["Insats"]
            else safe(r["Förbund"])
        )
        return f"{base} ({r['År']})" + (f" {FLAG}" if r["Avvikelser"] else "")

    labels = [label(r) for r in rows]
    counted = [r["Kvinnor"] is not None and r["Män"] is not None for r in rows]
    shared = [
        not c and r["Andel kvinnor (%)"] is not None and r["Deltagare"] is not None
        for r, c in zip(rows, counted, strict=True)
    ]
    fig = go.Figure()
    for name, col, colour in (("Kvinnor", "Kvinnor", WOMEN), ("Män", "Män", MEN)):
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=name,
                y=labels,
                x=[r[col] if c else None for r, c in zip(rows, counted, strict=True)],
                marker_color=colour,
                showlegend=any(counted),
                text=[fmt_int(r[col]) if c else "" for r, c in zip(rows, counted, strict=True)],
                textposition="inside",
                hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x}}<extra></extra>",
            )
        )
    for name, women, colour in (("Kvinnor (andel enligt rapporten)", True, WOMEN), ("Män (resten)", False, MEN)):
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=name,
                y=labels,
                x=[
                    r["Deltagare"] * (r["Andel kvinnor (%)"] if women else 100 - r["Andel kvinnor (%)"]) / 100
                    if sh
                    else None
                    for r, sh in zip(rows, shared, strict=True)
                ],
                marker={"color": _lighter(colour), "line": {"color": colour, "width": 1.5}},
                showlegend=any(shared),
                customdata=[
                    [fmt_pct(r["Andel kvinnor (%)"] if women else 100 - r["Andel kvinnor (%)"], 0)] if sh else [""]
                    for r, sh in zip(rows, shared, strict=True)
                ],
                hovertemplate=(
                    f"<b>%{{y}}</b><br>{name}: %{{customdata[0]}} (rapporten anger andelen, inte antalet)"
                    "<extra></extra>"
                ),
            )
        )
    fig.add_trace(
        go.Bar(
            orientation="h",
            name="Ej uppdelat på kön",
            y=labels,
            x=[None if c or sh else r["Deltagare"] for r, c, sh in zip(rows, counted, shared, strict=True)],
            marker_color=UNSPLIT,
            showlegend=not all(c or sh for c, sh in zip(counted, shared, strict=True)),
            hovertemplate="<b>%{y}</b><br>Deltagare: %{x}<extra></extra>",
        )
    )

    def total_text(r: dict, c: bool, sh: bool) -> str:
        if c:
            return ""
        note = r["Anmärkning"] or ""
        count = note.split(";")[0] if note.startswith(("ca", "delmängd")) else fmt_int(r["Deltagare"])
        return f"{count} deltagare · {fmt_pct(r['Andel kvinnor (%)'], 0)} kvinnor" if sh else count

    texts = [total_text(r, c, sh) for r, c, sh in zip(rows, counted, shared, strict=True)]
    _value_labels(
        fig,
        labels,
        [r["Deltagare"] or 0 for r in rows],
        texts,
        [t.replace(" deltagare · ", " · ") for t in texts],
    )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    top = max([r["Deltagare"] or 0 for r in rows] + [10])
    fig.update_xaxes(range=[0, top * 1.6], title="personer")
    return style(fig, height=max(240, 100 + 50 * len(rows)))


def history_chart(df: pl.DataFrame) -> go.Figure:
    """Participants per year, kvinnor and män stacked (one förbund's own table)."""
    fig = go.Figure()
    for slug in dict.fromkeys(df["slug"].to_list()):
        part = df.filter(pl.col("slug") == slug)
        name = safe(part["Förbund"][0])
        for sex, colour in (("Kvinnor", WOMEN), ("Män", MEN)):
            fig.add_trace(
                go.Bar(
                    x=[f"{name} {y}" for y in part["År"]],
                    y=part[sex].to_list(),
                    name=f"{sex}",
                    marker_color=colour,
                    text=[fmt_int(v) for v in part[sex]],
                    textposition="inside",
                    hovertemplate=f"%{{x}}<br>{sex}: %{{y}}<extra></extra>",
                    legendgroup=sex,
                    showlegend=slug == df["slug"][0],
                )
            )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="personer")
    return style(fig, height=380)


def outcomes_chart(df: pl.DataFrame) -> go.Figure:
    """One panel per outcome definition: shares are never ranked across definitions."""
    from plotly.subplots import make_subplots

    definitions = list(dict.fromkeys(df["Definition"].to_list()))
    counts = [df.filter(pl.col("Definition") == d).height for d in definitions]
    fig = make_subplots(
        rows=len(definitions),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[f"Definition: {safe(d)}" for d in definitions],
        row_heights=counts,
    )
    for i, d in enumerate(definitions, start=1):
        part = list(df.filter(pl.col("Definition") == d).iter_rows(named=True))[::-1]
        labels = [
            f"{safe(r['Förbund'])}{': ' + safe(r['Insats']) if r['Insats'] else ''} ({r['År']})"
            + (f" {FLAG}" if r["Avvikelser"] else "")
            for r in part
        ]
        text = [
            fmt_pct(r["Andel (%)"], 1 if r["Beräknad"] else 0)
            + (
                f" ({fmt_int(r['Till utfallet'])} av {fmt_int(r['Avslutade'])})"
                if r["Till utfallet"] is not None and r["Avslutade"] is not None
                else " (enligt rapporten)"
            )
            for r in part
        ]
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=labels,
                x=[r["Andel (%)"] for r in part],
                text=text,
                textposition="outside",
                cliponaxis=False,
                marker_color=CATEGORICAL[(i - 1) % len(CATEGORICAL)],
                name=safe(d),
                showlegend=False,
                customdata=[
                    [
                        fmt_pct(r["Andel enligt rapporten (%)"], 0)
                        if r["Andel enligt rapporten (%)"] is not None
                        else "anges inte",
                        safe(r["Avvikelser"] or ""),
                    ]
                    for r in part
                ],
                hovertemplate="<b>%{y}</b><br>Andel av avslutade: %{x:.1f} %<br>Rapportens uppgift: %{customdata[0]}"
                "<br>%{customdata[1]}<extra></extra>",
            ),
            row=i,
            col=1,
        )
    fig.for_each_xaxis(
        lambda ax: ax.update(
            range=[0, 140], tickvals=[0, 20, 40, 60, 80, 100], ticktext=[f"{v} %" for v in range(0, 101, 20)]
        )
    )
    return style(fig, height=max(300, 140 + 55 * sum(counts) + 40 * len(definitions)))


# -- helårsekvivalenter --------------------------------------------------------------------------


def hae_share_chart(df: pl.DataFrame) -> go.Figure:
    """HÅE share per kommun, one bar per series. Different periods and age bands are separate series,
    drawn side by side and never joined by a line."""
    fig = go.Figure()
    series = df.select("period_key", "Period", "År").unique().sort("År")
    kommuner = list(dict.fromkeys(df["Kommun"].to_list()))
    for n, s in enumerate(series.iter_rows(named=True)):
        part = {r["Kommun"]: r for r in df.filter(pl.col("period_key") == s["period_key"]).iter_rows(named=True)}
        fig.add_trace(
            go.Bar(
                name=safe(s["Period"]),
                x=[safe(k) for k in kommuner],
                y=[part[k]["Andel (%)"] if k in part else None for k in kommuner],
                marker_color=CATEGORICAL[n % len(CATEGORICAL)],
                marker_pattern_shape="/" if "halvår" in s["Period"].lower() else "",
                text=[fmt_pct(part[k]["Andel (%)"]) if k in part else "" for k in kommuner],
                textposition="outside",
                cliponaxis=False,
                customdata=[
                    [fmt_int(part[k]["Totalt (HÅE)"]), fmt_int(part[k]["Folkmängd"])] if k in part else ["", ""]
                    for k in kommuner
                ],
                hovertemplate=(
                    f"<b>%{{x}}</b> – {safe(s['Period'])}<br>Andel: %{{y:.1f}} %"
                    "<br>Helårsekvivalenter: %{customdata[0]}<br>Folkmängd: %{customdata[1]}<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(ticksuffix=" %", title=None, rangemode="tozero")
    return style(fig, height=420)


HAE_COLOURS = ["#0072B2", "#56B4E9", "#E69F00", "#F0E442", "#D55E00", "#CC79A7"]


def hae_categories_chart(df: pl.DataFrame, categories: list[str]) -> go.Figure:
    """Helårsekvivalenter per benefit category, stacked per kommun, for one series."""
    fig = go.Figure()
    kommuner = [safe(k) for k in df["Kommun"]]
    for colour, cat in zip(HAE_COLOURS, categories, strict=False):
        col = f"{cat} (HÅE)"
        fig.add_trace(
            go.Bar(
                name=safe(cat),
                x=kommuner,
                y=df[col].to_list(),
                marker_color=colour,
                hovertemplate=f"<b>%{{x}}</b><br>{safe(cat)}: %{{y}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="helårsekvivalenter", tickformat=",.0f")
    return style(fig, height=420)


# -- the map of Sweden ------------------------------------------------------------------------------------------


def map_chart(
    table: pl.DataFrame,
    legend: list[tuple[str, str, int]],
    kommun_geojson: dict,
    lan_geojson: dict,
    selected: tuple[str, ...] = (),
    urls: tuple[str, str] | None = None,
) -> go.Figure:
    """Kommuner coloured by class, län borders drawn over them; the hover names kommun, förbund, year and value;
    customdata[0] is the förbund's slug (a click selects it). The kommuner of the ``selected`` förbund get a black
    outline.

    One choropleth trace for all kommuner (the boundaries are sent once, not once per class: a figure per class
    was 1,2 MB of JSON on every rerun), its classes as a stepped colour scale; the legend is one empty marker
    trace per class, in order, "ingen uppgift" last, each with its count. With ``urls`` (kommuner, län) the
    figure names the boundaries by URL and the browser fetches them once, instead of their shapes in every run's
    figure; an export puts the shapes back (export_figure)."""
    fig = go.Figure()
    index = {label: i for i, (label, _, _) in enumerate(legend)}
    n = len(legend)
    scale = []
    for i, (_, colour, _) in enumerate(legend):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    rows = list(table.iter_rows(named=True))
    hover = [
        f"<b>{safe(r['Kommun'])}</b> ({safe(r['Län'])})<br>"
        + (f"{safe(r['Förbund'])}" if r["Förbund"] else "Inget samordningsförbund i registret")
        + (f"<br>{r['År']}: {fmt_pct(r['Värde (%)'])}" if r["Värde (%)"] is not None else f"<br>{safe(r['Klass'])}")
        + (f"<br><i>{safe(r['Anmärkning'])}</i>" if r["Anmärkning"] else "")
        for r in rows
    ]
    fig.add_trace(
        go.Choropleth(
            geojson=urls[0] if urls else kommun_geojson,
            locations=[r["kommun_kod"] for r in rows],
            z=[index[r["Klass"]] for r in rows],
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            showscale=False,
            marker={"line": {"color": "white", "width": 0.4}},
            customdata=[[r["slug"] or ""] for r in rows],
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            name="kommuner",
        )
    )
    for label, colour, count in legend:
        fig.add_trace(
            go.Scattergeo(
                lon=[None],
                lat=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": colour, "line": {"color": MAP_BORDER, "width": 1}},
                name=f"{safe(label)} ({count})",
                showlegend=True,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Choropleth(
            geojson=urls[1] if urls else lan_geojson,
            locations=[f["id"] for f in lan_geojson["features"]],
            z=[0] * len(lan_geojson["features"]),
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            showscale=False,
            marker={"line": {"color": "#4D4D4D", "width": 1.1}},
            hoverinfo="skip",
            showlegend=False,
            name="län",
        )
    )
    chosen = [r["kommun_kod"] for r in rows if r["slug"] and r["slug"] in selected]
    if chosen:
        wanted = set(chosen)  # only their shapes, not the whole country again
        subset = {"type": "FeatureCollection", "features": [f for f in kommun_geojson["features"] if f["id"] in wanted]}
        fig.add_trace(
            go.Choropleth(
                geojson=subset,
                locations=chosen,
                z=[0] * len(chosen),
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": {"color": "#000000", "width": 2.2}},
                hoverinfo="skip",
                name="Valt förbund (svart kant)" if len(selected) == 1 else "Valda förbund (svart kant)",
                showlegend=True,
            )
        )
    # The frame is the country's own box (GeoJSON bbox), so the map fills the width on a phone and the height on a
    # screen; fitbounds alone keeps a square frame with Sweden small in the middle.
    west, south, east, north = kommun_geojson.get("bbox") or (10.9, 55.3, 24.2, 69.1)
    fig.update_geos(
        fitbounds=False,
        visible=False,
        projection_type="mercator",
        lonaxis_range=[west - 0.2, east + 0.2],
        lataxis_range=[south - 0.1, north + 0.1],
    )
    fig = style(fig, height=720)
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 10},
        legend={
            "orientation": "v",
            "y": 0.98,
            "yanchor": "top",
            "x": 0.0,
            "xanchor": "left",
            "bgcolor": "rgba(255,255,255,0.8)",
        },
        clickmode="event+select",
        dragmode=False,
    )
    return fig


# -- helårsekvivalenter over the years (SCB) -----------------------------------------------------------------------


def hae_trend_chart(df: pl.DataFrame) -> go.Figure:
    """One förbund's HÅE share per year: each member kommun thin, the förbund's computed total thick in its colour,
    Riket black; 20–64 solid and 20–65 dotted, separate lines that are never joined. A year so far (fewer than 12
    months, ``Hela året`` false) is an open marker of its own, never joined to the whole years."""
    fig = _hae_lines(df, "År")
    fig.update_xaxes(title=None, dtick=1, tickformat="d")
    return style(fig, height=460)


def hae_monthly_chart(df: pl.DataFrame) -> go.Figure:
    """The same series month by month (lib.views_scb.monthly_trend): the last few years, which no report gives."""
    fig = _hae_lines(df, "Månad")
    fig.update_traces(xhoverformat="%Y-%m")
    months = sorted(set(df["Månad"].to_list())) if df.height else []
    ticks = [m for m in months if m.month in (1, 7)]  # Swedish names, not the browser's locale
    fig.update_xaxes(title=None, tickvals=ticks, ticktext=[f"{SV_MONTHS[m.month - 1]} {m.year}" for m in ticks])
    return style(fig, height=460)


SV_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _hae_lines(df: pl.DataFrame, x: str) -> go.Figure:
    fig = go.Figure()
    slug = df["slug"][0] if df.height else ""
    kommuner = [
        s for s in dict.fromkeys(df["Serie"].to_list()) if s not in ("Riket",) and not s.startswith("Förbundet")
    ]
    colour_of = {k: CATEGORICAL[(i + 4) % len(CATEGORICAL)] for i, k in enumerate(kommuner)}
    whole = df["Hela året"] if "Hela året" in df.columns else pl.Series([True] * df.height)
    df = df.with_columns(whole.alias("_whole"))
    for (serie, band, is_whole), part in df.group_by("Serie", "Åldersgrupp", "_whole", maintain_order=True):
        part = part.sort(x)
        if part["Andel (%)"].drop_nulls().len() == 0:
            continue
        total = serie.startswith("Förbundet")
        riket = serie == "Riket"
        colour = forbund_colour(slug) if total else "#000000" if riket else colour_of.get(serie, CEILING_LINE)
        width = 4 if total else 2.5 if riket else 1.4
        dotted = band != "20–64"
        so_far = "" if is_whole else ", hittills i år"
        symbol = "diamond" if total else "circle"
        fig.add_trace(
            go.Scatter(
                name=f"{safe(serie)}, {band} år{so_far}",
                x=part[x].to_list(),
                y=part["Andel (%)"].to_list(),
                mode="lines+markers" if is_whole else "markers",
                line={"color": colour, "width": width, "dash": "dot" if dotted else ("dash" if riket else "solid")},
                marker={
                    "size": 8 if (total or riket) else 5,
                    "symbol": symbol if is_whole else f"{symbol}-open",
                    "color": colour,
                },
                customdata=[[fmt_int(h), fmt_int(p)] for h, p in zip(part["HÅE"], part["Folkmängd"], strict=True)],
                hovertemplate=(
                    f"<b>{safe(serie)}</b> %{{x}}, {band} år{so_far}<br>Andel: %{{y:.1f}} %"
                    "<br>Helårsekvivalenter: %{customdata[0]}<br>Folkmängd: %{customdata[1]}<extra></extra>"
                ),
                connectgaps=False,
                showlegend=bool(is_whole),  # the open marker is explained under the chart
            )
        )
    fig.update_yaxes(title=None, ticksuffix=" %", rangemode="tozero")
    return fig
