"""Keeping SCB's monthly HÅE (TAB1386) fresh without an operator: a refresh that asks only for the months the
cache lacks, a year at a time, under a lock in the SCB folder (one process at a time across replicas that
share it), with a deadline, and a status file that says when data was fetched or why not."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lib.scb import cache, tab1386
from lib.scb.hae import ScbFormatError, _meta

MAX_AGE_DAYS = 30  # older than this (or missing) and a server refreshes at start
RETRY_AFTER_S = 3600  # after a failed attempt, the next start waits this long before asking SCB again
DEADLINE_S = 600  # a background refresh stops after this long (what it fetched so far is kept)
MONTHS_PER_CALL = 12  # one year of every kommun, both age bands, every content: ~63 000 cells (< 150 000)
_started: set[str] = set()  # the folders this process has started a refresh for
_lock = threading.Lock()


def status_path(directory: Path | None = None) -> Path:
    return (directory or cache.scb_dir()) / "hae-status.json"


def status(directory: Path | None = None) -> dict:
    """{"state": "hämtar" | "klar" | "fel", "at": ISO time, "message": Swedish} or {} before any attempt."""
    try:
        return json.loads(status_path(directory).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_status(directory: Path, state: str, message: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    body = {"state": state, "at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "message": message}
    cache._atomic_write(
        status_path(directory), lambda p: p.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    )


def monthly_entry(data: cache.ScbData) -> dict | None:
    return next((t for t in data.tables if t["table_id"] == tab1386.TABLE_ID), None)


def due(directory: Path | None = None, today: dt.date | None = None) -> bool:
    """The monthly table is missing or older than MAX_AGE_DAYS, and no attempt failed within RETRY_AFTER_S."""
    d = directory or cache.scb_dir()
    today = today or dt.date.today()
    entry = monthly_entry(cache.load(d))
    if entry is not None:
        try:
            if (today - dt.date.fromisoformat(entry["retrieved"][:10])).days <= MAX_AGE_DAYS:
                return False
        except ValueError:
            pass
    last = status(d)
    if last.get("state") == "fel":
        try:
            at = dt.datetime.fromisoformat(last["at"].replace("Z", "+00:00"))
            if (dt.datetime.now(dt.UTC) - at).total_seconds() < RETRY_AFTER_S:
                return False
        except (KeyError, ValueError):
            pass
    return True


@contextlib.contextmanager
def _folder_lock(directory: Path):
    """An exclusive lock on DIR/.hae.lock, or None when another process holds it (never waits)."""
    import fcntl

    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".hae.lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield None
            return
        try:
            yield f
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def refresh(
    directory: Path | None = None,
    api_factory: Callable[[], object] | None = None,
    deadline_s: float = DEADLINE_S,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Fetch the months the cache lacks and merge them in, a year at a time; what happened, in Swedish. Raises
    tab1386.ScbUnavailable or tab1386.TableChanged (the cache then holds what it held, plus whole years already
    fetched), and RuntimeError when another process is refreshing."""
    d = directory or cache.scb_dir()
    with _folder_lock(d) as held:
        if held is None:
            raise RuntimeError("en annan process hämtar redan från SCB")
        _write_status(d, "hämtar", f"hämtar tabell {tab1386.TABLE_ID} från SCB")
        try:
            message = _refresh(d, api_factory, deadline_s, progress)
        except (tab1386.ScbUnavailable, ScbFormatError, OSError, ValueError) as exc:
            _write_status(d, "fel", str(exc))
            raise
        _write_status(d, "klar", message)
        return message


def _refresh(d: Path, api_factory, deadline_s: float, progress) -> str:
    start = time.monotonic()
    api = (api_factory or tab1386.connect)()
    try:
        variables = api.get_table_variables(tab1386.TABLE_ID)
        title = str((api.get_table_metadata(tab1386.TABLE_ID) or {}).get("label") or "")
    except Exception as exc:
        raise tab1386.ScbUnavailable(tab1386._why(exc)) from exc
    query = tab1386.resolve(variables)
    current = cache.load(d)
    tab1386.same_as_before(query, (monthly_entry(current) or {}).get("content_labels") or {})
    wanted = tab1386.months_to_fetch(query, cache.months_of(current, tab1386.TABLE_ID))
    today = dt.date.today().isoformat()
    source = f"SCB, Statistikdatabasen (PxWebApi 2.0), tabell {tab1386.TABLE_ID}"
    meta = {
        **_meta(tab1386.TABLE_ID, title, "PxWebApi 2.0", source, None, [], today),
        "content_labels": query.content_labels,
    }
    fetched = 0
    for i in range(0, len(wanted), MONTHS_PER_CALL):
        if time.monotonic() - start > deadline_s:
            return f"{fetched} nya månader hämtade; tidsgränsen nåddes, resten hämtas nästa gång"
        chunk = wanted[i : i + MONTHS_PER_CALL]
        rows = tab1386.fetch_months(api, query, chunk)
        cache.add_months(rows, meta, d)
        fetched += len(chunk)
        if progress:
            progress(f"{fetched} av {len(wanted)} månader")
    if not wanted:  # nothing new: the cache is as fresh as SCB's table, say when that was checked
        current = cache.load(d)
        entry = monthly_entry(current)
        if entry is not None:
            empty = current.data.head(0).drop("table_id")
            cache.add_months(empty, {**entry, "retrieved": today}, d)
        return f"inga nya månader hos SCB (senaste {query.months[-1]})"
    return f"{fetched} nya månader hämtade ({wanted[0]}–{wanted[-1]})"


def start_background(directory: Path | None = None, force: bool = False, api_factory=None) -> bool:
    """Start a refresh in a daemon thread when it is due (or ``force``): never blocks a page, once per process
    and folder at a time; True when one was started. FINSAM_SCB_REFRESH=off turns the automatic one off."""
    d = directory or cache.scb_dir()
    if not force and os.environ.get("FINSAM_SCB_REFRESH", "").lower() in ("off", "0", "nej", "false"):
        return False
    with _lock:
        if str(d) in _started:
            return False
        if not force and not due(d):
            return False
        _started.add(str(d))

    def run() -> None:
        try:
            refresh(d, api_factory)
        except Exception:  # the status file says why; a page shows it
            pass
        finally:
            with _lock:
                _started.discard(str(d))

    threading.Thread(target=run, name="scb-refresh", daemon=True).start()
    return True


def source_line(directory: Path | None = None) -> str:
    """ "SCB-data hämtade 2026-12-07 (tabell TAB1386, månader 2014M01–2026M10)", or why there are none (one
    sentence without its closing period: the page adds it)."""
    d = directory or cache.scb_dir()
    entry = monthly_entry(cache.load(d))
    last = status(d)
    if entry is not None:
        months = f", månader {entry.get('first_month')}–{entry.get('last_month')}" if entry.get("last_month") else ""
        line = f"SCB-data hämtade {entry['retrieved']} (tabell {tab1386.TABLE_ID}{months})"
        if last.get("state") == "fel":
            line += f"; senaste försöket att uppdatera misslyckades: {last.get('message')}"
        return line
    if last.get("state") == "hämtar":
        return f"SCB-data hämtas just nu (tabell {tab1386.TABLE_ID} från {tab1386.api_url()})"
    if last.get("state") == "fel":
        return (
            f"Inga SCB-data från tabell {tab1386.TABLE_ID}: {last.get('message')}. De hämtas från "
            f"{tab1386.api_url()} när servern når SCB"
        )
    return f"Inga SCB-data från tabell {tab1386.TABLE_ID} ännu; de hämtas från {tab1386.api_url()}"
