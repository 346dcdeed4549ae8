"""How Zoom's refusals land on the meeting link: transient ones retry, permanent ones stop with a remedy."""

from sessiondesk.integrations.zoom.connection import reconnect
from sessiondesk.integrations.zoom.models import ConnectionStatus, ZoomConnection
from sessiondesk.meetings import desired
from sessiondesk.meetings.models import CallAttempt, LinkState
from tests.integrations.zoom.meeting_fixtures import calls, link_of, live_meetings, unpaced  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
ADAM = "adam@zoom.acme.test"


def test_a_zoom_server_error_is_retried_later(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    CallAttempt.objects.all().delete()  # connecting's own calls
    spec = {"kind": "error", "status": 503, "path": "/v2/users/*/meetings", "methods": ["POST"], "count": 1}
    assert zoom.http.post("/_emulator/faults", json=spec).status_code == 201
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    link = link_of(session)
    assert (link.state, link.attempts, link.remedy) == (
        LinkState.PENDING, 1, "Zoom did not answer properly; SessionDesk tries again shortly.",
    )  # fmt: skip
    assert live_meetings(zoom) == []
    # One record of the one call, with its link.
    assert list(CallAttempt.objects.values_list("link", "operation", "status", "outcome")) == [
        (link.pk, "meetings.create", 503, "transient")
    ]


def test_a_host_missing_from_the_zoom_account_stops_with_the_remedy(zoom, admin, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, admin, ADAM, kind="organization")
    own = connect(zoom.http, consultant, CARLA)
    ZoomConnection.objects.filter(pk=own.pk).update(
        zoom_user_id="gone-user"
    )  # removed from the account since
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    assert calls(zoom) == [("POST", "/v2/users/gone-user/meetings", 404)]
    link = link_of(session)
    assert link.state == LinkState.BLOCKED
    assert link.last_error == f"Zoom says {CARLA} is not a user of the connected Zoom account."
    assert link.remedy == f"Add {CARLA} to the Zoom account, or link the consultant to their own Zoom user."


def test_a_token_revoked_at_zoom_marks_the_connection_for_reconnecting(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    token = connection.tokens.access_token
    assert zoom.http.post("/_emulator/tokens/revoke", json={"token": token}).status_code in (200, 204)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 401)]
    link = link_of(session)
    assert (link.state, link.remedy) == (
        LinkState.BLOCKED,
        reconnect.REMEDY,
    )
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert live_meetings(zoom) == []


def test_a_disconnected_host_keeps_the_link_and_waits_with_the_remedy(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    join_url = link_of(session).join_url
    ZoomConnection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.REVOKED)
    session.title = "Renamed"
    session.save()
    desired.session_changed(session)
    run_worker_until_idle()
    link = link_of(session)
    assert (link.state, link.join_url, link.remedy) == (
        LinkState.BLOCKED,
        join_url,
        f"{consultant.name} must connect Zoom",
    )
