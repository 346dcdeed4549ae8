"""Disconnecting Zoom (or the app removed inside Zoom) leaves the sessions' join links in place;
further changes for that host wait, and the meeting block says what to do."""

from typing import Any

from django.test import Client as HttpClient

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.models import ZoomConnection
from sessiondesk.meetings.models import LinkState
from sessiondesk.scheduling.models import Session, SessionType
from tests.conftest import login
from tests.integrations.zoom.meeting_fixtures import (
    calls,
    clear_log,
    link_of,
    live_meetings,
    unpaced,  # noqa: F401
)
from tests.support.sessions import change, zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect


def scheduled(zoom: Any, consultant: Member, lesson: SessionType) -> Session:
    connect(zoom.http, consultant, "carla@zoom.acme.test")
    session = zoom_session(consultant, lesson)
    assert run_worker_until_idle() == 1
    clear_log(zoom)
    return session


def block(web: HttpClient, session: Session) -> str:
    return web.get(f"/sessions/{session.pk}/meeting/").content.decode()


def test_a_sessions_join_link_survives_a_disconnect(
    client: HttpClient, zoom: Any, consultant: Member, lesson: SessionType
) -> None:
    session = scheduled(zoom, consultant, lesson)
    join_url = link_of(session).join_url
    login(client, consultant)

    with zoom.committing():
        assert client.post("/integrations/zoom/disconnect/personal/").status_code == 302

    link = link_of(session)
    assert (link.state, link.join_url) == (LinkState.ACTIVE, join_url)
    assert [str(m.id) for m in live_meetings(zoom)] == [link.external_id]  # nothing deleted at Zoom
    assert run_worker_until_idle() == 0
    body = block(client, session)
    assert join_url in body
    assert 'data-meeting-state="ready"' in body


def test_a_later_change_waits_with_the_remedy_and_keeps_the_link(
    client: HttpClient, zoom: Any, consultant: Member, lesson: SessionType
) -> None:
    session = scheduled(zoom, consultant, lesson)
    join_url = link_of(session).join_url
    login(client, consultant)
    with zoom.committing():
        client.post("/integrations/zoom/disconnect/personal/")
    clear_log(zoom)

    change(session, title="Geometry lesson")
    run_worker_until_idle()

    link = link_of(session)
    assert (link.state, link.join_url) == (LinkState.BLOCKED, join_url)
    assert calls(zoom) == []  # no call with a token SessionDesk no longer holds
    body = block(client, session)
    assert 'data-meeting-state="failed"' in body
    assert link.remedy and link.remedy in body
    assert ">Retry</button>" in body
    assert join_url in body


def test_after_reconnecting_retry_brings_the_meeting_up_to_date(
    client: HttpClient, zoom: Any, consultant: Member, lesson: SessionType
) -> None:
    session = scheduled(zoom, consultant, lesson)
    meeting_id = link_of(session).external_id
    login(client, consultant)
    with zoom.committing():
        client.post("/integrations/zoom/disconnect/personal/")
    change(session, title="Geometry lesson")
    run_worker_until_idle()
    ZoomConnection.objects.all().delete()
    connect(zoom.http, consultant, "carla@zoom.acme.test")

    assert client.post(f"/sessions/{session.pk}/meeting/retry/").status_code == 302
    run_worker_until_idle()

    link = link_of(session)
    assert link.state == LinkState.ACTIVE
    assert [m.topic for m in live_meetings(zoom)] == ["Geometry lesson"]
    assert link.external_id == meeting_id
