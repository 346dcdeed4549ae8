"""A time outside the host's working hours, on the staff forms: asked about with the hours named,
kept only when the person ticks the box, never asked when the host has set no hours."""

import datetime as dt

import pytest
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import AvailabilityRule, Session
from tests.conftest import login
from tests.scheduling.pages.conftest import ny
from tests.scheduling.pages.test_session_create import form  # noqa: F401 (a fixture)

QUESTION = "Keep this time, outside their working hours"


@pytest.fixture
def office_hours(consultant):  # type: ignore[no-untyped-def]
    """Carla works 09:00-17:00 New York on weekdays."""
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(member=consultant, weekday=day, start_time=dt.time(9), end_time=dt.time(17))
        for day in range(5)
    )


def nothing_written() -> tuple[int, int, int]:
    return Session.objects.count(), AuditEntry.objects.count(), OutboundEmail.objects.count()


def test_scheduling_outside_the_hosts_hours_asks_and_saves_nothing(client, staff, form, office_hours):  # noqa: F811
    login(client, staff)
    before = nothing_written()
    response = client.post(reverse("session_create"), {**form, "start_time": "17:30"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Wednesday 17:30–18:30 is outside Carla Consultant’s working hours (Availability). "
        f"Pick another time, or tick “{QUESTION}”." in html
    )
    assert f'name="outside_hours" id="id_outside_hours"> {QUESTION}' in html
    assert nothing_written() == before


def test_the_box_keeps_the_time_outside_the_hosts_hours(client, staff, form, office_hours):  # noqa: F811
    login(client, staff)
    response = client.post(reverse("session_create"), {**form, "start_time": "17:30", "outside_hours": "on"})
    assert response.status_code == 302
    assert Session.objects.get().start == ny(10, 17, 30)


def test_inside_the_hours_nothing_is_asked(client, staff, form, office_hours):  # noqa: F811
    login(client, staff)
    assert QUESTION not in client.get(reverse("session_create")).content.decode()
    assert client.post(reverse("session_create"), {**form, "start_time": "15:00"}).status_code == 302


def test_a_host_who_set_no_hours_is_never_asked_about_them(client, staff, form):  # noqa: F811
    login(client, staff)
    assert client.post(reverse("session_create"), {**form, "start_time": "22:00"}).status_code == 302


def test_rescheduling_outside_the_hosts_hours_asks_first(client, algebra, staff, office_hours):
    login(client, staff)
    url = reverse("session_reschedule", args=[algebra.pk])
    later = {"date": "2027-03-04", "start_time": "19:00", "duration_minutes": "60"}
    response = client.post(url, later)
    assert response.status_code == 400
    assert "Thursday 19:00–20:00 is outside Carla Consultant’s working hours (Availability)." in (
        response.content.decode()
    )
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16)
    assert not OutboundEmail.objects.filter(context__event="rescheduled").exists()
    assert client.post(url, {**later, "outside_hours": "on"}).status_code == 302
    assert Session.objects.get(pk=algebra.pk).start == ny(4, 19)


def test_handing_a_session_to_a_host_off_duty_then_asks(client, algebra, staff, consultant2, student):
    AvailabilityRule.objects.create(
        member=consultant2, weekday=0, start_time=dt.time(9), end_time=dt.time(12)
    )
    login(client, staff)
    url = reverse("session_edit", args=[algebra.pk])
    data = {
        "title": "Algebra",
        "session_type": algebra.session_type_id,
        "consultant": consultant2.pk,
        "clients": [student.pk],
        "where": "online",
        "provider": "custom",
        "custom_meeting_url": "https://meet.example.test/carla",
        "location": "",
        "agenda": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Wednesday 16:00–17:00 is outside Dev Consultant’s working hours (Availability)." in (
        response.content.decode()
    )
    assert Session.objects.get(pk=algebra.pk).consultant_id == algebra.consultant_id
    assert client.post(url, {**data, "outside_hours": "on"}).status_code == 302
    assert Session.objects.get(pk=algebra.pk).consultant_id == consultant2.pk
