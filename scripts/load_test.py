"""Many people opening the dashboard at once: N concurrent sessions through every page, errors and time to first chart.

    python scripts/load_test.py [--sessions 1 10 25] [--client browser|protocol] [--navigation menu|link]
                                [--isolation priority|cores|none] [--timeout 90] [--give-up 300]

Starts its own Streamlit server on 127.0.0.1 (a free port) and stops it when done; only loopback is
contacted. Each session takes the tour a board member takes: opens the shared link (the overview),
then every other page, choosing Sydnärke on the profile page, and waits on each for its first chart
(or its table, on the sources page).

Two clients, because on one machine the browsers and the server compete for the same cores:

- ``browser`` (default): one Debian Chromium, a Playwright context per session. What people see:
  an error on the page, "Page not found", a lost connection, or a page never drawn (``--give-up``).
  A page drawn after ``--timeout`` but before ``--give-up`` is counted as slow and timed, not as an
  error: on one machine that is mostly the browsers' own CPU, and its real time is the measurement.
  ``--navigation menu`` moves through the sidebar menu as a person does; ``link`` opens every page
  from its own link (a full page load each time: the heaviest case for the browsers).
- ``protocol``: a session is Streamlit's own WebSocket protocol, as the browser speaks it, without
  drawing anything. It measures the server alone, so it can go far beyond what the browsers allow.

The clients must not take the server's CPU, as they could not if they were people on their own
devices. ``--isolation priority`` (default, needs root) runs the server at nice -10 ahead of the
clients, which get every core the server does not use; ``cores`` pins the server to core 0 and the
clients to the others; ``none`` lets them share. The CPU time each side used is reported per page,
so that a slow result says which side it was slow on. Exits non-zero when any session saw an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.localserver import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402


@dataclass(frozen=True)
class Stop:
    menu: str  # the menu entry
    heading: str  # the page's title as drawn, so a page is known to be the new one
    url_path: str  # page url path ("" for the overview)
    query: str = ""  # for a page opened from its own link, and for the protocol client
    choose: str = ""  # a button to press on arrival (the profile page's förbund chooser)


TOUR = [
    Stop("Översikt", "Samordningsförbund i jämförelse", ""),
    Stop("Eget kapital", "Eget kapital mot taket", "eget_kapital"),
    Stop("Kostnadsfördelning", "Kostnadsfördelning", "kostnader"),
    Stop("Deltagare och resultat", "Deltagare och resultat", "deltagare"),
    Stop("Helårsekvivalenter", "Helårsekvivalenter", "hae"),
    Stop("Förbundsprofil", "Samordningsförbundet Sydnärke", "profil", "forbund=sydnarke", choose="Sydnärke"),
    Stop("Källor och datakvalitet", "Källor och datakvalitet", "kallor"),
]
SHARED_LINK = "/"  # what everybody opens first


@dataclass
class Result:
    times: list[float] = field(default_factory=list)  # seconds to first chart, one per page drawn
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)  # pages drawn, but after the timeout
    seen: list[str] = field(default_factory=list)  # what the page showed at each error

    def add(self, stop: Stop, seconds: float, timeout_s: float = float("inf")) -> None:
        self.times.append(seconds)
        self.by_page.setdefault(stop.menu, []).append(seconds)
        if seconds > timeout_s:
            self.slow.append(stop.menu)


# --- the browser client --------------------------------------------------------------------------

# The page is the new one (its heading) and a chart or table of it, not a stale one, is drawn.
DRAWN = """(heading) => {
  const main = document.querySelector("[data-testid='stMain']");
  if (!main || ![...main.querySelectorAll('h1')].some(h => h.textContent.includes(heading))) return false;
  return !!main.querySelector(
    "[data-stale='false'] [data-testid='stPlotlyChart'] .main-svg, [data-stale='false'] [data-testid='stDataFrame']");
}"""
FINISHED = "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
SHOWN = """() => ({
  url: location.pathname + location.search,
  h1: [...document.querySelectorAll('h1')].map(h => h.textContent),
  running: !!document.querySelector("[data-testid='stStatusWidget']"),
  stale: document.querySelectorAll("[data-stale='true']").length,
  charts: document.querySelectorAll("[data-testid='stPlotlyChart'] .main-svg").length,
})"""
OUTPUT = ROOT / "test-output" / "load"
PROBLEMS = {
    "[data-testid='stException']": "undantag på sidan",
    "[data-testid='stAlertContentError']": "felmeddelande på sidan",
}
PROBLEM_TEXTS = {
    "Page not found": "sidan hittades inte",
    "Connection error": "anslutningen bröts",
    "Is Streamlit still running?": "anslutningen bröts",
}


async def browser_session(
    browser, base: str, navigation: str, timeout_s: float, give_up_s: float, result: Result
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = await context.new_page()
    try:
        for i, stop in enumerate(TOUR):
            start = time.perf_counter()

            def left(deadline: float = start + give_up_s) -> float:  # one deadline for the page, all its steps
                return max(1.0, (deadline - time.perf_counter()) * 1000)

            try:
                if i == 0:
                    await page.goto(base + SHARED_LINK, timeout=left())
                elif navigation == "link":
                    await page.goto(f"{base}/{stop.url_path}?{stop.query}", timeout=left())
                else:
                    await page.locator(".st-key-meny a", has_text=stop.menu).first.click(timeout=left())
                if stop.choose and navigation == "menu":
                    await page.get_by_role("button", name=stop.choose, exact=True).click(timeout=left())
                await page.wait_for_function(DRAWN, arg=stop.heading, timeout=left(), polling=100)
                result.add(stop, time.perf_counter() - start, timeout_s)
                await page.wait_for_function(FINISHED, timeout=left(), polling=200)
                await _problems(page, stop, result)
            except Exception as exc:  # a page never drawn, or a crash, is an error this session saw
                result.errors.append(f"{stop.menu}: {type(exc).__name__}")
                await _problems(page, stop, result)
                result.seen.append(await _what_it_showed(page, stop, len(result.seen)))
                if navigation == "menu":  # the menu may be gone: carry on from the page's own link
                    await page.goto(f"{base}/{stop.url_path}?{stop.query}", timeout=give_up_s * 1000)
    except Exception as exc:
        result.errors.append(f"sessionen avbröts: {type(exc).__name__}")
    finally:
        await context.close()


async def _what_it_showed(page, stop: Stop, number: int) -> str:
    """For an error: the page's address, headings, whether a run was going on, and a screenshot."""
    try:
        state = await page.evaluate(SHOWN)
        shot = OUTPUT / f"fel-{os.getpid()}-{id(page)}-{number}.png"
        await page.screenshot(path=shot, timeout=10_000)
        return f"{stop.menu}: {state} ({shot.relative_to(ROOT)})"
    except Exception as exc:
        return f"{stop.menu}: sidan gick inte att läsa ({type(exc).__name__})"


