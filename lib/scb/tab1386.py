"""SCB's monthly helårsekvivalenter table (PxWebApi 2.0 id TAB1386): the query resolved from the table's own
metadata by its labels, fetched in batches with pxwebpy, only the months the cache lacks.

Facts the fetch relies on (SCB's documentation): variables Region (four-digit kommun codes and 00 Riket), Kon
(1, 2, 1+2), Aldersgrupp (20-64, 20-65), ContentsCode (codes read from the metadata at every fetch, never
hard-coded; their labels are matched with lib/scb/vocabulary.csv) and Tid (YYYYMmm, from 2014M01). A table whose
structure has changed is refused with a message naming the change, and the cache is left as it was.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from lib import geo
from lib.scb.hae import SCB_COLUMNS, TOTAL_SEX, ScbFormatError, _age_band, vocabulary

TABLE_ID = "TAB1386"
API_URL = "https://statistikdatabasen.scb.se/api/v2"  # PxWebApi 2.0 in production (pxwebpy's "scb")
VARIABLES = {
    "Region": "region",
    "Kon": "kön",
    "Aldersgrupp": "åldersgrupp",
    "ContentsCode": "tabellinnehåll",
    "Tid": "månad",
}
# Every content the dashboard uses must be in the table; an extra one is noted, not fetched.
NEEDED_METRICS = ("hae_totalt", "folkmangd")
_MONTH = re.compile(r"^(\d{4})M(\d{2})$")


class TableChanged(ScbFormatError):
    """SCB's table no longer has the structure the fetch relies on (message in Swedish, naming the change)."""


class ScbUnavailable(RuntimeError):
    """SCB could not be reached or refused (no network, a timeout, an error status); message in Swedish."""


def api_url() -> str:
    """SCB's PxWebApi 2.0, or FINSAM_SCB_API (a stand-in in tests, a proxy in a deployment)."""
    return os.environ.get("FINSAM_SCB_API") or API_URL


@dataclass(frozen=True)
class Query:
    """TAB1386's codes as its metadata gives them today."""

    regions: dict[str, str]  # code → name (kommuner and Riket)
    sex: str  # the code of both sexes together
    bands: dict[str, str]  # Aldersgrupp code → "20–64"
    contents: dict[str, str]  # ContentsCode → metric id
    content_labels: dict[str, str]  # ContentsCode → SCB's label
    months: list[str]  # every Tid code, oldest first
    labels: dict[str, str]  # variable code → its label (the key pxwebpy gives the rows)
    notes: tuple[str, ...] = ()


def resolve(variables: dict) -> Query:
    """The query from the table's variables (pxwebpy's get_table_variables), or TableChanged naming what changed."""
    missing = [code for code in VARIABLES if code not in variables]
    if missing:
        have = ", ".join(sorted(variables)) or "inga"
        raise TableChanged(f"tabell {TABLE_ID} saknar variabeln {', '.join(missing)} (tabellen har: {have})")

    def cats(code: str) -> dict[str, str]:
        return dict((variables[code].get("category") or {}).get("label") or {})

    kommuner = set(geo.kommuner()["kommun_kod"].to_list())
    regions = {}
    for code, label in cats("Region").items():
        if code == geo.RIKET_CODE:
            regions[code] = "Riket"
        elif code in kommuner:
            regions[code] = re.sub(r"^\d{4}\s+", "", label).strip()
    if geo.RIKET_CODE not in regions or len(regions) < 2:
        raise TableChanged(f"tabell {TABLE_ID}: Region har inte längre Riket (00) och kommunernas fyrsiffriga koder")
    sexes = cats("Kon")
    sex = next((c for c, lab in sexes.items() if c == "1+2" or lab.strip().lower() in TOTAL_SEX), None)
    if sex is None:
        raise TableChanged(f"tabell {TABLE_ID}: Kon har ingen kategori för båda könen (har: {', '.join(sexes)})")
    bands = {}
    for code, label in cats("Aldersgrupp").items():
        band = _age_band(label) or _age_band(f"{code} år")
        if band:
            bands[code] = band
    if not bands:
        raise TableChanged(f"tabell {TABLE_ID}: Aldersgrupp har ingen åldersgrupp som 20–64 år")
    vocab = vocabulary()
    contents, labels, unknown = {}, {}, []
    for code, label in cats("ContentsCode").items():
        text = label.strip()
        metric = next((m for p, m in vocab if p.search(text)), None)
        if metric is None:
            unknown.append(text)
        else:
            contents[code], labels[code] = metric, text
    if unknown:
        raise TableChanged(
            f"tabell {TABLE_ID}: tabellinnehållet {', '.join(repr(u) for u in unknown)} känns inte igen; lägg till "
            "ordalydelsen i lib/scb/vocabulary.csv om det är samma mått som förut"
        )
    twice = sorted({m for m in contents.values() if list(contents.values()).count(m) > 1})
    if twice:
        both = [labels[c] for c, m in contents.items() if m in twice]
        raise TableChanged(f"tabell {TABLE_ID}: flera tabellinnehåll betyder samma mått ({', '.join(both)})")
    lacking = [m for m in NEEDED_METRICS if m not in contents.values()]
    if lacking:
        raise TableChanged(f"tabell {TABLE_ID}: tabellinnehållet saknar {', '.join(lacking)}")
    months = sorted(c for c in cats("Tid") if _MONTH.match(c))
    if not months:
        raise TableChanged(f"tabell {TABLE_ID}: Tid har inga månader (ÅÅÅÅMmm)")
    return Query(
        regions=regions,
        sex=sex,
        bands=bands,
        contents=contents,
        content_labels=labels,
        months=months,
        labels={code: str(variables[code].get("label") or code) for code in VARIABLES},
    )


