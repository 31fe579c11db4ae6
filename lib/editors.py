"""Who may write, and to which förbund: roles from the server's secrets and the store, read so that any mistake
lets nobody in.

Two roles. An *admin* keeps the register of förbund and may publish for every förbund: the addresses in
``[editors] emails`` (the central list) and those the store's role table makes admins. A *förbund editor*
publishes, replaces and withdraws the documents of its own förbund only: ``[editors.forbund] <slug> = ["…"]``
in secrets, or a row in the store's role table that an admin added. Lists may be written as a list or as one
string. With sign-in configured (``[auth]``), an address with no role may not write; a missing section, a
misspelt key or an empty list gives nobody a role: a careless config must never open the import to every
signed-in user. The reason is given to the signed-in user and to the server log.

The address must be one the identity provider vouches for: an identity whose provider says
``email_verified = false`` is refused; one whose provider sends no such claim (Microsoft Entra ID does
not) is accepted only when its issuer (``iss``) is listed in ``[editors] trusted_issuers``. Plain ASCII
addresses are compared without regard to letter case; any other address only as exactly the string the
list holds, so that no case folding or normalisation turns a look-alike (a Kelvin sign "K" for "K")
into a listed address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ADMIN = "admin"
FORBUND_EDITOR = "förbundsredaktör"
ROLES = (ADMIN, FORBUND_EDITOR)
ROLE_NAMES = {ADMIN: "administratör", FORBUND_EDITOR: "förbundsredaktör"}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # for the signed-in user (Swedish); empty when allowed
    config_problem: bool = False  # the server's configuration is wrong (logged)
    role: str = ""  # ADMIN or FORBUND_EDITOR when allowed
    forbund: frozenset[str] = frozenset()  # a förbund editor's förbund (an admin has every förbund)


def editor_emails(secrets: Mapping) -> tuple[frozenset[str] | None, str]:
    """The editors' addresses in lower case, or None and why the list cannot be used."""
    section = secrets.get("editors") if isinstance(secrets, Mapping) else None
    if section is None:
        return None, 'redaktörslistan saknas: lägg till [editors] med emails = ["…"] i serverns secrets.toml'
    if not isinstance(section, Mapping):
        return None, "[editors] i secrets.toml är ingen tabell"
    if "emails" not in section:
        keys = ", ".join(sorted(str(k) for k in section)) or "inga"
        return None, f"[editors] saknar nyckeln 'emails' (fanns: {keys})"
    raw = section["emails"]
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        return None, "[editors] emails ska vara en lista av e-postadresser"
    emails = frozenset(canonical(e) for e in raw if isinstance(e, str) and "@" in e and e.strip())
    if not emails:
        return None, "[editors] emails innehåller ingen e-postadress"
    return emails, ""


def forbund_editors(secrets: Mapping) -> tuple[dict[str, frozenset[str]], list[str]]:
    """``[editors.forbund]``: slug → the addresses of its editors, and what in the table cannot be used."""
    section = secrets.get("editors") if isinstance(secrets, Mapping) else None
    table = section.get("forbund") if isinstance(section, Mapping) else None
    if table is None:
        return {}, []
    if not isinstance(table, Mapping):
        return {}, ['[editors.forbund] ska vara en tabell: förbundets kortnamn = ["e-post", …]']
    out, problems = {}, []
    for slug, raw in table.items():
        raw = [raw] if isinstance(raw, str) else raw
        emails = (
            frozenset(canonical(e) for e in raw if isinstance(e, str) and "@" in e and e.strip())
            if isinstance(raw, list | tuple)
            else frozenset()
        )
        if emails:
            out[str(slug)] = emails
        else:
            problems.append(f"[editors.forbund] {slug} innehåller ingen e-postadress")
    return out, problems


def canonical(email: str) -> str:
    """An address as it is compared: plain ASCII in lower case; anything else exactly as written."""
    e = email.strip()
    return e.lower() if e.isascii() else e


def trusted_issuers(secrets: Mapping) -> frozenset[str]:
    """Identity providers (their ``iss``) whose addresses are trusted without an ``email_verified`` claim."""
    section = secrets.get("editors") if isinstance(secrets, Mapping) else None
    raw = section.get("trusted_issuers", []) if isinstance(section, Mapping) else []
    raw = [raw] if isinstance(raw, str) else raw
    return (
        frozenset(str(x).strip() for x in raw if isinstance(x, str) and x.strip())
        if isinstance(raw, list | tuple)
        else frozenset()
    )


