"""N concurrent browser sessions, each opening every page; errors and time to first chart.

    python scripts/load_test.py [--sessions 1 10 25]

Starts its own Streamlit server on 127.0.0.1 (a free port), drives Debian's Chromium with Playwright
(one browser, one context per session) and stops everything when done. Only loopback is contacted.
Exits non-zero when any session saw an error.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/eget_kapital",
    "/kostnader",
    "/deltagare",
    "/hae?forbund=sodra-lappland",
    "/profil?forbund=sydnarke",
    "/kallor",
]
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
READY = "[data-testid='stPlotlyChart'] .main-svg, [data-testid='stDataFrame']"
TIMEOUT_MS = 90_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def session(browser, base: str, errors: list[str], times: list[float]) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        for path in PAGES:
            start = time.perf_counter()
            try:
                await page.goto(base + path, timeout=TIMEOUT_MS)
                await page.wait_for_selector(READY, timeout=TIMEOUT_MS)
                times.append(time.perf_counter() - start)
                if await page.locator("[data-testid='stException']").count():
                    errors.append(f"{path}: undantag på sidan")
                if await page.get_by_text("Page not found").count():
                    errors.append(f"{path}: sidan hittades inte")
            except Exception as exc:  # a timeout or a crash is an error the session saw
                errors.append(f"{path}: {type(exc).__name__}")
    finally:
        await context.close()


async def run_all(base: str, counts: list[int]) -> list[tuple[int, list[str], list[float], float]]:
    """Every session count in one Playwright instance (starting it twice in one process hangs)."""
    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as pw:
        for n in counts:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            errors: list[str] = []
            times: list[float] = []
            start = time.perf_counter()
            await asyncio.gather(*(session(browser, base, errors, times) for _ in range(n)))
            results.append((n, errors, times, time.perf_counter() - start))
            report(*results[-1])
            await browser.close()
    return results


def report(n: int, errors: list[str], times: list[float], wall: float) -> None:
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
    med = statistics.median(times) if times else float("nan")
    print(f"{n:9} {len(times):6} {len(errors):4} {med:9.2f} {p95:7.2f} {wall:8.1f}", flush=True)
    for e in errors[:5]:
        print(f"    fel: {e}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    failed = False
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        print(f"{'sessioner':>9} {'sidor':>6} {'fel':>4} {'median s':>9} {'p95 s':>7} {'total s':>8}")
        failed = any(errors for _n, errors, _t, _w in asyncio.run(run_all(base, args.sessions)))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
