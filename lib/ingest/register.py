"""Registering a förbund from its report: suggestions (name, slug, org.nr, members) and the checked registry rows.

Suggestions are read from the report's own words and always shown to the editor to confirm; the
rows built here carry the report line each value was found on, like the curated registry does.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lib.ingest.reading import Line
from lib.numbers import normalise
from lib.schema import MEMBER_KINDS

DEFAULT_CEILING = 20.0
DEFAULT_CEILING_LABEL = "20 % av årets medlemsbidrag: Nationella rådets rekommendation (standardvärde)"
STATE_MEMBERS = ("Försäkringskassan", "Arbetsförmedlingen")
_NAME = re.compile(
    r"\b(Samordningsförbundet|Finsamförbundet)\s+(i\s+)?((?:[A-ZÅÄÖ][\wåäöéü-]+)(?:\s+(?:[A-ZÅÄÖ][\wåäöéü-]+|län))*)"
)
_ORG = re.compile(r"\b(\d{6})\s?[-–]\s?(\d{4})\b")
_KOMMUN_LIST = re.compile(
    r"\bkommunerna,?\s+(?:i\s+)?((?:[A-ZÅÄÖ][\wåäö-]+(?:,\s*|\s+(?:och|samt)\s+))+[A-ZÅÄÖ][\wåäö-]+)"
)
_X_KOMMUN = re.compile(r"((?:[A-ZÅÄÖ][\wåäö-]+(?:,\s*|\s+(?:och|samt)\s+))*[A-ZÅÄÖ][\wåäö-]+)\s+[Kk]ommun\b")
_REGION = re.compile(r"\bRegion ([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+)?(?: län)?)")
# Capitalised words that precede "kommun" without naming one ("Varje kommun", "Den kommun").
_NOT_NAMES = frozenset(
    [
        "varje",
        "den",
        "denna",
        "respektive",
        "berörd",
        "berörda",
        "aktuell",
        "aktuella",
        "samma",
        "vilken",
        "annan",
        "egen",
        "en",
        "ett",
        "per",
        "hela",
        "vår",
        "er",
        "deras",
        "sin",
        "din",
        "min",
        "ingen",
        "någon",
        "alla",
        "övriga",
    ]
)


@dataclass(frozen=True)
class Found:
    value: str
    line: int | None  # the report line it was read from (None when the editor typed it)
    label: str  # the text on that line


@cache
def counties() -> dict[str, str]:
    """Sweden's 21 län and the region of each (vocabulary/lan.csv)."""
    path = Path(__file__).resolve().parent / "vocabulary" / "lan.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["lan"]: r["region"] for r in csv.DictReader(fh)}


def county_of(members: list[tuple[str, str]]) -> str | None:
    """The län whose region is among the members ("Region Örebro län" → "Örebro län")."""
    regions = {n.lower() for n, k in members if k == "region"}
    for lan, region in counties().items():
        if region.lower() in regions:
            return lan
    return None


