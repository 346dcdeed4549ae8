"""What the transfer app adds to other pages: the Settings card and the audit log's sentence."""

from typing import Any

from django.http import HttpRequest

from sessiondesk.accounts.audit_sentences import Sentence

AREAS = {"import": "Imports"}
SENTENCES: dict[str, Sentence] = {
    "import.applied": lambda t: (
        f"{t.who} imported {t.get('kind')} from {t.get('file') or 'a file'} (lines {t.get('lines')}): "
        f"{t.get('create')} created, {t.get('update')} updated."
    ),
}


def card_context(request: HttpRequest) -> dict[str, Any] | None:
    """Owners, admins and staff import; everyone downloads what they may see."""
    member = getattr(request, "member", None)
    if member is None:
        return None
    return {"imports": member.manages_org, "admin": member.is_admin}
