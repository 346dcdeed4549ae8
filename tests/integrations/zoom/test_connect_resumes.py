"""Connecting Zoom resumes the meetings that waited only for a connection: nobody has to press Retry
on every session once the consultant (or the organisation) has connected."""

import datetime as dt
from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.directory import sync as directory_sync
from sessiondesk.meetings import reconciler
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.meetings.providers import ProviderError
from sessiondesk.scheduling.models import SessionType
from tests.conftest import login
from tests.integrations.zoom.conftest import connect_through_pages
from tests.integrations.zoom.meeting_fixtures import (
    calls,
    clear_log,
    link_of,
    live_meetings,
    unpaced,  # noqa: F401
)
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle


def test_connecting_resumes_that_consultants_waiting_meetings(
    client: HttpClient, zoom: Any, consultant: Member, consultant2: Member, lesson: SessionType
) -> None:
    carla = zoom_session(consultant, lesson)
    dev = zoom_session(consultant2, lesson, title="Physics lesson")
    flagged = zoom_session(consultant, lesson, title="Deleted in Zoom")
    assert run_worker_until_idle() == 3
    assert (link_of(carla).state, link_of(carla).awaits_connection) == (LinkState.BLOCKED, True)
    assert link_of(carla).remedy == "Carla Consultant must connect Zoom"
    # A block that connecting does not fix (the organisation chose to flag meetings deleted in Zoom).
    MeetingLink.objects.filter(session=flagged).update(awaits_connection=False, remedy="Recreate it by hand")

    login(client, consultant)
    assert connect_through_pages(client, zoom, "carla@zoom.acme.test").status_code == 302

    assert (link_of(carla).state, link_of(carla).attempts) == (LinkState.PENDING, 0)
    assert link_of(dev).state == LinkState.BLOCKED  # Dev has not connected
    assert link_of(flagged).state == LinkState.BLOCKED
    clear_log(zoom)
    assert run_worker_until_idle() == 1
    link = link_of(carla)
    assert (link.state, link.awaits_connection, link.remedy) == (LinkState.ACTIVE, False, "")
    assert [m.topic for m in live_meetings(zoom)] == ["Algebra lesson"]
    assert [(method, status) for method, _path, status in calls(zoom)] == [("POST", 201)]
    assert (link_of(dev).state, link_of(flagged).state) == (LinkState.BLOCKED, LinkState.BLOCKED)


def test_the_organisations_account_resumes_them_after_its_first_directory_sync(
    client: HttpClient, zoom: Any, admin: Member, consultant: Member, consultant2: Member, lesson: SessionType
) -> None:
    """Not at once: a meeting made before the sync has linked the consultants to their own Zoom users
    would be made in the connecting admin's account."""
    carla = zoom_session(consultant, lesson)
    dev = zoom_session(consultant2, lesson, title="Physics lesson")
    assert run_worker_until_idle() == 2

    login(client, admin)
    assert connect_through_pages(client, zoom, "adam@zoom.acme.test", "organization").status_code == 302
    assert [link_of(s).state for s in (carla, dev)] == [LinkState.BLOCKED, LinkState.BLOCKED]

    assert directory_sync.run(admin.org) is not None
    assert [link_of(s).state for s in (carla, dev)] == [LinkState.PENDING, LinkState.PENDING]
    assert not MeetingLink.objects.filter(awaits_connection=True).exists()


def test_a_meeting_in_a_workers_hands_while_zoom_connects_is_taken_again(
    client: HttpClient, zoom: Any, consultant: Member, lesson: SessionType
) -> None:
    """The worker looked for a host just before the connection was stored and is about to save "must
    connect Zoom": that answer must not stick."""
    session = zoom_session(consultant, lesson)
    MeetingLink.objects.filter(session=session).update(
        lease_owner="worker-1", lease_until=timezone.now() + dt.timedelta(minutes=1)
    )
    stale = link_of(session)

    login(client, consultant)
    assert connect_through_pages(client, zoom, "carla@zoom.acme.test").status_code == 302
    assert link_of(session).desired_version == stale.desired_version + 1

    too_late = ProviderError("Carla has not connected Zoom", permanent=True, awaits_connection=True)
    reconciler._failed(stale, stale.desired_version, "worker-1", too_late)
    link = link_of(session)
    assert (link.state, link.lease_owner) == (LinkState.PENDING, "")
    assert link.next_attempt_at <= timezone.now()
    assert run_worker_until_idle() == 1
    assert link_of(session).state == LinkState.ACTIVE
