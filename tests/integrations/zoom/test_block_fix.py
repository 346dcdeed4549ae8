"""A Zoom meeting that waits for an account to be connected: its block on the session page offers the
viewer who can fix it a button to the place where they connect, and says who can to everyone else."""

from django.test import Client as HttpClient
from django.urls import reverse

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.models import ConnectionStatus
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Session, SessionType
from tests.conftest import login
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
PERSONAL = reverse("settings") + "?tab=zoom-personal&at=meeting-preferences#meeting-preferences"
ORGANIZATION = reverse("settings") + "?tab=zoom-organization&at=meeting-preferences#meeting-preferences"


def block(web: HttpClient, session: Session) -> str:
    return web.get(reverse("meeting_block", args=[session.pk])).content.decode()


def fix_button(url: str, label: str) -> str:
    return f'<a class="btn btn-primary" href="{url.replace("&", "&amp;")}" data-meeting-fix>{label}</a>'


def blocked_session(consultant: Member, lesson: SessionType) -> Session:
    """A Zoom session of ``consultant`` that the worker has tried: blocked until Zoom is connected."""
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    link = MeetingLink.objects.get(session=session)
    assert (link.state, link.awaits_connection) == (LinkState.BLOCKED, True)
    return session


def test_the_consultant_is_offered_to_connect_zoom(zoom, client, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    session = blocked_session(consultant, lesson)
    body = block(login(client, consultant), session)
    assert f"{consultant.name} must connect Zoom" in body
    assert fix_button(PERSONAL, "Connect Zoom") in body
    assert body.count("data-meeting-fix") == 1
    # The button opens the settings card on the personal tab.
    page = client.get(PERSONAL).content.decode()
    assert '<details class="zoom-card" open>' in page
    assert 'data-zoom-tab="zoom-personal" aria-selected="true"' in page


def test_a_consultant_whose_connection_needs_renewal_is_offered_to_reconnect(  # type: ignore[no-untyped-def]
    zoom, client, consultant, lesson
) -> None:
    connection = connect(zoom.http, consultant, CARLA)
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.save()
    session = blocked_session(consultant, lesson)
    body = block(login(client, consultant), session)
    assert f"{consultant.name} must reconnect Zoom" in body
    assert fix_button(PERSONAL, "Reconnect Zoom") in body


def test_an_admin_is_offered_the_organisations_account(zoom, client, admin, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    session = blocked_session(consultant, lesson)
    body = block(login(client, admin), session)
    assert f"{consultant.name} must connect Zoom" in body
    assert fix_button(ORGANIZATION, "Connect organisation Zoom account") in body
    assert "Connect Zoom</a>" not in body


def test_staff_see_who_must_act_and_no_button(zoom, client, staff, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    session = blocked_session(consultant, lesson)
    body = block(login(client, staff), session)
    assert f"{consultant.name} must connect Zoom" in body
    assert "data-meeting-fix" not in body


def test_a_meeting_once_made_offers_no_fix(zoom, client, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    assert MeetingLink.objects.get(session=session).state == LinkState.ACTIVE
    body = block(login(client, consultant), session)
    assert 'data-meeting-state="ready"' in body
    assert "data-meeting-fix" not in body