def kommun_check(members: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Each member kommun resolved to SCB's code ({name: code}), and a problem for every name that is none of
    Sweden's 290 kommuner, with the closest names offered. A county wording ("länets åtta kommuner") is left
    to the län (lib.membership expands it by SCB's division)."""
    from lib import geo
    from lib.membership import is_county_wording

    codes: dict[str, str] = {}
    problems: list[str] = []
    for name, kind in members:
        if kind != "kommun" or is_county_wording(name):
            continue
        found = geo.lookup(name)
        if found:
            codes[name] = found[0]
            continue
        near = geo.closest(name)
        hint = f"; menade du {' eller '.join(f'«{n}»' for n in near)}?" if near else ""
        problems.append(f"medlemmen «{name}» är ingen av Sveriges 290 kommuner{hint}")
    return codes, problems


def county_of_kommuner(codes: dict[str, str]) -> str | None:
    """The län of the member kommuner (by SCB code), when they all lie in one."""
    from lib import geo

    lan = {geo.kommuner().filter(kommun_kod=c)["lan"].to_list()[0] for c in codes.values()}
    return lan.pop() if len(lan) == 1 else None


def ceiling_lines(lines: list[Line], limit: int = 12) -> list[Found]:
    """Lines that may state the equity ceiling: eget kapital and a percentage on the line."""
    out = []
    for ln in lines:
        text = normalise(ln.text)
        if re.search(r"eg(?:et|na) kapital", text, re.I) and re.search(r"\d\s?(?:%|procent)", text):
            out.append(Found(ln.text.strip(), ln.no, ln.text.strip()))
            if len(out) >= limit:
                break
    return out


def slugify(name: str) -> str:
    """'Samordningsförbundet Östra Södertörn' → 'ostra-sodertorn' (the förbund's own name, ASCII, hyphens)."""
    core = re.sub(r"^(?:samordningsförbundet|finsamförbundet|finsam)\s+(?:i\s+)?", "", name.strip(), flags=re.I)
    core = re.sub(r"[\W_]+", " ", core)  # dashes and punctuation part words before the letters are folded
    ascii_ = unicodedata.normalize("NFKD", core.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:40].strip("-")


def suggest_slug(name: str, taken: set[str]) -> str:
    base = slugify(name) or "forbund"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def guess_name(lines: list[Line]) -> Found | None:
    """The förbund's full name as the report writes it most often near its start."""
    counts: dict[str, Found] = {}
    tally: dict[str, int] = {}
    for ln in lines[:300]:
        for m in _NAME.finditer(normalise(ln.text)):
            name = f"{m.group(1)} {m.group(2) or ''}{m.group(3)}"
            tally[name] = tally.get(name, 0) + 1
            counts.setdefault(name, Found(name, ln.no, ln.text.strip()))
    if not tally:
        return None
    best = max(tally, key=lambda n: (tally[n], -len(n)))
    return counts[best]


def short_name(name: str) -> str:
    return re.sub(r"^(?:samordningsförbundet|finsamförbundet)\s+(?:i\s+)?", "", name.strip(), flags=re.I) or name


def guess_org_nr(lines: list[Line]) -> Found | None:
    """An organisation number on a line that says it is one ("Org.nr", "organisationsnummer")."""
    for ln in lines:
        text = normalise(ln.text)
        if re.search(r"org(?:anisations)?\.?\s?(?:nr|nummer)", text, re.I):
            m = _ORG.search(text)
            if m:
                return Found(f"{m.group(1)}-{m.group(2)}", ln.no, ln.text.strip())
    return None


def guess_members(lines: list[Line]) -> list[tuple[str, str]]:
    """(name, kind) of the members the report names: kommuner, the region and the state's agencies."""
    found: dict[str, str] = {}
    text = [normalise(ln.text) for ln in lines[:600]]
    joined = " ".join(text)
    for m in _KOMMUN_LIST.finditer(joined):
        for name in re.split(r",\s*|\s+(?:och|samt)\s+", m.group(1)):
            _add(found, name, "kommun")
    for m in _X_KOMMUN.finditer(joined):
        for name in re.split(r",\s*|\s+(?:och|samt)\s+", m.group(1)):
            _add(found, name, "kommun")
    for m in _REGION.finditer(joined):
        _add(found, f"Region {m.group(1)}", "region")
    for agency in STATE_MEMBERS:
        if agency.lower() in joined.lower():
            found[agency] = "stat"
    for name in [n for n, k in found.items() if k == "region"]:
        if any(o != name and o.startswith(name + " ") for o in found):
            del found[name]  # "Region Jämtland" where the report also says "Region Jämtland Härjedalen"
    regions = {n.split(" ", 1)[1].removesuffix(" län") for n, k in found.items() if k == "region"}
    for name in [n for n, k in found.items() if k == "kommun"]:
        # "Region Västerbotten, Lycksele och Malå kommun": the region's name is not a kommun; nor is
        # "Hallsbergs" beside "Hallsberg" (the genitive of "Hallsbergs kommun").
        if name in regions or name.lower().startswith("region") or (name.endswith("s") and name[:-1] in found):
            del found[name]
    order = {k: i for i, k in enumerate(("stat", "region", "kommun"))}
    return sorted(found.items(), key=lambda kv: (order[kv[1]], kv[0]))


def _add(found: dict[str, str], name: str, kind: str) -> None:
    name = name.strip(" ,.")
    if not name or name.split()[0].lower() in _NOT_NAMES or len(name) < 3:
        return
    if name in STATE_MEMBERS:
        kind = "stat"
    found.setdefault(name, kind)


def locate(lines: list[Line], value: str) -> Found:
    """The first report line that prints ``value`` (case-insensitive), or a Found without a line."""
    needle = normalise(value).lower()
    for ln in lines:
        if needle and needle in normalise(ln.text).lower():
            return Found(value, ln.no, ln.text.strip())
    return Found(value, None, "")


def parse_members(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The editor's member list, one per line as 'Namn' or 'Namn (kommun|region|stat)'; problems per line."""
    out: list[tuple[str, str]] = []
    problems: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        m = re.fullmatch(r"(.+?)\s*\((\w+)\)", line)
        name, kind = (m.group(1).strip(), m.group(2).lower()) if m else (line, _kind_of(line))
        if kind not in MEMBER_KINDS:
            problems.append(f"medlem på rad {n}: '{kind}' ska vara kommun, region eller stat")
            continue
        if any(name.lower() == o.lower() for o, _k in out):
            problems.append(f"medlem på rad {n}: {name} står två gånger")
            continue
        out.append((name, kind))
    if not any(k == "kommun" for _n, k in out):
        problems.append("minst en medlemskommun behövs")
    return out, problems


def _kind_of(name: str) -> str:
    if name in STATE_MEMBERS:
        return "stat"
    if name.lower().startswith("region "):
        return "region"
    return "kommun"


def format_members(members: list[tuple[str, str]]) -> str:
    return "\n".join(f"{n} ({k})" for n, k in members)


def registry_rows(
    *,
    slug: str,
    name: str,
    short: str,
    lan: str,
    region: str,
    org_nr: Found | None,
    members: list[tuple[str, str]],
    ceiling_pct: float,
    ceiling_line: Found | None,
    document: str,
    lines: list[Line],
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The förbund row and member rows for the registry, each value with the report line it stands on."""
    located = ceiling_line is not None and ceiling_line.line is not None
    row = {
        "forbund": slug,
        "name": name.strip(),
        "short_name": short.strip(),
        "org_nr": org_nr.value if org_nr else "",
        "org_nr_document": document if org_nr and org_nr.line and document else "",
        "org_nr_line": str(org_nr.line) if org_nr and org_nr.line else "",
        "lan": lan.strip(),
        "region": region.strip(),
        "ceiling_pct": f"{ceiling_pct:g}",
        "ceiling_basis": "medlemsbidrag",
        "ceiling_document": document if located and document else "",
        "ceiling_line": str(ceiling_line.line) if located else "",
        "ceiling_label": ceiling_line.label if located else DEFAULT_CEILING_LABEL,
        "income_is_medlemsbidrag_document": "",
        "income_is_medlemsbidrag_line": "",
    }
    member_rows = []
    for member, kind in members:
        at = locate(lines, member)
        member_rows.append(
            {
                "forbund": slug,
                "member": member,
                "kind": kind,
                "document": document if at.line and document else "",
                "line": str(at.line) if at.line else "",
                "label": at.label[:200] if at.line else "angiven av redaktören (står inte i rapportens text)",
            }
        )
    return row, member_rows
