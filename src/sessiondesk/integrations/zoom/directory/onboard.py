"""Onboarding: Zoom creates the user and emails the invitation; the row is pending until they accept.
An email Zoom already knows (1005) can be adopted instead: the existing Zoom user is copied and linked.
An email already in the directory is neither created nor adopted again: nothing is sent to Zoom."""

from typing import Any

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import calls, linking
from sessiondesk.integrations.zoom.directory import client, links, permissions, upsert, user_types
from sessiondesk.integrations.zoom.directory.client import ZoomUserRow
from sessiondesk.integrations.zoom.directory.models import DirectoryUser, UserStatus

ALREADY_EXISTS = "1005"


class AlreadyExists(permissions.ZoomRefused):
    """Zoom already has a user with this email: the page offers to adopt and link it."""


class TypeNotOffered(permissions.DirectoryRefused):
    """Zoom does not create this type of user on the account's plan (``user_types``): nothing sent."""


class AlreadyInAccount(permissions.DirectoryRefused):
    """The email is already a Zoom user of the account SessionDesk knows: nothing to create or adopt."""


def _already_in(actor: Member, email: str) -> None:
    user = DirectoryUser.objects.filter(org=actor.org, email=email).select_related("member").first()
    if user is None:
        return
    if user.member is not None:
        raise AlreadyInAccount(
            f"{email} is already in the organisation's Zoom account and linked to {user.member.name}: "
            "there is nothing to onboard or adopt."
        )
    raise AlreadyInAccount(
        f"{email} is already in the organisation's Zoom account, linked to no member: link it on its "
        "page instead."
    )


def onboard(
    actor: Member, email: str, first_name: str, last_name: str, user_type: int, member: Member | None = None
) -> DirectoryUser:
    connection = permissions.writable(actor)
    email = email.strip().lower()
    not_offered = user_types.refusal(actor.org_id, user_type)
    if not_offered:
        raise TypeNotOffered(not_offered)
    _already_in(actor, email)
    if member is not None:
        links.check_free("", email, member)  # before Zoom is asked: nothing half-done
    detail: dict[str, Any] = {"email": email, "account_type": user_type}
    try:
        with permissions.zoom_call(actor, "onboard", **detail):
            zoom_id = client.create_user(calls.ZoomCall(connection), email, first_name, last_name, user_type)
    except permissions.ZoomRefused as refused:
        if refused.code == ALREADY_EXISTS:
            _already_in(actor, email)  # a sync added it while Zoom was asked
            raise AlreadyExists(refused.error) from None
        raise
    row = ZoomUserRow(zoom_id, email, first_name, last_name, user_type, "2", UserStatus.PENDING, ())
    with transaction.atomic():
        if member is not None:
            linking.lock(actor.org_id)  # before the row is written: the order every linking path keeps
        user = upsert.upsert(actor.org, connection.zoom_account_id, row)
        if member is not None:
            links.attach(user, member)
        audit.record(
            actor.org, actor, "zoom_directory.onboarded", user, linked=member.name if member else "",
            **detail, **permissions.answer(201, zoom_user_id=zoom_id),
        )  # fmt: skip
    return user


def adopt(actor: Member, email: str, member: Member | None = None) -> DirectoryUser:
    """Take over the Zoom user that already has ``email`` (e.g. made in Zoom by hand) and link it."""
    connection = permissions.writable(actor)
    email = email.strip().lower()
    _already_in(actor, email)
    if member is not None:
        links.check_free("", email, member)
    with permissions.zoom_call(actor, "adopt", email=email):
        row = client.get_user(calls.ZoomCall(connection), email)
    with transaction.atomic():
        if member is not None:
            linking.lock(actor.org_id)  # before the row is written: the order every linking path keeps
        user = upsert.upsert(actor.org, connection.zoom_account_id, row)
        upsert.set_groups(user, row.group_ids)
        if member is not None:
            links.attach(user, member)
        audit.record(
            actor.org, actor, "zoom_directory.adopted", user, email=email, linked=member.name if member else "",
            **permissions.answer(200, zoom_user_id=row.id, status=row.status),
        )  # fmt: skip
    return user
