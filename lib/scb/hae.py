"""Reading SCB's helårsekvivalenter tables (PC-Axis file, CSV rows, PxWebApi 2.0) into one long table."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lib import geo

HERE = Path(__file__).resolve().parent
SCB_COLUMNS = {
    "kommun_kod": pl.String,  # four digits; "00" for Riket
    "region": pl.String,  # SCB's name
    "year": pl.Int32,
    "month": pl.Int32,  # null for a yearly value
    "age_band": pl.String,  # "20–64", "20–65"
    "metric": pl.String,  # the domain's metric ids: hae_* , folkmangd, hae_andel
    "value": pl.Float64,  # null when SCB publishes no value
    "symbol": pl.String,  # SCB's sign for a missing value ("..", "."), else null
    "label": pl.String,  # SCB's printed content label
}
MISSING = {"..", ".", "...", "…", ""}  # SCB: ".." not available/too uncertain, "." cannot occur
TOTAL_SEX = ("totalt", "män och kvinnor", "kvinnor och män", "båda könen", "total", "1+2")


class ScbFormatError(ValueError):
    """The file or response is not a helårsekvivalenter table this reader understands (message in Swedish)."""


@dataclass(frozen=True)
class ScbTable:
    data: pl.DataFrame  # SCB_COLUMNS
    meta: dict  # table_id, title, source, via, retrieved, sha256, notes


@functools.cache
def vocabulary() -> tuple[tuple[re.Pattern, str], ...]:
    """Content label patterns → metric id (lib/scb/vocabulary.csv: a new wording is a row, not code)."""
    with open(HERE / "vocabulary.csv", encoding="utf-8", newline="") as f:
        return tuple((re.compile(r["pattern"], re.I), r["metric"]) for r in csv.DictReader(f))


def _strip_code(text: str) -> tuple[str | None, str]:
    """'2481 Lycksele' → ('2481', 'Lycksele'); 'Lycksele' → (None, 'Lycksele')."""
    m = re.match(r"^\s*(\d{2}|\d{4})\s+(.+)$", text)
    return (m.group(1), m.group(2).strip()) if m else (None, text.strip())


def _age_band(text: str) -> str | None:
    m = re.search(r"(\d{2})\s*[-–]\s*(\d{2})\s*år", text)
    return f"{m.group(1)}–{m.group(2)}" if m else None


def _region(code: str | None, name: str) -> tuple[str, str] | None:
    """(kommun_kod, name) for a kommun or Riket; None for a län or anything else (not used here)."""
    if code == geo.RIKET_CODE or name.lower() in ("riket", "sverige", "hela riket"):
        return geo.RIKET_CODE, "Riket"
    if code and len(code) == 4:
        return code, name
    if code is None:
        hit = geo.lookup(name)
        if hit:
            return hit
    return None


def _time(text: str) -> tuple[int, int | None]:
    t = text.strip()
    if re.fullmatch(r"\d{4}", t):
        return int(t), None
    m = re.fullmatch(r"(\d{4})M(\d{2})", t)
    if m:
        return int(m.group(1)), int(m.group(2))
    raise ScbFormatError(f"Tidsangivelsen ”{t[:20]}” känns inte igen (år som 2023 eller månad som 2023M06 väntas)")


def _role(variable: str) -> str:
    v = variable.strip().lower()
    if v in ("region", "kommun", "län"):
        return "region"
    if v in ("kön", "kon", "sex"):
        return "sex"
    if v in ("ålder", "alder", "age", "åldersgrupp"):
        return "age"
    if v in ("tabellinnehåll", "contentscode", "contents", "innehåll", "tabellinnehall"):
        return "content"
    if v in ("år", "tid", "månad", "year", "month", "period"):
        return "time"
    return "other"


def normalise(rows: Iterable[dict], *, title: str = "", value_key: str = "value") -> tuple[pl.DataFrame, list[str]]:
    """Rows of {variable: category, value_key: number or SCB symbol} → SCB_COLUMNS, and notes on what was
    left out. Raises ScbFormatError with a Swedish message when the rows are not an HÅE table."""
    vocab = vocabulary()
    out, notes = [], []
    unknown_contents, skipped_regions, other_sex = set(), set(), False
    for row in rows:
        roles: dict[str, str] = {}
        for var, cat in row.items():
            if var == value_key:
                continue
            role = _role(var)
            if role == "other":
                raise ScbFormatError(
                    f"Variabeln ”{str(var)[:40]}” känns inte igen: tabellen ska ha region, tabellinnehåll och år "
                    "(kön och ålder får finnas)"
                )
            roles[role] = str(cat)
        for needed in ("region", "content", "time"):
            if needed not in roles:
                label = {"region": "region", "content": "tabellinnehåll", "time": "år"}[needed]
                raise ScbFormatError(f"Tabellen saknar variabeln {label}")
        if "sex" in roles and not any(t in roles["sex"].lower() for t in TOTAL_SEX):
            other_sex = True
            continue
        content = re.sub(r"^\S*\d\S*\s+", "", roles["content"].strip())  # "000004X6 Summa …" → "Summa …"
        metric = next((m for p, m in vocab if p.search(content)), None)
        if metric is None:
            unknown_contents.add(content)
            continue
        code, name = _strip_code(roles["region"])
        region = _region(code, name)
        if region is None:
            skipped_regions.add(roles["region"])
            continue
        band = _age_band(roles.get("age", "")) or _age_band(content) or _age_band(title)
        year, month = _time(roles["time"])
        raw = row.get(value_key)
        value, symbol = _value(raw)
        out.append(
            {
                "kommun_kod": region[0],
                "region": region[1],
                "year": year,
                "month": month,
                "age_band": band,
                "metric": metric,
                "value": value,
                "symbol": symbol,
                "label": content,
            }
        )
    if not out:
        raise ScbFormatError("Tabellen innehåller inga helårsekvivalenter per kommun eller för riket")
    # "Summa helårsekvivalenter" beside "Folkmängd 20-64 år": a row without its own age band takes the table's,
    # when the table has exactly one.
    bands = {r["age_band"] for r in out if r["age_band"]}
    if any(r["age_band"] is None for r in out):
        if len(bands) != 1:
            raise ScbFormatError("Åldersgruppen framgår inte (varken av ålder, tabellinnehåll eller titel)")
        band = bands.pop()
        for r in out:
            r["age_band"] = r["age_band"] or band
    if unknown_contents:
        notes.append("Tabellinnehåll som inte används: " + ", ".join(sorted(unknown_contents)[:8]))
    if skipped_regions:
        notes.append(f"{len(skipped_regions)} regioner som varken är kommun eller riket (t.ex. län) används inte")
    if other_sex:
        notes.append("Endast totalen för båda könen används")
    df = pl.DataFrame(out, schema=SCB_COLUMNS)
    dup = df.group_by("kommun_kod", "year", "month", "age_band", "metric").len().filter(pl.col("len") > 1)
    if dup.height:
        r = dup.row(0, named=True)
        raise ScbFormatError(
            f"Två värden för samma kommun, period och mått ({r['kommun_kod']}, {r['year']}, {r['metric']}): "
            "välj en enda rad per kommun i SCB:s tabell"
        )
    return df.sort("kommun_kod", "age_band", "year", "month", "metric", nulls_last=False), notes


def _value(raw) -> tuple[float | None, str | None]:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, ".."
    if isinstance(raw, int | float):
        return float(raw), None
    text = str(raw).strip().strip('"').replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if text in MISSING:
        return None, text or ".."
    if text in ("-", "–", "\u2212"):  # SCB: "inget finns att redovisa", i.e. zero
        return 0.0, "-"
    try:
        return float(text), None
    except ValueError:
        raise ScbFormatError(f"Värdet ”{text[:20]}” är inget tal") from None


def _meta(table_id: str, title: str, via: str, source: str, sha: str | None, notes: list[str], retrieved: str) -> dict:
    return {
        "table_id": table_id,
        "title": title,
        "via": via,
        "source": source,
        "retrieved": retrieved,
        "sha256": sha,
        "notes": notes,
    }


def _encoding(raw: bytes) -> str:
    head = raw[:2000].decode("ascii", errors="replace")
    m = re.search(r'CODEPAGE\s*=\s*"([^"]+)"', head)
    if m:
        return m.group(1)
    return "utf-8" if re.search(r'CHARSET\s*=\s*"?utf', head, re.I) else "windows-1252"


def read_px(path: Path, retrieved: str | None = None) -> ScbTable:
    """A PC-Axis file saved from SCB's statistical database (read with pyaxis)."""
    from pyaxis import pyaxis

    raw = Path(path).read_bytes()
    if b"DATA=" not in raw:
        raise ScbFormatError("Filen är ingen PC-Axis-fil (DATA= saknas)")
    try:
        parsed = pyaxis.parse(str(path), encoding=_encoding(raw))
    except Exception as exc:  # pyaxis raises many kinds on broken files
        raise ScbFormatError(f"PC-Axis-filen kunde inte läsas ({type(exc).__name__})") from None
    meta, frame = parsed["METADATA"], parsed["DATA"]
    title = (meta.get("TITLE") or [""])[0]
    codes = {k[6:-1]: v for k, v in meta.items() if k.startswith("CODES(")}
    values = {k[7:-1]: v for k, v in meta.items() if k.startswith("VALUES(")}
    # Put SCB's region codes in front of the names ("2481 Lycksele"), so a name never has to be guessed.
    region_codes = dict(zip(values.get("region", []), codes.get("region", []), strict=False))
    rows = []
    for rec in frame.to_dict("records"):
        rec = {k: (v if k == "DATA" else str(v)) for k, v in rec.items()}
        if "region" in rec and rec["region"] in region_codes:
            rec["region"] = f"{region_codes[rec['region']]} {rec['region']}"
        rows.append(rec)
    data, notes = normalise(rows, title=title, value_key="DATA")
    table_id = (meta.get("MATRIX") or ["?"])[0]
    source = f"SCB, Statistikdatabasen, tabell {table_id} (fil {Path(path).name})"
    return ScbTable(
        data,
        _meta(
            table_id,
            title,
            "PC-Axis-fil",
            source,
            hashlib.sha256(raw).hexdigest(),
            notes,
            retrieved or _file_date(path),
        ),
    )


