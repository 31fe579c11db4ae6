"""Server-side time of each page, as a ratio to its fair floor (and to an empty page) timed in the same run.

    python scripts/benchmark.py [--runs N] [--synthetic]

A page's **floor** is a page that draws exactly what the page drew, the same Plotly figures (the objects,
precomputed) and the same tables, text and controls, with Streamlit and nothing else: what any
Streamlit app showing that page would pay. The ratio page / floor is the app's own cost (loading,
view models, formatting, URL sync). Uses Streamlit's AppTest (the script run on the server, without a
browser). Prints, never asserts: the numbers are for reading and comparing over time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit.testing.v1.app_test as _app_test  # noqa: E402
import streamlit.testing.v1.local_script_runner as _local_runner  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

# A server compiles each script once per process (its runtime keeps one ScriptCache); AppTest makes a new cache
# for every run, so every rerun would recompile app.py and the page, with Streamlit's "magic" pass over the AST
# (measured: about a third of a page's rerun here). One cache for the whole benchmark, as on the server;
# emptied before each first run, which therefore still includes compiling.
SCRIPTS = ScriptCache()
_app_test.ScriptCache = lambda: SCRIPTS
_local_runner.ScriptCache = lambda: SCRIPTS


# Likewise AppTest sets Streamlit's process-wide "pages folder" flag back to unknown before every run, so every
# rerun would start in the old multipage mode, build its menu and rerun through the router (ui/boot.py); on a
# server that happens on the process's first request only. AppTest's reset is pointed at this subclass, so the
# flag keeps what the router set, as on the server; each first run below starts from unknown again.
class _PagesManager(PagesManager):
    pass


_app_test.PagesManager = _PagesManager

PAGES = {
    "Översikt": (None, {}),
    "Eget kapital": ("pages/eget_kapital.py", {}),
    "Eget kapital, ett förbund, kronor": ("pages/eget_kapital.py", {"forbund": ["sydnarke"], "vy": "kronor"}),
    "Kostnadsfördelning": ("pages/kostnader.py", {}),
    "Deltagare och resultat": ("pages/deltagare.py", {}),
    "Helårsekvivalenter": ("pages/hae.py", {}),
    "Förbundsprofil (Sollefteå)": ("pages/profil.py", {"forbund": ["solleftea"]}),
    "Källor och datakvalitet": ("pages/kallor.py", {}),
    "Sverigekarta": ("pages/karta.py", {}),
}
EMPTY = "import streamlit as st\nst.write('')\n"


def interleaved(makes: list, runs: int) -> tuple[tuple[float, float], tuple[float, ...]]:
    """First runs of the first and last app, and the median rerun of each, the reruns taken in turn (page,
    floor, whole floor, page, …): this machine's speed drifts by tens of per cent over a minute, and taking
    them in turn puts the drift on all of them alike."""
    tests, firsts = [], []
    for make in makes:
        at = make()
        SCRIPTS.clear()
        PagesManager.uses_pages_directory = None
        start = time.perf_counter()
        at.run()
        firsts.append(time.perf_counter() - start)
        tests.append(at)
    times: list[list[float]] = [[] for _ in tests]
    for _ in range(runs):
        for at, out in zip(tests, times, strict=True):
            start = time.perf_counter()
            at.run()
            out.append(time.perf_counter() - start)
            assert not at.exception, at.exception
    return (firsts[0], firsts[-1]), tuple(statistics.median(t) for t in times)


def timed(make, runs: int, first: list | None = None) -> list[float]:
    at = make()
    SCRIPTS.clear()
    PagesManager.uses_pages_directory = None
    start = time.perf_counter()
    at.run()  # the first run: imports, caches, the dataset, compiling the scripts
    if first is not None:
        first.append(time.perf_counter() - start)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times


FLOOR = """
import pickle
import streamlit as st

st.set_page_config(layout="wide")


@st.cache_resource
def _elements(path):
    with open(path, "rb") as fh:
        return pickle.load(fh)


def draw(where, items, n=[0]):
    for kind, payload in items:
        n[0] += 1
        if kind == "chart":
            where.plotly_chart(payload, config={"displayModeBar": False, "displaylogo": False}, key=f"c{n[0]}")
        elif kind == "table":
            where.dataframe(payload, hide_index=True, key=f"t{n[0]}")
        elif kind == "control":
            where.selectbox(payload[0], payload[1], key=f"s{n[0]}")
        elif kind == "expander":
            draw(where.expander(payload[0]), payload[1])
        elif kind == "columns":
            for col, children in zip(where.columns(len(payload)), payload):
                draw(col, children)
        elif kind == "download":
            where.download_button(payload, b"", key=f"d{n[0]}")
        elif kind == "button":
            where.button(payload, key=f"b{n[0]}")
        else:
            getattr(where, kind)(payload)


def page():
    sidebar, main = _elements(PATH)
    draw(st.sidebar, sidebar, [0])
    draw(st, main, [1000])