async def _problems(page, stop: Stop, result: Result) -> None:
    for selector, what in PROBLEMS.items():
        if await page.locator(selector).count():
            result.errors.append(f"{stop.menu}: {what}")
    for text, what in PROBLEM_TEXTS.items():
        if await page.get_by_text(text).count():
            result.errors.append(f"{stop.menu}: {what}")


async def run_browsers(base: str, n: int, navigation: str, timeout_s: float, give_up_s: float | None = None) -> Result:
    from playwright.async_api import async_playwright

    results = [Result() for _ in range(n)]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(
                *(browser_session(browser, base, navigation, timeout_s, give_up_s or timeout_s, r) for r in results)
            )
        finally:
            await browser.close()
    return _merge(results)


# --- the protocol client -------------------------------------------------------------------------


def stream(port: int, give_up_s: float, cookie: str | None = None):
    """Streamlit's WebSocket, opened as a browser opens it (with nginx's cookie when there is one)."""
    import websockets

    return websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=give_up_s,
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"finsam_backend={cookie}"} if cookie else None,
    )


def rerun(url_path: str, query: str) -> bytes:
    """The message a browser sends to run a page with a query string."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = url_path
    return msg.SerializeToString()


async def protocol_session(
    port: int, timeout_s: float, give_up_s: float, result: Result, cookie: str | None = None
) -> None:
    """One browser's conversation with the server, without the browser: request each page, read until done.
    ``cookie`` is what a browser sends back to nginx after its first page (deploy/: one browser, one process)."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        async with stream(port, give_up_s, cookie) as ws:
            for stop in TOUR:
                start = time.perf_counter()
                drawn = None
                await ws.send(rerun(stop.url_path, stop.query))
                try:
                    async with asyncio.timeout(give_up_s):
                        while True:
                            fm = ForwardMsg()
                            fm.ParseFromString(await ws.recv())
                            kind = fm.WhichOneof("type")
                            if kind == "page_not_found":
                                result.errors.append(f"{stop.menu}: sidan hittades inte")
                            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                                element = fm.delta.new_element
                                el = element.WhichOneof("type")
                                if el == "exception":
                                    result.errors.append(f"{stop.menu}: undantag på sidan")
                                elif el == "alert" and element.alert.format == Alert.ERROR:
                                    result.errors.append(f"{stop.menu}: felmeddelande på sidan")
                                elif el in ("plotly_chart", "arrow_data_frame", "dataframe") and drawn is None:
                                    drawn = time.perf_counter() - start
                            elif kind == "script_finished":
                                if fm.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                                    break
                                if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                                    result.errors.append(f"{stop.menu}: sidan kunde inte köras")
                                    break
                except TimeoutError:
                    result.errors.append(f"{stop.menu}: TimeoutError")
                    return
                if drawn is None:
                    result.errors.append(f"{stop.menu}: inget diagram eller tabell")
                else:
                    result.add(stop, drawn, timeout_s)
    except Exception as exc:
        result.errors.append(f"sessionen avbröts: {type(exc).__name__}")