def read_csv(path: Path, table_id: str = "", retrieved: str | None = None) -> ScbTable:
    """Rows with one column per variable and a last column of values (SCB's CSV export in long form, or the
    rows pxwebpy returns, saved). Comma, semicolon or tab separated; UTF-8 or windows-1252."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("windows-1252")
    try:
        dialect = csv.Sniffer().sniff(text[:4000], delimiters=",;\t")
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        fields = reader.fieldnames or []
        if len(fields) < 4:
            raise ScbFormatError("CSV-filen ska ha en kolumn per variabel och en sista kolumn med värden")
        value_key = fields[-1]
        rows = [{k: v for k, v in r.items() if k is not None} for r in reader]
    except csv.Error:
        raise ScbFormatError("CSV-filen kunde inte läsas") from None
    data, notes = normalise(rows, value_key=value_key)
    source = f"SCB, Statistikdatabasen{', tabell ' + table_id if table_id else ''} (fil {Path(path).name})"
    return ScbTable(
        data,
        _meta(
            table_id or "?",
            "",
            "CSV-fil",
            source,
            hashlib.sha256(raw).hexdigest(),
            notes,
            retrieved or _file_date(path),
        ),
    )


def fetch(table_id: str, value_codes: dict | None = None, api_factory: Callable | None = None) -> ScbTable:
    """From SCB's PxWebApi 2.0 with pxwebpy (needs internet). ``value_codes`` selects variables by their codes;
    by default every value of every variable (the reader keeps kommuner, Riket and the total of both sexes)."""
    if api_factory is None:
        from pxweb import PxApi

        api_factory = lambda: PxApi("scb", language="sv")
    api = api_factory()
    if value_codes is None:
        variables = api.get_table_variables(table_id)
        value_codes = {code: "*" for code in variables}
    rows = api.get_table_data(table_id, value_codes=value_codes, show="code_value")
    try:
        title = str((api.get_table_metadata(table_id) or {}).get("label") or "")
    except Exception:  # the title only helps to find the age band; the rows are what matter
        title = ""
    data, notes = normalise(rows, title=title)
    meta = _meta(
        table_id,
        title,
        "PxWebApi 2.0",
        f"SCB, PxWebApi 2.0, tabell {table_id}",
        None,
        notes,
        dt.date.today().isoformat(),
    )
    return ScbTable(data, meta)


def _file_date(path: Path) -> str:
    return dt.date.fromtimestamp(Path(path).stat().st_mtime).isoformat()


def read_file(path: Path, table_id: str = "") -> ScbTable:
    """By the file's content: PC-Axis (DATA=) or CSV."""
    raw = Path(path).read_bytes()
    if b"DATA=" in raw or raw[:4000].lstrip().startswith((b"CHARSET", b"AXIS")):
        return read_px(path)
    return read_csv(path, table_id)
