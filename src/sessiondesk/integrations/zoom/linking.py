"""One Zoom user belongs to one SessionDesk member, across personal connections and the organisation's
directory links alike: the single check every path that links a Zoom user to a member runs.

The paths: the personal connect callback (``connection.oauth``), and on the Zoom Users page link,
adopt and onboard, and the directory sync's matching by email (``directory.links``). The two kinds of
link live in two tables, so no database constraint can hold the rule across both; each path instead
takes the organisation's row lock (``lock``) and checks (``holder``) in the transaction that saves.
"""

from dataclasses import dataclass

from django.db.models import Q

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection

PERSONAL, DIRECTORY = "personal", "directory"
OTHER = "another SessionDesk account"
RELEASE = "Settings → Meeting Preferences → Organization → Members' personal Zoom links"


@dataclass(frozen=True)
class Holder:
    org_id: int
    member: Member | None  # None: a removed member, whose link an admin can release
    how: str  # PERSONAL or DIRECTORY

    def name_for(self, org_id: int) -> str:
        """Members of another organisation are never named."""
        if self.org_id != org_id:
            return OTHER
        return self.member.name if self.member is not None else "a removed member"


def lock(org_id: int) -> None:
    """Serialise linking within the organisation (call inside the transaction that saves the link)."""
    Organization.objects.select_for_update().filter(pk=org_id).first()


def _same_user(id_field: str, email_field: str, zoom_user_id: str, email: str) -> Q:
    query = Q(**{f"{email_field}__iexact": email}) if email else Q(pk__in=[])
    if zoom_user_id:
        query |= Q(**{id_field: zoom_user_id})
    return query


def holder(zoom_user_id: str, email: str, besides: Member, row: DirectoryUser | None = None) -> Holder | None:
    """Who other than ``besides`` holds this Zoom user (known by its id, its email or both), if anyone.
    ``row``: the directory row being relinked, whose current link the relinking replaces."""
    connection = (
        ZoomConnection.objects.filter(kind=ConnectionKind.PERSONAL)
        .exclude(status=ConnectionStatus.REVOKED)
        .exclude(member=besides)
        .filter(_same_user("zoom_user_id", "zoom_email", zoom_user_id, email))
        .select_related("member__user")
        .first()
    )
    if connection is not None:
        return Holder(connection.org_id, connection.member, PERSONAL)
    links = DirectoryUser.objects.filter(member__isnull=False).exclude(member=besides)
    if row is not None:
        links = links.exclude(pk=row.pk)
    linked = (
        links.filter(_same_user("zoom_user_id", "email", zoom_user_id, email))
        .select_related("member__user")
        .first()
    )
    if linked is not None:
        return Holder(linked.org_id, linked.member, DIRECTORY)
    return None


def refusal(held: Holder, email: str, org_id: int, *, by_admin: bool) -> str:
    """Who holds the Zoom user and where, the rule, and what to do; ends by saying nothing was saved.
    ``by_admin``: an admin linking on the Zoom Users page (else: a member connecting their own Zoom)."""
    who = held.name_for(org_id)
    if who == OTHER:
        where = ""
        remedy = "Use a Zoom user of your own." if not by_admin else "Link a Zoom user of your own account."
    elif held.how == PERSONAL:
        owner = f"{who}'s" if held.member is not None else "their"
        where = f" That link is {owner} personal Zoom connection."
        ask = f"Ask {who} to disconnect their personal Zoom, or release" if held.member else "Release"
        remedy = (
            f"{ask} that link in {RELEASE}, then link again."
            if by_admin
            else f"Sign in to Zoom as your own Zoom user, or ask an admin to release the old link in {RELEASE} "
            "if it is stale."
        )
    else:
        where = " That link is on the organisation's Zoom Users page."
        remedy = (
            f"Unlink it from {who} on its page first."
            if by_admin
            else "Sign in to Zoom as your own Zoom user, or ask an admin to unlink it on the Zoom Users page "
            "if the link is wrong."
        )
    return (
        f"The Zoom user {email} is already linked to {who}.{where} One Zoom user can be linked to only one "
        f"SessionDesk member at a time, so that each session's meeting has one clear host. {remedy} "
        "Nothing was saved."
    )
