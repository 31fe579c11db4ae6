"""Who may import and publish: the editors list in the server's secrets, read so that any mistake lets nobody in.

With sign-in configured (``[auth]``), only the e-mail addresses in ``[editors] emails`` may import or
publish; the list may be written as a list or as one string. A missing section, a misspelt key, an
empty list or a list without one address means nobody: a careless config must never open the import
to every signed-in user. The reason is given to the signed-in user and to the server log.

The address must be one the identity provider vouches for: an identity whose provider says
``email_verified = false`` is refused; one whose provider sends no such claim (Microsoft Entra ID does
not) is accepted only when its issuer (``iss``) is listed in ``[editors] trusted_issuers``. Plain ASCII
addresses are compared without regard to letter case; any other address only as exactly the string the
list holds, so that no case folding or normalisation turns a look-alike (a Kelvin sign "K" for "K")
into a listed address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # for the signed-in user (Swedish); empty when allowed
    config_problem: bool = False  # the server's configuration is wrong (logged)


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


def decide(secrets: Mapping, logged_in: bool, email: str | None, claims: Mapping | None = None) -> Decision:
    """Whether this visitor may import and publish, and if not, why (fails closed). ``claims``: what the
    identity provider said (``email_verified``, ``iss``); without them the address is not vouched for."""
    if not isinstance(secrets, Mapping) or "auth" not in secrets:
        return Decision(False, "inloggning är inte konfigurerad på den här servern")
    if not logged_in:
        return Decision(False, "du är inte inloggad")
    emails, problem = editor_emails(secrets)
    if emails is None:
        return Decision(False, f"ingen kan importera förrän serverns inställningar rättats ({problem})", True)
    if not email or canonical(email) not in emails:
        return Decision(False, f"{email or 'kontot'} finns inte på redaktörslistan")
    why = unverified(claims, secrets)
    if why:
        return Decision(False, why)
    return Decision(True, "")


@dataclass(frozen=True)
class Editor:
    """Someone allowed to write to the store: every write in lib.store takes one and records its e-mail."""

    email: str
    via: str = "inloggning"  # how the permission was established ("inloggning", "kommandorad")


def authorise(decision: Decision, email: str | None) -> Editor:
    """The editor for a write, or PermissionError with the reason (a write path never trusts the menu)."""
    if not decision.allowed or not email or not email.strip():
        raise PermissionError(decision.reason or "bara inloggade redaktörer får publicera")
    return Editor(canonical(email))
