"""The meeting block of a Zoom session: Creating → join link, Zoom host, time, passcode and an
"Open Zoom" button that starts the meeting for its host only; also in the sessions list."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from sessiondesk.integrations.zoom.meetings.answers import ZoomAnswers
from sessiondesk.integrations.zoom.meetings.notes import inside_zoom_notes
from sessiondesk.meetings import desired
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.meetings.providers import ProviderError
from sessiondesk.scheduling.models import Session
from tests.conftest import login
from tests.meetings.fakes import RecordingProvider
from tests.support.worker import run_worker_until_idle

JOIN, START = "https://meet.test/j/1000", "https://meet.test/s/1000"


@pytest.fixture(autouse=True)
def zoom_label(recorder: RecordingProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recording provider speaks as Zoom's provider does on the card."""
    recorder.label = "Zoom"
    for name in ("open_label", "host_caption", "start_note"):
        monkeypatch.setattr(recorder, name, getattr(ZoomAnswers, name))
    monkeypatch.setattr(recorder, "card_notes", inside_zoom_notes)


def block(client: HttpClient, session: Session) -> str:
    return client.get(reverse("meeting_block", args=[session.pk])).content.decode()


def listing(client: HttpClient) -> str:
    return client.get(reverse("home")).content.decode()


def test_it_says_creating_zoom_meeting_and_polls(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    body = block(login(client, consultant), zoom_session)
    assert "Creating Zoom meeting…" in body
    assert 'hx-trigger="every 1s"' in body
    assert "Open Zoom" not in body


def test_the_host_opens_zoom_with_the_start_url(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    body = block(login(client, consultant), zoom_session)
    assert f'href="{START}" target="_blank" rel="noopener" data-meeting-open="start">Open Zoom</a>' in body
    assert "Starts the meeting as its host; only you see this button." in body
    assert f">{JOIN}</a>" in body
    assert "Zoom host:</span> Carla" in body
    assert "Passcode:</span> abc123" in body
    assert "Scheduled:</span>" in body and "(America/New York)" in body
    assert 'data-meeting-state="ready"' in body
    assert "hx-trigger" not in body


def test_everyone_else_opens_zoom_with_the_join_url_and_never_sees_the_start_url(
    client, zoom_session, staff
) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    body = block(login(client, staff), zoom_session)
    assert f'href="{JOIN}" target="_blank" rel="noopener" data-meeting-open="join">Open Zoom</a>' in body
    assert START not in body
    assert "Starts the meeting" not in body


def test_it_shows_updating_after_an_edit_and_keeps_the_link(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    desired.session_changed(zoom_session)
    body = block(login(client, consultant), zoom_session)
    assert "Updating…" in body
    assert "Open Zoom" in body
    assert 'hx-trigger="every 1s"' in body


def test_a_failure_shows_its_remedy_and_a_retry_button(client, zoom_session, consultant, recorder) -> None:  # type: ignore[no-untyped-def]
    recorder.failures.append(
        ProviderError("Carla has not connected Zoom.", permanent=True, remedy="Carla must connect Zoom")
    )
    run_worker_until_idle()
    body = block(login(client, consultant), zoom_session)
    assert 'data-meeting-state="failed"' in body
    assert "Carla has not connected Zoom." in body
    assert "Carla must connect Zoom" in body
    assert ">Retry</button>" in body
    assert f'hx-post="/sessions/{zoom_session.pk}/meeting/retry/"' in body


def test_the_sessions_list_has_the_compact_form(client, zoom_session, consultant, staff) -> None:  # type: ignore[no-untyped-def]
    assert "Creating Zoom meeting…" in listing(login(client, consultant))
    run_worker_until_idle()

    host_view = listing(login(client, consultant))
    assert f'<a href="{START}" target="_blank" rel="noopener">Open Zoom</a>' in host_view
    assert "· Carla" in host_view
    staff_view = listing(login(client, staff))
    assert f'<a href="{JOIN}" target="_blank" rel="noopener">Open Zoom</a>' in staff_view
    assert START not in staff_view


def test_the_sessions_list_shows_a_failure_compactly(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    MeetingLink.objects.filter(session=zoom_session).update(
        state="blocked", last_error="Zoom refused.", remedy="Reconnect Zoom."
    )
    body = listing(login(client, consultant))
    assert '<span class="badge badge-bad" title="Reconnect Zoom.">Meeting needs attention</span>' in body


def test_it_notes_what_was_done_inside_zoom(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.accounts import audit

    run_worker_until_idle()
    changes = {"topic": {"from": "Algebra lesson", "to": "x"}, "start_time": {"from": "a", "to": "b"}}
    audit.record(zoom_session.org, None, "meeting.changed_in_zoom", zoom_session, changes=changes)
    audit.record(zoom_session.org, None, "meeting.deleted_in_zoom", zoom_session, outcome="recreating")

    body = block(login(client, consultant), zoom_session)

    notes = [line for line in body.splitlines() if "data-provider-note" in line]
    assert len(notes) == 2
    assert "The meeting was deleted inside Zoom on " in notes[0]
    assert "SessionDesk replaces it with a new one." in notes[0]
    assert "Its title and start time changed inside Zoom on " in notes[1]
    assert "(America/New York); SessionDesk put it back." in notes[1]


def test_a_session_without_inside_zoom_changes_has_no_notes(client, zoom_session, consultant) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    assert "data-provider-note" not in block(login(client, consultant), zoom_session)
