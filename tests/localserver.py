"""A Streamlit server of this app on loopback, for the browser tests and the load and benchmark scripts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian's Chromium as root in a closed network: no sandbox, and none of its background fetches.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class ServerDidNotStart(RuntimeError):
    pass


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float, what: str) -> None:
    """Until ``url``'s Streamlit health check answers (through a proxy too); ServerDidNotStart if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            if proc.poll() is not None:
                raise ServerDidNotStart(f"{what} avslutades direkt (kod {proc.returncode})") from None
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"{what} startade inte inom {timeout:.0f} s") from None
            time.sleep(0.3)


@contextmanager
def serve(
    cpus: set[int] | None = None,
    options: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    timeout: float = 60,
    log: Path | None = None,
    nice: int = 0,
) -> Iterator[Server]:
    """Start ``streamlit run app.py`` on a free loopback port, wait until healthy, stop it afterwards.

    ``cpus`` pins the server (and every thread it starts) to those cores, so that a load test's own
    browsers on the other cores cannot take the server's CPU: the nearest one machine gets to
    clients on other machines. ``options`` are further ``--name value`` Streamlit options; ``log``
    keeps what the server prints (otherwise it is discarded). A negative ``nice`` runs the server ahead
    of every normal process (root only), so clients on the same cores cannot take its CPU either.
    """
    port = free_port()
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed after the server stops)

    def before_exec() -> None:
        if cpus:
            os.sched_setaffinity(0, cpus)
        if nice:
            os.nice(nice)

    proc = subprocess.Popen(
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
            *options,
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
        # set before the interpreter starts, so every thread it makes inherits cores and priority
        preexec_fn=before_exec if cpus or nice else None,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, timeout, "Streamlit")
        yield Server(url, port, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
