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

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = {
    "Översikt": (None, {}),
    "Eget kapital": ("pages/eget_kapital.py", {}),
    "Eget kapital, ett förbund, kronor": ("pages/eget_kapital.py", {"forbund": ["sydnarke"], "vy": "kronor"}),
    "Kostnadsfördelning": ("pages/kostnader.py", {}),
    "Deltagare och resultat": ("pages/deltagare.py", {}),
    "Helårsekvivalenter": ("pages/hae.py", {}),
    "Förbundsprofil (Sollefteå)": ("pages/profil.py", {"forbund": ["solleftea"]}),
    "Källor och datakvalitet": ("pages/kallor.py", {}),
}
EMPTY = "import streamlit as st\nst.write('')\n"


def timed(make, runs: int, first: list | None = None) -> list[float]:
    at = make()
    start = time.perf_counter()
    at.run()  # the first run: imports, caches, the dataset
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


sidebar, main = _elements(PATH)
for where, items in ((st.sidebar, sidebar), (st, main)):
    for kind, payload in items:
        if kind == "chart":
            where.plotly_chart(payload, config={"displayModeBar": False, "displaylogo": False})
        elif kind == "table":
            where.dataframe(payload, hide_index=True)
        elif kind == "control":
            where.selectbox(payload[0], payload[1])
        else:
            getattr(where, kind)(payload)
"""


def floor_of(make):
    """An AppTest of the page's floor: what the page drew, captured once, drawn again by plain Streamlit calls."""
    import pickle
    import tempfile

    import plotly.io as pio

    at = make()
    at.run()
    items: dict[str, list] = {"sidebar": [], "main": []}
    for part, root in (("sidebar", at.sidebar), ("main", at.main)):
        for el in _walk(root):
            kind = getattr(el, "type", "")
            if kind == "plotly_chart":
                items[part].append(("chart", pio.from_json(el.proto.spec, skip_invalid=True)))
            elif kind in ("arrow_data_frame", "dataframe"):
                items[part].append(("table", el.value))
            elif kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "success"):
                items[part].append((kind if kind != "header" else "subheader", el.value))
            elif kind in ("selectbox", "multiselect", "button_group", "segmented_control", "text_input", "radio"):
                items[part].append(("control", (getattr(el, "label", kind) or kind, ["a", "b"])))
    path = tempfile.mktemp(suffix=".pkl")
    with open(path, "wb") as fh:
        pickle.dump((items["sidebar"], items["main"]), fh)
    return lambda: AppTest.from_string(FLOOR.replace("PATH", repr(path)), default_timeout=120)


def _walk(node):
    """The elements under a block, in order (blocks: expanders, columns, containers, are walked into)."""
    for child in getattr(node, "children", {}).values():
        block = getattr(child, "children", None) and not hasattr(child, "proto")
        if block or getattr(child, "type", "") in ("expandable", "vertical", "horizontal", "column", "container"):
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
        f"{'Sida':40} {'första ms':>10} {'golv första':>12} {'kvot':>6} {'median ms':>10} {'golv ms':>8} "
        f"{'kvot':>6} {'mot tom':>8}"
    )
    for name, (page, params) in PAGES.items():
        first: list[float] = []
        make = app(page, params)
        med = statistics.median(timed(make, args.runs, first))
        floor_first: list[float] = []
        floor = statistics.median(timed(floor_of(make), args.runs, floor_first))
        print(
            f"{name:40} {first[0] * 1000:10.0f} {floor_first[0] * 1000:12.0f} {first[0] / floor_first[0]:6.2f} "
            f"{med * 1000:10.1f} {floor * 1000:8.1f} {med / floor:6.2f} {med / base:8.1f}"
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