WHOLE
"""
# The whole page in plain Streamlit: also its expanders, columns, buttons and a menu of as many pages as the app
# has (st.navigation), so that page / this floor is what the app itself adds to what Streamlit needs to draw it.
WHOLE = """
others = [st.Page(lambda: None, title=f"Sida {i}", url_path=f"sida{i}") for i in range(PAGES)]
st.navigation([st.Page(page, title="Sidan", default=True), *others]).run()
"""
PLAIN = "page()"


def _capture(root, whole: bool) -> list:
    import plotly.io as pio

    items: list = []
    for el in _walk(root, into_blocks=not whole):
        kind = getattr(el, "type", "")
        if kind == "plotly_chart":
            items.append(("chart", pio.from_json(el.proto.spec, skip_invalid=True)))
        elif kind in ("arrow_data_frame", "dataframe"):
            items.append(("table", el.value))
        elif kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "success"):
            items.append((kind if kind != "header" else "subheader", el.value))
        elif kind in ("selectbox", "multiselect", "button_group", "segmented_control", "text_input", "radio"):
            items.append(("control", (getattr(el, "label", kind) or kind, ["a", "b"])))
        elif whole and kind == "expander":
            items.append(("expander", (el.label, _capture(el, whole))))
        elif (
            whole and kind == "flex_container" and all(getattr(c, "type", "") == "column" for c in el.children.values())
        ):
            items.append(("columns", [_capture(c, whole) for c in el.children.values()]))
        elif whole and kind in ("flex_container", "column", "vertical", "container"):
            items.extend(_capture(el, whole))
        elif whole and kind == "download_button":
            items.append(("download", el.label))
        elif whole and kind in ("button", "page_link"):
            items.append(("button", getattr(el, "label", "") or "Knapp"))
    return items


def floor_of(make, whole: bool = False):
    """An AppTest of the page's floor: what the page drew, captured once, drawn again by plain Streamlit calls
    (``whole``: with its expanders, columns, buttons and a menu of as many pages, else charts, tables, text and
    controls only)."""
    import pickle
    import tempfile

    at = make()
    at.run()
    items = (_capture(at.sidebar, whole), _capture(at.main, whole))
    path = tempfile.mktemp(suffix=".pkl")
    with open(path, "wb") as fh:
        pickle.dump(items, fh)
    script = FLOOR.replace("PATH", repr(path)).replace(
        "WHOLE", WHOLE.replace("PAGES", str(APP_PAGES - 1)) if whole else PLAIN
    )
    return lambda: AppTest.from_string(script, default_timeout=120)


APP_PAGES = 9  # the app's menu: eight pages and the map (the import page only for editors)


def _walk(node, into_blocks: bool = True):
    """The elements under a block, in order (with ``into_blocks`` expanders, columns and containers are walked
    into; otherwise they are returned, for the whole floor to draw them as blocks)."""
    for child in getattr(node, "children", {}).values():
        block = getattr(child, "children", None) and not hasattr(child, "proto")
        kind = getattr(child, "type", "")
        if into_blocks and (
            block
            or kind in ("expandable", "expander", "flex_container", "vertical", "horizontal", "column", "container")
        ):
            yield from _walk(child)
        else:
            yield child


def app(page: str | None, params: dict):
    def make():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if page:
            at.switch_page(page)
        for k, v in params.items():
            at.query_params[k] = v
        return at

    return make


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="80 förbund × 10 år (scripts/synthetic.py) i en tillfällig mapp i stället för data/",
    )
    args = parser.parse_args()
    if args.synthetic:
        import os
        import tempfile

        sys.path.insert(0, str(ROOT / "scripts"))
        from synthetic import generate

        from lib.data import build_dataset, write_build

        tmp = tempfile.mkdtemp()
        data = generate(Path(tmp))
        write_build(build_dataset(data), data / "build", data)
        os.environ["FINSAM_DATA_DIR"] = str(data)
        print(f"Syntetiska data: {data}")
    base = statistics.median(timed(lambda: AppTest.from_string(EMPTY), args.runs))
    print(f"Tom sida (referens): median {base * 1000:.1f} ms över {args.runs} körningar\n")
    print(
        "golv: samma diagram, tabeller, text och kontroller; hela golvet: dessutom sidans expanders, kolumner, "
        f"knappar och en meny med {APP_PAGES} sidor\n"
    )
    print(
        f"{'Sida':36} {'första ms':>9} {'hela golvet':>11} {'kvot':>5} {'median ms':>9} {'golv ms':>7} "
        f"{'kvot':>5} {'hela golvet':>11} {'kvot':>5} {'mot tom':>7}"
    )
    for name, (page, params) in PAGES.items():
        make = app(page, params)
        (first, whole_first), (med, floor, whole) = interleaved(
            [make, floor_of(make), floor_of(make, whole=True)], args.runs
        )
        print(
            f"{name:36} {first * 1000:9.0f} {whole_first * 1000:11.0f} {first / whole_first:5.2f} "
            f"{med * 1000:9.1f} {floor * 1000:7.1f} {med / floor:5.2f} {whole * 1000:11.1f} {med / whole:5.2f} "
            f"{med / base:7.1f}"
        )
    briefing(args.runs)


def briefing(runs: int) -> None:
    """PDF generation, as a ratio to rendering one chart to PNG (its main cost) in the same run."""
    from datetime import date

    from lib import charts, views
    from lib.briefing import briefing_unavailable, build_briefing
    from lib.data import load_dataset
    from lib.downloads import png_bytes

    reason = briefing_unavailable()
    if reason:
        print(f"\nStyrelseunderlag: mäts inte ({reason})")
        return
    ds = load_dataset()
    fig = charts.equity_trend_chart(views.equity_trend(ds, ["sodra-lappland"]), {"sodra-lappland": 20.0})
    png_bytes(fig)  # start the renderer once
    png = statistics.median(_time(lambda: png_bytes(fig, width=760, height=300), runs))
    pdf = statistics.median(
        _time(lambda: build_briefing(ds, "sodra-lappland", "senaste", date.today()), max(3, runs // 3))
    )
    print(
        f"\nStyrelseunderlag (PDF, Södra Lappland): median {pdf * 1000:.0f} ms, "
        f"{pdf / png:.1f} gånger en diagrambild ({png * 1000:.0f} ms)"
    )


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


if __name__ == "__main__":
    main()