def unverified(claims: Mapping | None, secrets: Mapping) -> str:
    """Why the identity's e-mail address cannot be trusted ('' when it can)."""
    claims = claims if isinstance(claims, Mapping) else {}
    said = claims.get("email_verified")
    if isinstance(said, str) and said.strip().lower() in ("true", "false"):
        said = said.strip().lower() == "true"
    if said is False:
        return (
            "inloggningstjänsten säger att e-postadressen inte är bekräftad (email_verified = false); "
            "bekräfta adressen där och logga in igen"
        )
    if said is True:
        return ""
    issuer = str(claims.get("iss") or "").strip()
    if issuer and issuer in trusted_issuers(secrets):
        return ""
    return (
        f"inloggningstjänsten ({issuer or 'okänd'}) intygar inte att e-postadressen är bekräftad, och servern "
        "litar inte på dess adresser utan det (se [editors] trusted_issuers)"
    )


def decide(
    secrets: Mapping,
    logged_in: bool,
    email: str | None,
    claims: Mapping | None = None,
    store_roles: Iterable[tuple[str, str]] = (),
) -> Decision:
    """Whether this visitor may write, in which role and for which förbund, and if not, why (fails closed).
    ``claims``: what the identity provider said (``email_verified``, ``iss``); without them the address is not
    vouched for. ``store_roles``: (role, förbund) pairs the store's role table holds for this address."""
    if not isinstance(secrets, Mapping) or "auth" not in secrets:
        return Decision(False, "inloggning är inte konfigurerad på den här servern")
    if not logged_in:
        return Decision(False, "du är inte inloggad")
    admins, problem = editor_emails(secrets)
    per_forbund, _ = forbund_editors(secrets)
    me = canonical(email) if email else ""
    stored = [(r, f) for r, f in store_roles if r in ROLES]
    admin = bool(me) and (me in (admins or ()) or any(r == ADMIN for r, _ in stored))
    mine = frozenset(
        [s for s, emails in per_forbund.items() if me and me in emails] + [f for r, f in stored if r == FORBUND_EDITOR]
    )
    if not admin and not mine:
        if admins is None and not per_forbund and not stored:
            return Decision(False, f"ingen kan importera förrän serverns inställningar rättats ({problem})", True)
        return Decision(False, f"{email or 'kontot'} finns inte på redaktörslistan")
    why = unverified(claims, secrets)
    if why:
        return Decision(False, why)
    if admin:
        return Decision(True, "", role=ADMIN)
    return Decision(True, "", role=FORBUND_EDITOR, forbund=mine)


def subject(claims: Mapping | None) -> str:
    """The provider's stable subject for this identity, "iss|sub" ('' when the provider sends no ``sub``)."""
    claims = claims if isinstance(claims, Mapping) else {}
    iss, sub = str(claims.get("iss") or "").strip(), str(claims.get("sub") or "").strip()
    return f"{iss}|{sub}" if sub else ""


def bound(decision: Decision, presented: str, on_record: str | None) -> Decision:
    """An allowed decision stays allowed only for the account the address was first used with: the store binds
    an editor's address to the provider's stable subject (iss + sub) at their first write-capable visit, and a
    later identity with the same address but another subject (a re-created account, another tenant, an
    address reassigned) is refused until an admin releases the binding."""
    if not decision.allowed or not presented or on_record is None or on_record == presented:
        return decision
    return Decision(
        False,
        "adressen är knuten till ett annat konto hos inloggningstjänsten än det du loggat in med; be en "
        "administratör släppa bindningen (Förbundsregister → Roller) om kontot har bytts",
    )


@dataclass(frozen=True)
class Editor:
    """Someone allowed to write to the store: every write in lib.store takes one, asks ``may`` for the förbund
    it touches, and records the e-mail and the role. Without a role an Editor may write nothing."""

    email: str
    via: str = "inloggning"  # how the permission was established ("inloggning", "kommandorad")
    role: str = ""  # ADMIN or FORBUND_EDITOR
    forbund: frozenset[str] = frozenset()  # a förbund editor's förbund

    @classmethod
    def admin(cls, email: str, via: str = "inloggning") -> Editor:
        return cls(canonical(email), via, ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def may(self, forbund: str) -> bool:
        """May write the documents (and reviews) of ``forbund``."""
        return self.role == ADMIN or (self.role == FORBUND_EDITOR and forbund in self.forbund)

    def describe(self) -> str:
        """The role as the history records it: "admin" or "förbundsredaktör (slug, …)"."""
        return self.role if self.role != FORBUND_EDITOR else f"{self.role} ({', '.join(sorted(self.forbund))})"


def authorise(decision: Decision, email: str | None) -> Editor:
    """The editor for a write, or PermissionError with the reason (a write path never trusts the menu)."""
    if not decision.allowed or not email or not email.strip() or decision.role not in ROLES:
        raise PermissionError(decision.reason or "bara inloggade redaktörer får publicera")
    return Editor(canonical(email), role=decision.role, forbund=decision.forbund)
