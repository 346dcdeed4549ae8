"""Offboarding: the person loses access to the Zoom account at once (disassociated into a free account
of their own, or deleted), optionally handing their meetings to someone; their upcoming sessions are
flagged for reassignment."""

from typing import Any

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import calls
from sessiondesk.integrations.zoom.directory import client, permissions, upsert
from sessiondesk.integrations.zoom.directory.models import DirectoryUser

ACTIONS = ("disassociate", "delete")


def offboard(actor: Member, user: DirectoryUser, action: str = "disassociate", transfer_to: str = "") -> int:
    """Returns how many upcoming sessions were flagged for reassignment."""
    connection = permissions.writable(actor)
    if action not in ACTIONS:
        raise permissions.DirectoryRefused("Choose Disassociate or Delete.")
    transfer_to = transfer_to.strip().lower()
    if transfer_to:
        target = DirectoryUser.objects.filter(org=actor.org, email=transfer_to, status="active").first()
        if target is None or target.pk == user.pk:
            raise permissions.DirectoryRefused(
                "Meetings can be transferred only to another active Zoom user of the account."
            )
    detail: dict[str, Any] = {"email": user.email, "zoom_action": action, "transfer_to": transfer_to}
    with permissions.zoom_call(actor, "offboard", **detail):
        client.delete_user(calls.ZoomCall(connection), user.path_id, action, transfer_to)
    with transaction.atomic():
        linked = user.member.name if user.member else ""
        flagged = upsert.forget(user)
        audit.record(
            actor.org, actor, "zoom_directory.offboarded", None, linked=linked, sessions_flagged=flagged,
            **detail, **permissions.answer(204),
        )  # fmt: skip
    return flagged
