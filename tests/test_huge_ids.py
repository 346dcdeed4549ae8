"""Ids from addresses and forms beyond what a row can have (over 2^63 - 1) name no row: pages answer
as for an unknown id (a 400 with the field's error, or a filter nothing matches), never a 500
(SQLite refuses to compare such a number with a column)."""

import pytest
from django.test import Client as HttpClient

from sessiondesk.scheduling.models import Calendar, Session
from tests.conftest import login

pytestmark = pytest.mark.django_db

HUGE = "9" * 20


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/", {"consultant": HUGE}, 400),
        ("/", {"client": HUGE}, 400),
        ("/sessions/new/", {"consultant": HUGE}, 200),
        ("/calendar/", {"consultants": HUGE}, 400),
        ("/calendar/consultants/", {"consultants": HUGE}, 400),
        ("/audit/", {"member": HUGE}, 200),
        ("/audit/export.csv", {"member": HUGE}, 200),
    ],
)
def test_an_address_with_a_huge_id_is_answered(client: HttpClient, owner, url, params, status) -> None:  # type: ignore[no-untyped-def]
    response = login(client, owner).get(url, params)
    assert response.status_code == status
    if url == "/audit/export.csv":
        assert b"".join(response.streaming_content).count(b"\n") == 1  # the header row only
    if url == "/audit/":
        assert "created the organisation" not in response.content.decode()


def test_a_form_with_a_huge_id_is_refused_on_its_field(client: HttpClient, owner, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    login(client, owner)
    session = client.post(
        "/sessions/new/",
        {
            "title": "Lesson",
            "session_type": lesson.pk,
            "consultant": consultant.pk,
            "date": "2030-01-07",
            "start_time": "10:00",
            "duration_minutes": "60",
            "clients": [HUGE],
            "where": "in_person",
        },
    )
    calendar = client.post(
        "/calendars/new/",
        {"name": "Huge", "kind": "personal", "members": [HUGE], "session_type": lesson.pk},
    )
    assert session.status_code == calendar.status_code == 400
    assert "That client is not one of this organisation&#x27;s clients." in session.content.decode()
    assert f"“{HUGE}” is not a valid value." in calendar.content.decode()
    assert Session.objects.count() == 0
    assert Calendar.objects.filter(name="Huge").exists() is False
