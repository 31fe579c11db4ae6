"""Running one step of reading a report (a PDF's text, the proposals) in a child process under limits.

The child (``python -m lib.ingest.worker STEP MEMORY_MB CPU_S``) gets its input on stdin as JSON or
bytes and answers in JSON; here it is started, given a wall-clock limit, stopped when the caller says the
work is no longer wanted (the editor left the page or chose another file), and whatever went wrong
becomes an ``IngestError`` that names the limit that was reached — never a guess at the file's intent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SIGXCPU, SIGKILL = 24, 9  # the kernel's answer to the CPU limit: first XCPU, then KILL at the hard limit


class IngestError(ValueError):
    """A report that cannot be read, with the reason in Swedish for the editor."""


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1024
    cpu_s: int = 60
    wall_s: float = 90.0


REPORT_LIMITS = Limits()  # for every step of reading one report: its text and its proposals


def run(
    step: str, payload: bytes, limits: Limits, cancelled: Callable[[], bool] | None = None, what: str = "Läsningen"
) -> dict:
    """The child's JSON answer for ``step``; IngestError naming the limit reached, or that it was cancelled."""
    cmd = [sys.executable, "-m", "lib.ingest.worker", step, str(limits.memory_mb), str(limits.cpu_s)]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    start = time.monotonic()
    try:
        out, _err = _communicate(proc, payload, limits, cancelled, start, what)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    code = proc.returncode
    if code == 0:
        try:
            got = json.loads(out)
        except ValueError as exc:
            raise IngestError(f"{what} gav inget svar och avbröts.") from exc
        if got.get("memory"):
            raise IngestError(memory_message(limits, what))
        if "error" in got:
            raise IngestError(got["error"])
        return got
    if code in (-SIGXCPU, -SIGKILL, 128 + SIGXCPU, 128 + SIGKILL):
        raise IngestError(
            f"{what} krävde mer än {limits.cpu_s} s processortid, gränsen för en rapport, och avbröts. "
            "En rapport med så mycket text behöver delas upp."
        )
    if code < 0:  # aborted or crashed inside a library: most often memory running out under the limit
        raise IngestError(memory_message(limits, what))
    raise IngestError(f"{what} avbröts (felkod {code}).")


def memory_message(limits: Limits, what: str = "Läsningen") -> str:
    return (
        f"{what} krävde mer än {limits.memory_mb} MB minne, gränsen för en rapport, och avbröts. "
        "En trasig PDF kan göra så; prova att spara den på nytt eller ladda upp texten."
    )


def _communicate(proc, payload, limits, cancelled, start, what):
    """Feed the child and wait for it, checking every quarter second whether it is still wanted."""
    try:
        return proc.communicate(payload, timeout=0.25)
    except subprocess.TimeoutExpired:
        pass
    while True:
        if cancelled is not None and cancelled():
            raise IngestError(f"{what} avbröts: sidan laddades om eller en annan fil valdes.")
        if time.monotonic() - start > limits.wall_s:
            raise IngestError(f"{what} tog mer än {limits.wall_s:.0f} s, gränsen för en rapport, och avbröts.")
        try:
            return proc.communicate(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue


def propose_isolated(
    lines: list,
    forbund: str,
    year: int | None,
    document: str,
    doc_type: str | None,
    members: list[tuple[str, str]],
    cancelled: Callable[[], bool] | None = None,
    limits: Limits = REPORT_LIMITS,
):
    """``lib.ingest.propose.propose`` in a child process under ``limits``: a report whose text takes too long
    or too much memory to read ends with a message naming the limit, and the server is not held up."""
    from lib.ingest.propose import result_from

    job = {
        "lines": [[ln.no, ln.page, ln.text] for ln in lines],
        "forbund": forbund,
        "year": year,
        "document": document,
        "doc_type": doc_type,
        "members": [list(m) for m in members],
    }
    answer = run("propose", json.dumps(job, ensure_ascii=False).encode(), limits, cancelled, "Förslaget")
    return result_from(answer, forbund, document)