async def run_protocol(port: int, n: int, timeout_s: float, give_up_s: float | None = None) -> Result:
    """N protocol sessions at once; drawn after ``timeout_s`` is slow, not drawn by ``give_up_s`` an error."""
    import uuid

    results = [Result() for _ in range(n)]
    await asyncio.gather(
        *(protocol_session(port, timeout_s, give_up_s or timeout_s, r, uuid.uuid4().hex) for r in results)
    )
    return _merge(results)


# --- measuring and reporting ---------------------------------------------------------------------


def _merge(results: list[Result]) -> Result:
    out = Result()
    for r in results:
        out.times += r.times
        out.errors += r.errors
        out.slow += r.slow
        out.seen += r.seen
        for page, times in r.by_page.items():
            out.by_page.setdefault(page, []).extend(times)
    return out


def _own_cpu(pid: int) -> float | None:
    """A process's own CPU seconds so far (Linux /proc), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def descendants(root: int) -> set[int]:
    """``root`` and every process below it (the client's Playwright driver and Chromium)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = {root}, [root]
    while todo:
        pid = todo.pop()
        children = [c for c, p in parents.items() if p == pid and c not in found]
        found.update(children)
        todo += children
    return found


class CpuSampler:
    """CPU used by the server and by the client (this process and all below it) while a run lasts.

    Each process's own time is read every ``interval`` seconds and its last reading kept, so a
    browser process that ends (Chromium's renderers can end after their parent, out of reach of
    any parent's total) loses at most one interval of its time.
    """

    def __init__(self, server_pids: int | set[int], interval: float = 0.5) -> None:
        self.server_pids = {server_pids} if isinstance(server_pids, int) else set(server_pids)
        self.interval = interval
        self.start: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid in descendants(os.getpid()):
            cpu = _own_cpu(pid)
            if cpu is not None:
                self.last[pid] = cpu

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> CpuSampler:
        self._sample()  # the baseline: what every process had used before the run
        self.start = dict(self.last)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def used(self, server: bool) -> float:
        return sum(
            cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items() if (pid in self.server_pids) == server
        )


def quantile(sorted_values: list[float], q: float) -> float:
    return sorted_values[round(q * (len(sorted_values) - 1))] if sorted_values else float("nan")


def fmt(x: float, decimals: int = 1) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


HEADER = (
    f"{'sessioner':>9} {'sidor':>7} {'fel':>4} {'sena':>5} {'median s':>9} {'p95 s':>7} {'max s':>7} {'total s':>8} "
    f"{'server CPU s/sida':>18} {'klient CPU s/sida':>18}"
)


def report(n: int, result: Result, wall: float, server_cpu: float, client_cpu: float) -> None:
    times = sorted(result.times)
    pages = max(len(times), 1)
    print(
        f"{n:9} {len(times):3} av {n * len(TOUR):<3} {len(result.errors):2} {len(result.slow):5} "
        f"{fmt(statistics.median(times) if times else float('nan'), 2):>9} {fmt(quantile(times, 0.95), 2):>7} "
        f"{fmt(times[-1] if times else float('nan'), 2):>7} {fmt(wall):>8} "
        f"{fmt(server_cpu / pages, 3):>18} {fmt(client_cpu / pages, 3):>18}",
        flush=True,
    )
    per_page = " · ".join(
        f"{stop.menu} {fmt(statistics.median(result.by_page[stop.menu]), 2)}/{fmt(max(result.by_page[stop.menu]), 2)}"
        for stop in TOUR
        if result.by_page.get(stop.menu)
    )
    print(f"{'':9} per sida, median/max s: {per_page}", flush=True)
    for error in sorted(set(result.errors))[:8]:
        print(f"    fel ({result.errors.count(error)}×): {error}", flush=True)
    for menu in dict.fromkeys(result.slow):
        print(f"    sen ({result.slow.count(menu)}×, ritad efter tidsgränsen): {menu}", flush=True)
    for seen in result.seen[:8]:
        print(f"    sidan visade: {seen}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--client", choices=["browser", "protocol"], default="browser")
    parser.add_argument("--navigation", choices=["menu", "link"], default="menu")
    parser.add_argument("--isolation", choices=["priority", "cores", "none"], default="priority")
    parser.add_argument(
        "--servers",
        type=int,
        nargs="+",
        default=[0],
        help="Streamlit-processer bakom nginx (deploy/); 0 = en process utan nginx. Flera tal jämförs i samma körning",
    )
    parser.add_argument("--timeout", type=float, default=90, help="sekunder en sida får ta innan den räknas som sen")
    parser.add_argument(
        "--give-up", type=float, default=300, help="sekunder innan en sida som inte ritats räknas som fel"
    )
    args = parser.parse_args()

    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    server_cpus, nice = None, 0
    if args.isolation == "cores" and len(cores) >= 2:
        server_cpus = {cores[0]}
        os.sched_setaffinity(0, set(cores[1:]))  # Playwright's driver and Chromium inherit it
        where = f"servern på kärna {cores[0]}, klienterna på {cores[1:]}"
    elif args.isolation == "priority" and hasattr(os, "geteuid") and os.geteuid() == 0:
        nice = -10
        where = "servern före klienterna (nice -10), alla kärnor"
    else:
        where = "server och klienter delar alla kärnor"
    how = f"{args.client}" + (f", {args.navigation}" if args.client == "browser" else "")
    print(
        f"Klient: {how}; {where}; sen efter {fmt(args.timeout, 0)} s, fel efter {fmt(args.give_up, 0)} s per sida; "
        f"{len(TOUR)} sidor per session"
    )
    failed = False
    OUTPUT.mkdir(parents=True, exist_ok=True)
    medians: dict[int, tuple[float, float]] = {}
    for count in args.servers:
        if count:
            sys.path.insert(0, str(ROOT / "scripts"))
            from nginx_front import nginx_front

            front = nginx_front(count, cpus=server_cpus, nice=nice)
            print(f"\n{count} Streamlit-process{'er' if count > 1 else ''} bakom nginx (deploy/nginx.conf.template)")
        else:
            front = serve(cpus=server_cpus, nice=nice, log=OUTPUT / "server.log")
            print("\nEn Streamlit-process, direkt")
        print(HEADER)
        with front as server:
            servers = getattr(server, "servers", [server])
            pids = set().union(*(descendants(s.pid) for s in servers))
            port = server.port
            for n in args.sessions:
                start = time.perf_counter()
                with CpuSampler(pids) as cpu:
                    if args.client == "browser":
                        result = asyncio.run(run_browsers(server.url, n, args.navigation, args.timeout, args.give_up))
                    else:
                        result = asyncio.run(run_protocol(port, n, args.timeout, args.give_up))
                report(n, result, time.perf_counter() - start, cpu.used(server=True), cpu.used(server=False))
                failed |= bool(result.errors)
                times = sorted(result.times)
                if times:
                    medians[count] = (statistics.median(times), quantile(times, 0.95))
    counts = sorted(medians)
    for i, count in enumerate(counts):
        for base in counts[:i]:
            (median, p95), (b_med, b_p95) = medians[count], medians[base]
            print(
                f"{count} processer mot {base or 'en direkt'} ({args.sessions[-1]} sessioner): median {fmt(median, 2)} "
                f"mot {fmt(b_med, 2)} s ({fmt(median / b_med, 2)}×), p95 {fmt(p95, 2)} mot {fmt(b_p95, 2)} s "
                f"({fmt(p95 / b_p95, 2)}×)"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
