"""A stand-in for SCB's PxWebApi 2.0 serving table TAB1386 (tests only): /config, /tables, the table's metadata
and its data as json-stat2, in the documented shapes, so that the real pxwebpy path runs against it.

The figures are made up by formula (``value``) for the curated förbund's kommuner and Riket, monthly from
2019M01. Switches: ``max_cells`` (forces batching), ``busy`` (answers the next data call with 429), ``delay``
(answers slower than a client's timeout), ``changed`` (a content label SCB no longer uses, or a variable
dropped), ``months`` (what the table has; append to simulate SCB publishing a new month). ``asked`` records the
months each data call asked for.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

KOMMUNER = {
    **{"2418": "Malå", "2421": "Storuman", "2422": "Sorsele", "2425": "Dorotea", "2462": "Vilhelmina"},
    **{"2463": "Åsele", "2481": "Lycksele", "2283": "Sollefteå", "1860": "Laxå", "1861": "Hallsberg"},
    **{"1881": "Kumla", "1882": "Askersund", "2303": "Ragunda", "2305": "Bräcke", "2309": "Krokom"},
    **{"2313": "Strömsund", "2321": "Åre", "2326": "Berg", "2361": "Härjedalen", "2380": "Östersund"},
}
# SCB's labels (its own spelling "ersersättning" included); the codes are the stand-in's own: the fetch reads
# them from the metadata.
CONTENTS = {
    "HE0112A1": "Sjukpenning",
    "HE0112A2": "Sjuk- och aktivitetsersersättning",
    "HE0112A3": "Arbetslöshetsersättning",
    "HE0112A4": "Arbetsmarknadsåtgärder",
    "HE0112A5": "Ekonomiskt bistånd",
    "HE0112A6": "Etableringsersättning",
    "HE0112A7": "Summa helårsekvivalenter",
    "HE0112A8": "Folkmängd",
    "HE0112A9": "Andel av befolkningen",
}
SHARES = (0.30, 0.25, 0.15, 0.15, 0.10, 0.05)  # of the total, for the six kinds of benefit
BANDS = {"20-64": "20–64 år", "20-65": "20–65 år"}


def all_months(first: int = 2019, last: tuple[int, int] = (2024, 6)) -> list[str]:
    out = []
    for y in range(first, last[0] + 1):
        for m in range(1, 13):
            if (y, m) <= last:
                out.append(f"{y}M{m:02d}")
    return out


def total(region: str, band: str, year: int, month: int) -> float:
    """Summa helårsekvivalenter: about a tenth of the population, +10 a year, +month (Riket 600 000 + the same)."""
    base = 600_000.0 if region == "00" else 100.0 * (int(region) % 13) + 420.0
    return base + 10 * (year - 2019) + month + (5.0 if band == "20-65" else 0.0)


def population(region: str, band: str, year: int, month: int) -> float:
    base = 5_800_000.0 if region == "00" else 1000.0 * (int(region) % 13) + 4000.0
    return base + (year - 2019) * 12 + month + (60.0 if band == "20-65" else 0.0)


def value(region: str, band: str, content: str, tid: str) -> float | None:
    year, month = int(tid[:4]), int(tid[5:])
    t = total(region, band, year, month)
    label = CONTENTS[content]
    if label.startswith("Summa"):
        return t
    if label.startswith("Folkmängd"):
        return population(region, band, year, month)
    if label.startswith("Andel"):
        return round(100 * t / population(region, band, year, month), 1)
    return round(t * SHARES[list(CONTENTS).index(content)], 1)


class StandIn:
    def __init__(self):
        self.months = all_months()
        self.max_cells = 150_000
        self.busy = 0  # data calls still to answer with 429
        self.delay = 0.0
        self.changed = ""  # "label" or "variable"
        self.asked: list[list[str]] = []
        self.calls = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v2"

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what SCB answers ------------------------------------------------------------------------

    def dimensions(self, selection: dict[str, list[str]] | None = None) -> dict:
        contents = dict(CONTENTS)
        if self.changed == "label":
            contents["HE0112A7"] = "Summa försörjda helårsekvivalenter (ny definition)"
        if self.changed == "unknown":
            contents["HE0112B1"] = "Bostadsbidrag"
        variables = {
            "Region": ("region", {"00": "Riket", **{k: f"{k} {n}" for k, n in KOMMUNER.items()}}),
            "Kon": ("kön", {"1": "män", "2": "kvinnor", "1+2": "totalt"}),
            "Aldersgrupp": ("åldersgrupp", dict(BANDS)),
            "ContentsCode": ("tabellinnehåll", contents),
            "Tid": ("månad", {m: m for m in self.months}),
        }
        if self.changed == "variable":
            del variables["Aldersgrupp"]
        out = {}
        for code, (label, cats) in variables.items():
            chosen = [c for c in cats if selection is None or c in selection.get(code, cats)]
            out[code] = {
                "label": label,
                "category": {"index": {c: i for i, c in enumerate(chosen)}, "label": {c: cats[c] for c in chosen}},
                "extension": {"elimination": code in ("Kon", "Aldersgrupp"), "codeLists": []},
            }
        return out

    def metadata(self) -> dict:
        dims = self.dimensions()
        return {
            "version": "2.0",
            "class": "dataset",
            "label": "Helårsekvivalenter som försörjs med sociala ersättningar och bidrag efter region, kön, "
            "åldersgrupp, tabellinnehåll och månad",
            "source": "SCB",
            "updated": "2024-08-15T06:00:00Z",
            "id": list(dims),
            "size": [len(d["category"]["index"]) for d in dims.values()],
            "dimension": dims,
            "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
            "extension": {"px": {"tableid": "TAB1386"}},
        }

    def data(self, query: dict) -> dict:
        selection = {s["variableCode"]: list(s["valueCodes"]) for s in query.get("selection", [])}
        dims = self.dimensions(selection)
        order = list(dims)
        values = []
        codes = [list(dims[d]["category"]["index"]) for d in order]
        for combo in itertools.product(*codes):
            cell = dict(zip(order, combo, strict=True))
            values.append(value(cell["Region"], cell.get("Aldersgrupp", "20-64"), cell["ContentsCode"], cell["Tid"]))
        return {
            "version": "2.0",
            "class": "dataset",
            "label": self.metadata()["label"],
            "id": order,
            "size": [len(c) for c in codes],
            "dimension": dims,
            "value": values,
        }

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: dict, headers: dict | None = None) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                path = urlparse(self.path).path.removeprefix("/api/v2")
                if path == "/config":
                    return self._send(
                        200,
                        {
                            "apiVersion": "2.0.0",
                            "defaultLanguage": "sv",
                            "languages": [{"id": "sv", "label": "Svenska"}],
                            "maxDataCells": standin.max_cells,
                            "maxCallsPerTimeWindow": 30,
                            "timeWindow": 10,
                        },
                    )
                if path == "/tables":
                    return self._send(200, {"page": {"totalElements": 1}, "tables": [{"id": "TAB1386"}]})
                if path == "/tables/TAB1386/metadata":
                    return self._send(200, standin.metadata())
                return self._send(404, {"title": "Not found", "status": 404})

            def do_POST(self):
                path = urlparse(self.path).path.removeprefix("/api/v2")
                length = int(self.headers.get("Content-Length") or 0)
                query = json.loads(self.rfile.read(length) or b"{}")
                if path != "/tables/TAB1386/data":
                    return self._send(404, {"title": "Not found", "status": 404})
                standin.calls += 1
                if standin.delay:
                    time.sleep(standin.delay)
                if standin.busy:
                    standin.busy -= 1
                    return self._send(429, {"title": "Too many requests", "status": 429}, {"Retry-After": "0"})
                selection = {s["variableCode"]: s["valueCodes"] for s in query.get("selection", [])}
                cells = 1
                for v in selection.values():
                    cells *= len(v)
                if cells > standin.max_cells:
                    return self._send(403, {"title": "Too many cells", "status": 403})
                standin.asked.append(list(selection.get("Tid", [])))
                return self._send(200, standin.data(query))

        return Handler
