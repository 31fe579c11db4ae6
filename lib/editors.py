"""Who may import and publish: the editors list in the server's secrets, read so that any mistake lets nobody in.

With sign-in configured (``[auth]``), only the e-mail addresses in ``[editors] emails`` may import or
publish, compared without regard to letter case; the list may be written as a list or as one string.
A missing section, a misspelt key, an empty list or a list without one address means nobody: a
careless config must never open the import to every signed-in user. The reason is given to the
signed-in user and to the server log.
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
    emails = frozenset(e.strip().lower() for e in raw if isinstance(e, str) and "@" in e and e.strip())
    if not emails:
        return None, "[editors] emails innehåller ingen e-postadress"
    return emails, ""


def decide(secrets: Mapping, logged_in: bool, email: str | None) -> Decision:
    """Whether this visitor may import and publish, and if not, why (fails closed)."""
    if not isinstance(secrets, Mapping) or "auth" not in secrets:
        return Decision(False, "inloggning är inte konfigurerad på den här servern")
    if not logged_in:
        return Decision(False, "du är inte inloggad")
    emails, problem = editor_emails(secrets)
    if emails is None:
        return Decision(False, f"ingen kan importera förrän serverns inställningar rättats ({problem})", True)
    if not email or email.strip().lower() not in emails:
        return Decision(False, f"{email or 'kontot'} finns inte på redaktörslistan")
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
    return Editor(email.strip().lower())
