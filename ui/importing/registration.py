"""The import page's second step: which förbund the report is of (a known one, or a new one registered from
the report with its members checked against SCB's kommuner) and which document it is."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

import streamlit as st

from lib.data import Dataset
from lib.editors import ADMIN, Decision
from lib.ingest import register
from lib.ingest.propose import guess_type, guess_year
from lib.ingest.reading import Line
from lib.register.entries import Entry
from lib.schema import registration_problems
from ui import published
from ui.importing.upload import Report, say

NEW = "__nytt__"
TYPES = {"årsredovisning": "ar", "verksamhetsplan": "vp"}


@dataclass(frozen=True)
class Known:
    slug: str
    name: str
    short_name: str
    members: list[tuple[str, str]]


def known_forbund(ds: Dataset) -> dict[str, Known]:
    """The förbund in the comparison and those registered in the store (also with every document withdrawn)."""
    out = {
        r["forbund"]: Known(
            r["forbund"],
            r["name"],
            r["short_name"],
            [(m["member"], m["kind"]) for m in ds.members.filter(forbund=r["forbund"]).iter_rows(named=True)],
        )
        for r in ds.forbund.iter_rows(named=True)
    }
    for slug, r in published.registered().items():
        out.setdefault(slug, Known(slug, r["name"], r["short_name"], r["members"]))
    return out


def _known_guess(known: dict[str, Known], lines: list[Line]) -> str:
    found = register.guess_name(lines)
    if found:
        for k in known.values():
            if k.name.lower() == found.value.lower():
                return k.slug
    head = " ".join(ln.text for ln in lines[:60]).lower()
    for k in known.values():
        if k.name.lower() in head:
            return k.slug
    return NEW


def in_register_only(known: dict[str, Known], decision: Decision) -> dict[str, Entry]:
    """Förbund in the register (and in this editor's role) with no report yet: their first report registers
    their report facts (the ceiling), prefilled from the register."""
    try:
        entries = published.store().register()
    except Exception:  # the store down: only the förbund already known
        return {}
    return {s: e for s, e in entries.items() if s not in known and (decision.role == ADMIN or s in decision.forbund)}


def choose_forbund(known: dict[str, Known], report: Report, decision: Decision, first: dict[str, Entry]) -> str:
    """The förbund of the report: an admin chooses among all and may register a new one; a förbund editor
    sees only their own förbund."""
    mine = [s for s in known if decision.role == ADMIN or s in decision.forbund]
    options = [*mine, *first, *([NEW] if decision.role == ADMIN else [])]
    if not options:
        st.warning("Din roll gäller inget förbund som finns i registret. Be en administratör om hjälp.")
        st.stop()
    key = f"imp_forbund_{report.key}"
    if key not in st.session_state or st.session_state[key] not in options:
        guess = _known_guess({s: known[s] for s in mine}, report.lines)
        st.session_state[key] = guess if guess in options else options[0]

    def label(s: str) -> str:
        if s == NEW:
            return "➕ Nytt förbund (registrera)"
        if s in first:
            return f"{first[s].short_name} (första rapporten)"
        return known[s].short_name

    return st.selectbox(
        "Förbund",
        options,
        format_func=label,
        key=key,
        placeholder="Välj förbund",
        help=(
            "Välj ett förbund som redan finns, eller registrera ett nytt."
            if decision.role == ADMIN
            else "Du publicerar för ditt eget förbund. Ett förbund som saknas föreslår du för registret nedan."
        ),
    )


@dataclass(frozen=True)
class NewForbund:
    row: dict[str, str]
    members: list[dict[str, str]]
    member_pairs: list[tuple[str, str]]
    problems: list[str]

    def for_document(self, document: str) -> NewForbund:
        """The registry rows pointing at the document being published (where a value was read from it)."""
        row = dict(self.row)
        for col in ("org_nr_document", "ceiling_document"):
            if row[col.replace("_document", "_line")]:
                row[col] = document
        members = [{**m, "document": document if m["line"] else ""} for m in self.members]
        return NewForbund(row, members, self.member_pairs, self.problems)


def registration_form(ds: Dataset, report: Report, preset: Entry | None = None) -> NewForbund:
    """Name, slug, län, region, org.nr, members and ceiling of a förbund not known yet, suggested from the report
    (or, for a förbund in the register, from the register: its slug is then fixed)."""
    lines, k = report.lines, report.key
    taken = set(known_forbund(ds))
    found = register.guess_name(lines)
    members_guess = register.guess_members(lines)
    if preset is not None:
        k = f"{k}_{preset.forbund}"
        found = register.Found(preset.name, None, "förbundsregistret")
        members_guess = [(n, "kommun") for n in _kommun_names(preset.kommuner)] + [
            m for m in members_guess if m[1] != "kommun"
        ]
    box = st.container(border=True)
    with box:
        st.markdown("**Nytt förbund**" if preset is None else f"**{say(preset.name, 120)}: första rapporten**")
        st.caption(
            "Förslagen är lästa ur rapporten; kontrollera och rätta dem. Slug är förbundets namn i länkar."
            if preset is None
            else "Namn, kommuner och län kommer från förbundsregistret; taket för eget kapital läses ur rapporten."
        )
        c1, c2 = st.columns(2)
        name = c1.text_input("Fullständigt namn", value=found.value if found else "", key=f"reg_name_{k}")
        if found and found.line:
            c1.caption(f"Läst på rad {found.line}.")
        short = c2.text_input(
            "Kort namn (i diagrammen)",
            value=preset.short_name if preset else register.short_name(name),
            key=f"reg_short_{k}",
        )
        slug = c1.text_input(
            "Slug (a–z, 0–9, bindestreck)",
            value=preset.forbund if preset else register.suggest_slug(name, taken),
            key=f"reg_slug_{k}",
            disabled=preset is not None,
        ).strip()
        org_guess = register.guess_org_nr(lines)
        org_value = org_guess.value if org_guess else (preset.org_nr if preset else "")
        org = c2.text_input("Organisationsnummer", value=org_value, key=f"reg_org_{k}")
        if org_guess:
            c2.caption(f"Läst på rad {org_guess.line}.")
        counties = list(register.counties())
        county_guess = (preset.lan if preset and preset.lan else None) or (
            register.county_of(members_guess) or register.county_of_kommuner(register.kommun_check(members_guess)[0])
        )
        lan = c1.selectbox(
            "Län",
            counties,
            index=counties.index(county_guess) if county_guess in counties else None,
            key=f"reg_lan_{k}",
            placeholder="Välj län",
        )
        region = c2.text_input(
            "Region", value=register.counties().get(lan or "", ""), key=f"reg_region_{k}_{lan or ''}"
        )
        members_text = st.text_area(
            "Medlemmar, en per rad: Namn (kommun, region eller stat)",
            value=register.format_members(members_guess),
            height=160,
            key=f"reg_members_{k}",
        )
        c3, c4 = st.columns([1, 3])
        pct = c3.number_input(
            "Tak för eget kapital (%)", 1.0, 100.0, register.DEFAULT_CEILING, 1.0, key=f"reg_pct_{k}", format="%g"
        )
        candidates = register.ceiling_lines(lines)
        choice = c4.selectbox(
            "Var taket kommer ifrån",
            [None, *candidates],
            format_func=lambda f: register.DEFAULT_CEILING_LABEL if f is None else f"rad {f.line}: {f.label[:110]}",
            key=f"reg_ceiling_{k}",
        )
        pairs, problems = register.parse_members(members_text)
        codes, unknown = register.kommun_check(pairs)
        problems += unknown
        where = register.county_of_kommuner(codes) if codes else None
        if lan and where and where != lan:
            problems.append(f"medlemskommunerna ligger i {where}, inte i {lan}")
        if codes:
            st.caption(
                "Medlemskommuner enligt SCB: "
                + ", ".join(f"{say(n, 60)} ({c})" for n, c in codes.items())
                + (f"; {where}" if where else "")
            )
    org_found = None
    if org.strip():
        at = register.locate(lines, org.strip())
        org_found = register.Found(org.strip(), at.line, at.label)
    row, members = register.registry_rows(
        slug=slug,
        name=name,
        short=short,
        lan=lan or "",
        region=region,
        org_nr=org_found,
        members=pairs,
        ceiling_pct=float(pct),
        ceiling_line=choice,
        document="",
        lines=lines,
    )
    problems = registration_problems(row, taken) + problems
    if problems:  # said at the form, where they are fixed; the publish button only refers to it
        box.error(
            "Innan förbundet kan registreras:\n\n" + "\n".join(f"- {say(p, 300)}" for p in problems),
            icon=":material/edit_note:",
        )
    return NewForbund(row, members, pairs, problems)


def _kommun_names(codes: tuple[str, ...]) -> list[str]:
    from lib import geo

    names = dict(geo.kommuner().select("kommun_kod", "kommun").rows())
    return [names[c] for c in codes if c in names]


# -- the document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentMeta:
    document: str
    type: str
    year: int
    title: str
    forbund: str = ""


def document_form(report: Report, forbund_name: str, slug: str) -> DocumentMeta | None:
    k = report.key
    c1, c2, c3 = st.columns([2, 1, 3])
    doc_type = c1.selectbox(
        "Dokument",
        list(TYPES),
        index=list(TYPES).index(guess_type(report.lines)),
        key=f"doc_type_{k}",
        format_func=str.capitalize,
    )
    guessed = guess_year(report.lines)
    year = c2.number_input("År", 1990, 2100, guessed or date.today().year - 1, 1, key=f"doc_year_{k}")
    if not guessed:
        c2.caption("Året hittades inte i rapporten.")
    title = c3.text_input(
        "Titel", value=f"{doc_type.capitalize()} {int(year)} {forbund_name}".strip(), key=f"doc_title_{k}_{slug}"
    )
    if not slug:
        return None
    return DocumentMeta(f"{slug}-{TYPES[doc_type]}-{int(year)}", doc_type, int(year), title.strip(), slug)


# -- review -------------------------------------------------------------------------------------


# -- roles ----------------------------------------------------------------------------------------


def role_caption(decision: Decision, names: dict[str, str]) -> None:
    """Who the signed-in editor is here: an admin (every förbund) or the editor of named förbund."""
    if decision.role == ADMIN:
        st.caption("Du är administratör: du publicerar för alla förbund och registrerar nya.")
    else:
        with contextlib.suppress(Exception):  # a förbund with no report yet is named by the register
            names = {**{s: e.short_name for s, e in published.store().register().items()}, **names}
        mine = ", ".join(say(names.get(s, s), 80) for s in sorted(decision.forbund))
        st.caption(f"Du är redaktör för {mine}: du publicerar, ersätter och drar tillbaka det förbundets dokument.")


def propose_form() -> None:
    """A förbund editor proposes a förbund for the register; an admin decides on the register page."""
    from lib import editors
    from lib.register.entries import entry_from
    from ui import common

    with st.expander("Föreslå ett förbund för registret"):
        st.caption(
            "Saknas ett förbund? Föreslå det här; en administratör kontrollerar och registrerar det. "
            "Kommunerna anges med SCB:s fyrsiffriga koder, åtskilda av mellanslag."
        )
        with st.form("propose_forbund", border=False):
            name = st.text_input("Förbundets fullständiga namn")
            slug = st.text_input("Kortnamn i länkar (a–z, 0–9, bindestreck)")
            org = st.text_input("Organisationsnummer")
            kommuner = st.text_input("Medlemskommuner (SCB-koder)")
            source = st.text_input("Var uppgifterna kommer ifrån (t.ex. förbundsordningen)")
            sent = st.form_submit_button("Skicka förslaget")
        if sent:
            entry = entry_from({"forbund": slug, "name": name, "org_nr": org, "kommuner": kommuner, "source": source})
            try:
                editor = editors.authorise(common.editor_decision(), getattr(st.user, "email", None))
                published.store().propose(editor, entry)
            except Exception as exc:  # said, never a traceback
                st.error(f"Förslaget kunde inte sparas: {say(exc, 300)}")
            else:
                st.success("Förslaget är sparat; en administratör ser det på sidan Förbundsregister.")
