"""The scheduling actions drive the meeting through the seam: one provider call per net change."""

import datetime as dt

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import Provider
from tests.conftest import login
from tests.meetings.fakes import RecordingProvider
from tests.support.worker import run_worker_until_idle


def _schedule(consultant, lesson, student):  # type: ignore[no-untyped-def]
    start = timezone.now().replace(microsecond=0, second=0) + dt.timedelta(days=3)
    draft = actions.SessionDraft(
        title="Algebra", start=start, end=start + dt.timedelta(hours=1), session_type=lesson,
        consultant=consultant, clients=[student], provider=Provider.ZOOM,
    )  # fmt: skip
    return actions.schedule_session(consultant.org, draft, actor=consultant)


def test_it_follows_a_session_from_booking_to_cancel(
    consultant, lesson, student, recorder: RecordingProvider
) -> None:  # type: ignore[no-untyped-def]
    session = _schedule(consultant, lesson, student)
    run_worker_until_idle()
    actions.update_session(session, actions.SessionChanges(title="Geometry"), actor=consultant)
    actions.update_session(session, actions.SessionChanges(title="Calculus"), actor=consultant)
    actions.reschedule_session(session, start=session.start + dt.timedelta(hours=2), actor=consultant)
    run_worker_until_idle()
    actions.update_session(session, actions.SessionChanges(title="Calculus"), actor=consultant)
    run_worker_until_idle()
    actions.cancel_session(session, actor=consultant)
    run_worker_until_idle()
    assert recorder.calls == [("create", "Algebra"), ("update", "Calculus"), ("delete", "1000")]
    assert MeetingLink.objects.get(session=session).state == "deleted"


def test_it_shows_the_live_block_on_the_session_page(
    client: HttpClient, consultant, lesson, student, recorder
) -> None:  # type: ignore[no-untyped-def]
    session = _schedule(consultant, lesson, student)
    page = login(client, consultant).get(reverse("session_detail", args=[session.pk])).content.decode()
    assert f'id="meeting-block-{session.pk}"' in page
    assert "Creating Recording meeting…" in page
