"""Online sessions made directly with the ORM, so the tests that use them do not depend on booking rules."""

import datetime as dt

from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.meetings import desired
from sessiondesk.scheduling.models import Provider, Session, SessionType


def make_session(consultant: Member, session_type: SessionType, **fields: object) -> Session:
    """An hour two days ahead, starting on the minute, with a custom meeting link unless ``fields`` say otherwise."""
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    values: dict[str, object] = {
        "org": consultant.org,
        "title": "Algebra lesson",
        "session_type": session_type,
        "consultant": consultant,
        "start": start,
        "end": start + dt.timedelta(hours=1),
        "is_online": True,
        "provider": Provider.CUSTOM,
        "custom_meeting_url": "https://meet.example.test/carla",
    }
    values.update(fields)
    session = Session.objects.create(**values)
    desired.session_changed(session)
    return session


def zoom_session(consultant: Member, session_type: SessionType, **fields: object) -> Session:
    """An online session on Zoom; its meeting link is pending until the worker runs."""
    zoom = {"provider": Provider.ZOOM, "custom_meeting_url": "", "agenda": "Chapter 3: quadratic equations"}
    return make_session(consultant, session_type, **{**zoom, **fields})


def change(session: Session, **fields: object) -> None:
    """Save a session change the way the scheduling actions do: the link's desired version moves with it."""
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    desired.session_changed(session)
