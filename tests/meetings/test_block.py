from django.test import Client as HttpClient
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Session, SessionStatus
from tests.conftest import login
from tests.support.worker import run_worker_until_idle


def _block(client: HttpClient, session: Session):  # type: ignore[no-untyped-def]
    return client.get(reverse("meeting_block", args=[session.pk]))


def _retry(client: HttpClient, session: Session, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("meeting_retry", args=[session.pk]), headers=headers)


def test_it_requires_login(client: HttpClient, session: Session) -> None:
    response = _block(client, session)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_creating_and_polls_while_the_meeting_is_pending(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    body = _block(login(client, consultant), zoom_session).content.decode()
    assert "Creating Recording meeting…" in body
    assert 'hx-trigger="every 1s"' in body
    assert f'hx-get="/sessions/{zoom_session.pk}/meeting/"' in body


def test_it_shows_the_meeting_and_stops_polling_once_settled(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    body = _block(login(client, consultant), zoom_session).content.decode()
    assert "https://meet.test/j/1000" in body
    assert "Passcode:</span> abc123" in body
    assert "Meeting host:</span> Carla" in body
    assert "(America/New York)" in body
    assert "hx-trigger" not in body


def test_it_shows_the_start_url_only_to_the_host(client, zoom_session, consultant, staff) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    assert "https://meet.test/s/1000" in _block(login(client, consultant), zoom_session).content.decode()
    assert "https://meet.test/s/1000" not in _block(login(client, staff), zoom_session).content.decode()


def test_it_shows_updating_after_an_edit(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.meetings import desired

    run_worker_until_idle()
    desired.session_changed(zoom_session)
    body = _block(login(client, consultant), zoom_session).content.decode()
    assert "Updating…" in body
    assert "https://meet.test/j/1000" in body
    assert 'hx-trigger="every 1s"' in body


def test_it_shows_a_failure_with_its_remedy_and_a_retry_button(client, session, consultant) -> None:  # type: ignore[no-untyped-def]
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.BLOCKED, last_error="Invalid token", remedy="Carla must reconnect Zoom."
    )
    body = _block(login(client, consultant), session).content.decode()
    assert "Needs attention" in body
    assert "Invalid token" in body
    assert "Carla must reconnect Zoom." in body
    assert f'hx-post="/sessions/{session.pk}/meeting/retry/"' in body
    assert "hx-trigger" not in body


def test_it_says_when_the_session_is_cancelled(client, session, consultant) -> None:  # type: ignore[no-untyped-def]
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    body = _block(login(client, consultant), session).content.decode()
    assert "The session is cancelled" in body


def test_it_lets_staff_see_any_session_of_the_organisation(client, session, staff) -> None:  # type: ignore[no-untyped-def]
    assert _block(login(client, staff), session).status_code == 200


def test_it_refuses_a_consultant_another_consultants_session(client, session, consultant2) -> None:  # type: ignore[no-untyped-def]
    assert _block(login(client, consultant2), session).status_code == 403


def test_it_is_404_for_another_organisation(client, session, outsider) -> None:  # type: ignore[no-untyped-def]
    assert _block(login(client, outsider), session).status_code == 404


def test_it_retries_a_blocked_link(client, session, consultant: Member) -> None:  # type: ignore[no-untyped-def]
    MeetingLink.objects.filter(session=session).update(state=LinkState.BLOCKED, attempts=3, last_error="Boom")
    response = _retry(login(client, consultant), session, HX_Request="true")
    link = MeetingLink.objects.get(session=session)
    assert response.status_code == 200
    assert "Updating…" in response.content.decode()
    assert (link.state, link.attempts) == ("pending", 0)
    assert AuditEntry.objects.filter(action="meeting.retry", object_id=str(session.pk)).count() == 1


def test_it_redirects_back_to_the_session_without_htmx(client, session, consultant) -> None:  # type: ignore[no-untyped-def]
    MeetingLink.objects.filter(session=session).update(state=LinkState.BLOCKED)
    response = _retry(login(client, consultant), session)
    assert response.status_code == 302
    assert response.url == reverse("session_detail", args=[session.pk])


def test_it_leaves_a_healthy_link_alone_on_retry(client, session, consultant) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    _retry(login(client, consultant), session)
    assert MeetingLink.objects.get(session=session).state == "active"
    assert AuditEntry.objects.filter(action="meeting.retry").count() == 0


def test_it_refuses_retry_to_another_organisation(client, session, outsider) -> None:  # type: ignore[no-untyped-def]
    MeetingLink.objects.filter(session=session).update(state=LinkState.BLOCKED)
    assert _retry(login(client, outsider), session).status_code == 404
    assert MeetingLink.objects.get(session=session).state == "blocked"


def test_it_refuses_retry_to_a_colleague(client, session, consultant2) -> None:  # type: ignore[no-untyped-def]
    MeetingLink.objects.filter(session=session).update(state=LinkState.BLOCKED)
    assert _retry(login(client, consultant2), session).status_code == 403
    assert MeetingLink.objects.get(session=session).state == "blocked"


def test_it_refuses_get_on_retry(client, session, consultant) -> None:  # type: ignore[no-untyped-def]
    assert login(client, consultant).get(reverse("meeting_retry", args=[session.pk])).status_code == 405
