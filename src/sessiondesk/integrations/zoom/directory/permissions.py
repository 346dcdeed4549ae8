"""Who may change the Zoom directory, through which connection, and how each attempt is recorded."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member, Organization
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.errors import ZoomError, quoted
from sessiondesk.integrations.zoom.models import AdminMode, ConnectionKind, ConnectionStatus, ZoomConnection

READ_ONLY = (
    "The organisation's Zoom account is connected Read-only, so SessionDesk shows its Zoom users but "
    "changes nothing in Zoom. To add, change or remove Zoom users, choose Read/Write in Settings → "
    "Meeting Preferences → Organization and grant the write permissions at Zoom."
)

# What a person can do about Zoom's answers to the directory calls.
REMEDIES = {
    "1005": "That email already has a Zoom user in this account: adopt it and link it instead.",
    "1009": "That person already holds a Zoom account of their own: ask them to accept joining yours, "
    "or use another email.",
    "1117": "Zoom does not let an admin be disassociated: change their role to Member first, or choose Delete.",
    "1034": "That role no longer exists in Zoom: sync the directory and choose again.",
    "4130": "That group no longer exists in Zoom: sync the directory and choose again.",
    "1001": "That Zoom user is no longer in the account: sync the directory.",
    "2033": "The Zoom account has no licence left: free one or buy more in Zoom, or choose Basic.",
    "2034": "The Zoom account has no licence left: free one or buy more in Zoom, or choose Basic.",
    "3412": "The Zoom account has no room left for this type of user: for Licensed, free or buy a licence "
    "in Zoom, or choose Basic; for Basic, remove unused users in Zoom first.",
    "1107": "Zoom refuses this email domain for the account: use another email.",
}


class DirectoryRefused(Exception):
    """A change SessionDesk will not make (nothing was sent to Zoom), with the reason to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ZoomRefused(Exception):
    """Zoom answered with an error: its message and what to do about it."""

    def __init__(self, error: ZoomError) -> None:
        super().__init__(error.message)
        self.error = error
        self.code = error.code
        self.message = error.message
        self.remedy = REMEDIES.get(error.code) or error.remedy

    @property
    def text(self) -> str:
        return f"Zoom refused: {quoted(self.message)}" + (f" {self.remedy}" if self.remedy else "")


def connection_of(org: Organization) -> ZoomConnection | None:
    """The organisation's active Zoom connection, if any."""
    return ZoomConnection.objects.filter(
        org=org, kind=ConnectionKind.ORGANIZATION, status=ConnectionStatus.ACTIVE
    ).first()


def write_refusal(connection: ZoomConnection | None) -> str:
    """Why writes are disabled now ("" when they are allowed)."""
    if connection is None:
        return (
            "No organisation Zoom account is connected. An owner or admin of the Zoom account connects "
            "it in Settings → Meeting Preferences → Organization."
        )
    if connection.admin_mode != AdminMode.READ_WRITE:
        return READ_ONLY
    lacking = [
        need
        for need in scopes.missing(ConnectionKind.ORGANIZATION, AdminMode.READ_WRITE, connection.scopes)
        if need in scopes.ORGANIZATION_WRITE
    ]
    if lacking:
        named = ", ".join(need.name for need in lacking)
        return (
            f"The organisation's Zoom authorisation lacks {named}, so SessionDesk cannot change Zoom users. "
            "Connect it again with Read/Write in Settings → Meeting Preferences → Organization."
        )
    return ""


def writable(actor: Member) -> ZoomConnection:
    """The connection to change Zoom users through; raises DirectoryRefused (read-only, missing, not admin)."""
    if not actor.is_admin:
        raise DirectoryRefused("Only owners and admins can manage the organisation's Zoom users.")
    connection = connection_of(actor.org)
    refusal = write_refusal(connection)
    if refusal:
        raise DirectoryRefused(refusal)
    assert connection is not None
    return connection


@contextmanager
def zoom_call(actor: Member | None = None, action: str = "", **detail: Any) -> Iterator[None]:
    """Zoom's errors (and a token Zoom refuses), as the refusal a person sees; with an ``actor`` and
    an ``action``, the refusal is also audited as ``zoom_directory.<action>_failed`` with ``detail``.
    The calls inside go through ``calls.ZoomCall(connection)``, paced like every call to the account."""
    try:
        try:
            yield
        except ZoomError as exc:
            raise ZoomRefused(exc) from exc
    except ZoomRefused as refused:
        if actor is not None and action:
            record_failure(actor, action, refused, **detail)
        raise


def answer(http_status: int, **detail: Any) -> dict[str, Any]:
    """Zoom's answer as the audit log keeps it."""
    return {"zoom_status": http_status, **detail}


def record_failure(actor: Member, action: str, error: ZoomRefused, **detail: Any) -> None:
    """A refused change is audited too, with Zoom's answer (in its own transaction: nothing else changed)."""
    with transaction.atomic():
        audit.record(
            actor.org,
            actor,
            f"zoom_directory.{action}_failed",
            None,
            zoom_status=error.error.status,
            zoom_code=error.code,
            zoom_message=error.message,
            **detail,
        )