def _enforce_timeout(seconds: float) -> None:
    """pxwebpy 0.6.0 keeps its ``timeout`` but never passes it to requests, so a server that accepts and never
    answers would hold a refresh for ever: its session class gets one that sends with a timeout."""
    from pxweb._internal import client as px_client

    base = px_client.CachedSession
    if not getattr(base, "_finsam_timed", False):

        class TimedSession(base):
            _finsam_timed = True
            timeout_s = seconds

            def send(self, request, **kwargs):
                kwargs.setdefault("timeout", type(self).timeout_s)
                return super().send(request, **kwargs)

        px_client.CachedSession = TimedSession
    px_client.CachedSession.timeout_s = seconds


def same_as_before(query: Query, before: dict[str, str]) -> None:
    """The contents must be the ones the cached months were fetched with (code → label): new months under a
    changed definition would be joined to the old ones as one series. TableChanged names the change."""
    if not before:
        return
    now = query.content_labels
    changes = [
        f"{code} heter nu '{now[code]}' (förut '{label}')"
        for code, label in before.items()
        if code in now and now[code] != label
    ]
    changes += [f"{code} ('{label}') finns inte längre" for code, label in before.items() if code not in now]
    changes += [f"{code} ('{label}') är nytt" for code, label in now.items() if code not in before]
    if changes:
        raise TableChanged(
            f"tabell {TABLE_ID} har ändrats sedan de sparade månaderna hämtades: "
            + "; ".join(changes)
            + ". Cachen är oförändrad; kontrollera SCB:s definition och hämta om hela tabellen (flytta undan "
            "cachen) om den ska användas"
        )


def connect(url: str | None = None, timeout: int = 30) -> object:
    """pxwebpy's client for SCB (or the stand-in), sequential so that SCB's 30 calls per 10 s hold, with a
    timeout on every request."""
    from pxweb import PxApi

    _enforce_timeout(timeout)
    try:
        api = PxApi(url or api_url(), language="sv", timeout=timeout, disable_cache=True, max_workers=1)
    except Exception as exc:  # no network, DNS, a timeout, an error status: all mean "SCB did not answer"
        raise ScbUnavailable(_why(exc)) from exc
    return api


def _why(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "SCB svarade inte i tid (tidsgräns)"
    if "Connection" in name or "Resolve" in name or "NameResolution" in str(exc):
        return "SCB kunde inte nås (inget nätverk?)"
    first = str(exc).splitlines()[0][:120] if str(exc) else name
    return f"SCB svarade med ett fel ({first})"


def fetch_months(api, query: Query, months: list[str]) -> pl.DataFrame:
    """Every kommun and Riket, both sexes together, both age bands, every content, for ``months`` (pxwebpy splits
    the query below SCB's cell limit and waits out a 429). Rows in lib.scb.hae.SCB_COLUMNS."""
    if not months:
        return pl.DataFrame(schema=SCB_COLUMNS)
    value_codes = {
        "Region": list(query.regions),
        "Kon": [query.sex],
        "Aldersgrupp": list(query.bands),
        "ContentsCode": list(query.contents),
        "Tid": list(months),
    }
    try:
        rows = api.get_table_data(TABLE_ID, value_codes=value_codes, show="code")
    except Exception as exc:
        raise ScbUnavailable(_why(exc)) from exc
    key = query.labels
    out = []
    for r in rows:
        try:
            region, band, content, tid = (
                r[key["Region"]],
                r[key["Aldersgrupp"]],
                r[key["ContentsCode"]],
                r[key["Tid"]],
            )
        except KeyError as exc:
            raise TableChanged(f"tabell {TABLE_ID}: svaret saknar variabeln {exc.args[0]}") from None
        m = _MONTH.match(str(tid))
        if region not in query.regions or band not in query.bands or content not in query.contents or not m:
            raise TableChanged(
                f"tabell {TABLE_ID}: svaret har koder som metadata inte har ({region}, {content}, {tid})"
            )
        value = r.get("value")
        out.append(
            {
                "kommun_kod": region,
                "region": query.regions[region],
                "year": int(m.group(1)),
                "month": int(m.group(2)),
                "age_band": query.bands[band],
                "metric": query.contents[content],
                "value": None if value is None else float(value),
                "symbol": ".." if value is None else None,
                "label": query.content_labels[content],
            }
        )
    expected = len(query.regions) * len(query.bands) * len(query.contents) * len(months)
    if len(out) != expected:
        raise TableChanged(f"tabell {TABLE_ID}: svaret har {len(out)} värden, frågan {expected}")
    return pl.DataFrame(out, schema=SCB_COLUMNS)


def months_to_fetch(query: Query, have: set[tuple[int, int]]) -> list[str]:
    """The table's months the cache lacks (incremental: a refresh asks only for these)."""
    out = []
    for code in query.months:
        m = _MONTH.match(code)
        if (int(m.group(1)), int(m.group(2))) not in have:
            out.append(code)
    return out


def fetch(have: set[tuple[int, int]] = frozenset(), api_factory: Callable[[], object] | None = None):
    """(query, new monthly rows) for the months not in ``have``; raises ScbUnavailable or TableChanged."""
    api = (api_factory or connect)()
    try:
        variables = api.get_table_variables(TABLE_ID)
    except Exception as exc:
        raise ScbUnavailable(_why(exc)) from exc
    query = resolve(variables)
    return query, fetch_months(api, query, months_to_fetch(query, set(have)))
