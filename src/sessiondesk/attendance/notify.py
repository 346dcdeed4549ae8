"""The optional email to staff when a session ends in a no-show (queued in the same transaction)."""

from django.conf import settings
from django.urls import reverse

from sessiondesk.accounts.models import Member, Role
from sessiondesk.attendance.models import Outcome, policy_of
from sessiondesk.notifications.actions import queue_email
from sessiondesk.scheduling.models import Session


def no_show(session: Session, outcome: str) -> int:
    if not policy_of(session.org).email_staff_on_no_show:
        return 0
    who = session.hosts_phrase if outcome == Outcome.CONSULTANT_NO_SHOW else "The client"
    label = Outcome(outcome).label
    staff = Member.objects.filter(
        org=session.org, is_active=True, role__in=[Role.OWNER, Role.ADMIN, Role.STAFF]
    ).select_related("user")
    link = settings.SITE_URL + reverse("session_detail", args=[session.pk])
    for member in staff:
        queue_email(
            to=member.user.email,
            subject=f"{label}: {session.title}",
            body_text=(
                f"{who} did not join {session.title} on {session.local_start(member.timezone):%A %d %B, %H:%M}.\n\n"
                f"The session: {link}\n\nYou can correct the outcome on the session's page."
            ),
            kind="attendance.no_show",
            org=session.org,
            session=session,
        )
    return len(staff)
