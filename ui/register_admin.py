"""The register page's parts (admins): the register, loading a list, adding, editing, ending and merging förbund,
the roles, proposals from förbund editors and refused attempts. Every write asks lib.editors again at the click;
the store refuses anyone but an admin and records the attempt."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from lib import editors, geo
from lib.register.entries import Entry, entry_from, read_csv, to_csv
from ui import common, published
from ui.importing.upload import say

MAX_LIST_BYTES = 2_000_000


def _editor() -> editors.Editor:
    return editors.authorise(common.editor_decision(), getattr(st.user, "email", None))


def _done(message: str) -> None:
    published.changed()
    st.session_state["_register_msg"] = message
    st.rerun()


def _errors(exc: Exception) -> None:
    problems = getattr(exc, "problems", None) or [str(exc)]
    st.error("Inget ändrades:\n\n" + "\n".join(f"- {say(p, 400)}" for p in problems))


def message() -> None:
    text = st.session_state.pop("_register_msg", "")
    if text:
        st.success(say(text, 400))


@st.cache_data(show_spinner=False)
def _kommun_names() -> dict[str, str]:
    return dict(geo.kommuner().select("kommun_kod", "kommun").rows())


def register_table(entries: dict[str, Entry]) -> None:
    """The register as it stands, and the same as CSV (the import's format: edit it and load it again)."""
    st.subheader("Registret")
    if not entries:
        st.info(
            "Registret är tomt. Läs in en lista över förbunden nedan (CSV), eller lägg till dem ett och ett. "
            "Tills dess känner jämförelsen bara de förbund den har rapporter från."
        )
        return
    names = _kommun_names()
    today = date.today().isoformat()
    table = pl.DataFrame(
        {
            "Förbund": [e.name for e in entries.values()],
            "Kortnamn": [e.forbund for e in entries.values()],
            "Org.nr": [e.org_nr for e in entries.values()],
            "Från": [e.valid_from for e in entries.values()],
            "Till": [e.valid_to for e in entries.values()],
            "Status": ["avslutat" if e.valid_to and e.valid_to < today else "aktivt" for e in entries.values()],
            "Län": [e.lan for e in entries.values()],
            "Kommuner": [", ".join(names.get(k, k) for k in e.kommuner) for e in entries.values()],
            "Källa": [e.source for e in entries.values()],
        }
    ).sort("Förbund")
    active = table.filter(pl.col("Status") == "aktivt").height
    st.caption(f"{len(entries)} förbund i registret, varav {active} aktiva i dag.")
    common.show_table(common.display(table, {c: "text" for c in table.columns}), key="register_table")
    st.download_button(
        "⬇ Registret som CSV (samma format som inläsningen)",
        to_csv(sorted(entries.values(), key=lambda e: e.forbund)).encode("utf-8"),
        "forbundsregister.csv",
        "text/csv",
        key="register_csv",
    )


def load_list() -> None:
    """Upload a list, see every bad row or what it would do, then load it (all rows or none)."""
    st.subheader("Läs in en lista")
    st.caption(
        "En CSV-fil med en rad per förbund och kolumnerna forbund, name, short_name, org_nr, lan, region, "
        "kommuner (SCB-koder), kommundel, valid_from, valid_to, website, source (se README). Allt kontrolleras "
        "först; finns ett enda fel skrivs ingenting."
    )
    uploaded = st.file_uploader("Lista (CSV)", key="register_upload")
    if uploaded is None:
        return
    if uploaded.size > MAX_LIST_BYTES:
        st.error(f"Filen är {uploaded.size:,} byte; en förbundslista är högst {MAX_LIST_BYTES:,}.".replace(",", " "))
        return
    try:
        text = uploaded.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.error("Filen är inte UTF-8. Spara den som CSV UTF-8 och försök igen.")
        return
    rows, problems = read_csv(text)
    try:
        plan = published.store().plan_register(rows) if not problems else None
    except Exception as exc:  # the store down: said, nothing lost
        _errors(exc)
        return
    problems += plan.problems if plan else []
    if problems:
        st.error(
            f"{len(problems)} fel; inget kan läsas in förrän de är rättade:\n\n"
            + "\n".join(f"- {say(p, 400)}" for p in problems[:200])
        )
        return
    st.info(f"Listan är kontrollerad: {plan.summary()}.")
    comment = st.text_input("Varifrån listan kommer (står i historiken)", key="register_comment")
    if st.button("Läs in i registret", disabled=not (plan.added or plan.changed), key="register_load"):
        try:
            done = published.store().load_register(_editor(), rows, comment or f"lista {uploaded.name}")
        except Exception as exc:
            _errors(exc)
            return
        _done(f"Inläst i registret: {done.summary()}.")


def entry_form(entries: dict[str, Entry]) -> None:
    """Add a förbund or edit one (its newest entry is the form's start)."""
    st.subheader("Lägg till eller ändra ett förbund")
    new = "__nytt__"
    slug = st.selectbox(
        "Förbund",
        [new, *sorted(entries, key=lambda s: entries[s].name)],
        format_func=lambda s: "➕ Nytt förbund" if s == new else entries[s].name,
        key="register_pick",
    )
    e = entries.get(slug) or Entry("", "")
    with st.form(f"register_entry_{slug}"):
        c1, c2 = st.columns(2)
        name = c1.text_input("Fullständigt namn", e.name)
        short = c2.text_input("Kort namn", e.short_name)
        key = c1.text_input("Kortnamn i länkar (a–z, 0–9, bindestreck)", e.forbund, disabled=slug != new)
        org = c2.text_input("Organisationsnummer", e.org_nr)
        lan = c1.text_input("Län (t.ex. Jämtlands län)", e.lan)
        region = c2.text_input("Region", e.region)
        kommuner = st.text_input("Medlemskommuner (SCB:s koder, åtskilda av mellanslag)", " ".join(e.kommuner))
        part = st.text_input("Kommundel (bara om förbundet delar en kommun med ett annat)", e.kommundel)
        c3, c4 = st.columns(2)
        start = c3.text_input("Från (ÅÅÅÅ-MM-DD, tomt om okänt)", e.valid_from)
        end = c4.text_input("Till (ÅÅÅÅ-MM-DD, tomt om aktivt)", e.valid_to)
        website = st.text_input("Webbplats (https://…)", e.website)
        source = st.text_input("Källa för uppgifterna", e.source)
        comment = st.text_input("Kommentar i historiken")
        sent = st.form_submit_button("Spara i registret")
    if sent:
        cells = {
            "forbund": key if slug == new else slug,
            "name": name,
            "short_name": short,
            "org_nr": org,
            "lan": lan,
            "region": region,
            "kommuner": kommuner,
            "kommundel": part,
            "valid_from": start,
            "valid_to": end,
            "website": website,
            "source": source,
        }
        try:
            done = published.store().save_entry(_editor(), entry_from(cells), comment)
        except Exception as exc:
            _errors(exc)
            return
        _done(f"Sparat: {done.summary()}.")


def end_and_merge(entries: dict[str, Entry]) -> None:
    active = sorted((s for s, e in entries.items() if not e.valid_to), key=lambda s: entries[s].name)
    if not active:
        return
    with st.expander("Avsluta ett förbund"):
        with st.form("register_end"):
            slug = st.selectbox("Förbund", active, format_func=lambda s: entries[s].name)
            day = st.date_input("Sista dag", value=None, format="YYYY-MM-DD")
            why = st.text_input("Varför (t.ex. förbundet upplöst enligt beslut …)")
            sent = st.form_submit_button("Avsluta")
        if sent:
            try:
                if day is None:
                    raise ValueError("ange förbundets sista dag")
                published.store().end_forbund(_editor(), slug, day.isoformat(), why)
            except Exception as exc:
                _errors(exc)
                return
            _done(f"{entries[slug].name} är avslutat {day.isoformat()}.")
    with st.expander("Slå samman förbund"):
        st.caption(
            "De valda förbunden avslutas dagen före sammanslagningen; det nya börjar den dagen med deras kommuner."
        )
        with st.form("register_merge"):
            old = st.multiselect("Förbund som går samman", active, format_func=lambda s: entries[s].name)
            c1, c2 = st.columns(2)
            name = c1.text_input("Det nya förbundets namn")
            key = c2.text_input("Dess kortnamn i länkar")
            org = c1.text_input("Organisationsnummer")
            day = c2.date_input("Första dag", value=None, format="YYYY-MM-DD")
            source = st.text_input("Källa (t.ex. förbundsordningen, beslut)")
            sent = st.form_submit_button("Slå samman")
        if sent:
            try:
                if day is None:
                    raise ValueError("ange sammanslagningens första dag")
                cells = {"forbund": key, "name": name, "org_nr": org, "valid_from": day.isoformat(), "source": source}
                if old:
                    cells["lan"] = entries[old[0]].lan
                    cells["region"] = entries[old[0]].region
                published.store().merge(_editor(), old, entry_from(cells), "")
            except Exception as exc:
                _errors(exc)
                return
            _done(f"{', '.join(entries[s].name for s in old)} gick samman i {name} {day.isoformat()}.")


def roles_panel(entries: dict[str, Entry], names: dict[str, str]) -> None:
    """Who may do what: the roles in the server's secrets (read-only here) and in the store (given here)."""
    st.subheader("Roller")
    secrets = common._secrets()
    admins, _ = editors.editor_emails(secrets)
    per_forbund, config = editors.forbund_editors(secrets)
    try:
        stored = published.store().roles()
    except Exception as exc:
        _errors(exc)
        stored = []
    everyone = {**names, **{s: e.name for s, e in entries.items()}}
    rows = [("administratör", "alla", a, "serverns inställningar") for a in sorted(admins or ())]
    rows += [
        ("förbundsredaktör", everyone.get(s, s), a, "serverns inställningar")
        for s, emails in sorted(per_forbund.items())
        for a in sorted(emails)
    ]
    rows += [
        (
            editors.ROLE_NAMES.get(r["role"], r["role"]),
            everyone.get(r["forbund"], r["forbund"]) or "alla",
            r["email"],
            f"databasen ({r['granted_by']}, {r['granted_at'][:10]})",
        )
        for r in stored
    ]
    table = pl.DataFrame(rows, schema=["Roll", "Förbund", "E-post", "Given i"], orient="row")
    common.show_table(common.display(table, {c: "text" for c in table.columns}), key="roles_table")
    for problem in config:
        st.warning(say(problem, 300))
    st.caption(
        "En administratör sköter registret och publicerar för alla förbund. En förbundsredaktör publicerar, ersätter "
        "och drar tillbaka sitt eget förbunds dokument. Roller i serverns inställningar ändras där (README)."
    )
    c1, c2 = st.columns(2)
    with c1, st.form("role_grant"):
        email = st.text_input("E-post")
        role = st.selectbox("Roll", list(editors.ROLES), index=1, format_func=editors.ROLE_NAMES.get)
        options = sorted(everyone, key=lambda s: everyone[s])
        forbund = st.selectbox("Förbund (för en förbundsredaktör)", options, format_func=everyone.get, index=None)
        sent = st.form_submit_button("Ge rollen")
    if sent:
        try:
            published.store().grant(_editor(), email, role, forbund or "")
        except Exception as exc:
            _errors(exc)
        else:
            _done(f"{email} har nu rollen {editors.ROLE_NAMES[role]}.")
    if stored:
        with c2, st.form("role_revoke"):
            labels = {
                i: f"{r['email']}: {editors.ROLE_NAMES.get(r['role'], r['role'])} {everyone.get(r['forbund'], '')}"
                for i, r in enumerate(stored)
            }
            pick = st.selectbox("Ta bort en roll", list(labels), format_func=labels.get)
            sent = st.form_submit_button("Ta bort rollen")
        if sent:
            r = stored[pick]
            try:
                published.store().revoke(_editor(), r["email"], r["role"], r["forbund"])
            except Exception as exc:
                _errors(exc)
            else:
                _done(f"Rollen är borttagen för {r['email']}.")


def identities_panel() -> None:
    """The accounts editors' addresses are bound to (iss + sub at their first visit), and releasing one."""
    try:
        bound = published.store().identities()
    except Exception:
        return
    with st.expander(f"Bundna konton ({len(bound)})"):
        st.caption(
            "En redaktörs adress knyts vid första besöket till kontot hos inloggningstjänsten (iss + sub). Loggar "
            "någon in med samma adress från ett annat konto nekas hen tills bindningen släpps här."
        )
        if not bound:
            return
        table = pl.DataFrame(
            {
                "E-post": [b["email"] for b in bound],
                "Konto (iss|sub)": [b["subject"] for b in bound],
                "Sedan": [b["bound_at"][:10] for b in bound],
            }
        )
        common.show_table(common.display(table, {c: "text" for c in table.columns}), key="identities_table")
        with st.form("identity_release"):
            email = st.selectbox("Släpp bindningen för", [b["email"] for b in bound])
            sent = st.form_submit_button("Släpp bindningen")
        if sent:
            try:
                published.store().release_identity(_editor(), email)
            except Exception as exc:
                _errors(exc)
            else:
                _done(f"Bindningen för {email} är släppt; nästa inloggning binder adressen igen.")


def proposals_panel() -> None:
    try:
        proposals = published.store().proposals()
    except Exception:
        return
    st.subheader(f"Förslag från förbundsredaktörer ({len(proposals)})")
    if not proposals:
        st.caption("Inga förslag väntar.")
        return
    for i, p in enumerate(proposals):
        e: Entry = p["entry"]
        with st.container(border=True):
            st.markdown(f"**{say(e.name or e.forbund, 120)}** föreslaget av {say(p['editor'], 120)} {p['at'][:10]}")
            st.caption(
                f"Kortnamn {say(e.forbund, 60)}, org.nr {say(e.org_nr or '–', 20)}, kommuner "
                f"{say(' '.join(e.kommuner) or '–', 200)}, källa: {say(e.source or '–', 200)}"
            )
            if st.button("Registrera förslaget", key=f"proposal_{i}_{p['id']}"):
                try:
                    published.store().save_entry(_editor(), e, f"förslag från {p['editor']}")
                except Exception as exc:
                    _errors(exc)
                else:
                    _done(f"{e.name} är registrerat.")


def refusals_panel() -> None:
    try:
        refused = published.store().refusals()
    except Exception:
        return
    with st.expander(f"Nekade försök ({len(refused)})"):
        if not refused:
            st.caption("Inga försök att skriva utanför sin roll.")
            return
        table = pl.DataFrame(
            {
                "Tid (UTC)": [r["at"][:16].replace("T", " ") for r in refused],
                "E-post": [r["editor"] for r in refused],
                "Förbund": [r["forbund"] for r in refused],
                "Försök": [r["comment"] or "" for r in refused],
            }
        )
        common.show_table(common.display(table, {c: "text" for c in table.columns}), key="refusals_table")
