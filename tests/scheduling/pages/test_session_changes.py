"""Edit, reschedule and cancel from the session pages, for one session or this and following."""

import pytest
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.forms.sessions import EditSessionForm
from sessiondesk.scheduling.models import Client, Session, SessionStatus
from tests.conftest import login
from tests.scheduling.pages.conftest import book, ny


def edit_data(session: Session, **changes) -> dict:
    data = {k: v for k, v in EditSessionForm.initial_from(session).items() if v is not None}
    data["session_type"] = session.session_type_id
    data.update(changes)
    return data


def counts() -> tuple[int, int, list[int]]:
    versions = list(MeetingLink.objects.order_by("pk").values_list("desired_version", flat=True))
    return AuditEntry.objects.count(), OutboundEmail.objects.count(), versions


def starts(sessions: list[Session]) -> list[str]:
    return [Session.objects.get(pk=s.pk).start.isoformat() for s in sessions]


# Edit


def test_it_renames_a_session_and_tells_everyone(client, algebra, staff):
    login(client, staff)
    response = client.post(reverse("session_edit", args=[algebra.pk]), edit_data(algebra, title="Geometry"))
    assert response.status_code == 302
    assert Session.objects.get(pk=algebra.pk).title == "Geometry"
    assert AuditEntry.objects.get(action="session.updated").detail == {"fields": ["title"], "scope": "this"}
    assert sorted(OutboundEmail.objects.filter(context__event="updated").values_list("to", flat=True)) == [
        "carla@acme.test",
        "stu@example.test",
    ]
    assert MeetingLink.objects.get(session=algebra).desired_version == 2
    assert "Changes saved." in client.get(response["Location"]).content.decode()


def test_it_saves_nothing_when_nothing_changed(client, algebra, staff):
    login(client, staff)
    before = counts()
    response = client.post(reverse("session_edit", args=[algebra.pk]), edit_data(algebra))
    assert response.status_code == 302
    assert counts() == before
    assert AuditEntry.objects.filter(action="session.updated").count() == 0
    assert "Nothing changed." in client.get(response["Location"]).content.decode()


def test_it_changes_the_attendees(client, algebra, staff, org, student):
    other = Client.objects.create(org=org, name="Olga", email="olga@example.test")
    login(client, staff)
    client.post(
        reverse("session_edit", args=[algebra.pk]), edit_data(algebra, clients=[student.pk, other.pk])
    )
    assert sorted(c.name for c in Session.objects.get(pk=algebra.pk).clients.all()) == ["Olga", "Stu Student"]


def test_it_reassigns_to_another_consultant(client, algebra, staff, consultant2):
    login(client, staff)
    client.post(reverse("session_edit", args=[algebra.pk]), edit_data(algebra, consultant=consultant2.pk))
    assert Session.objects.get(pk=algebra.pk).consultant == consultant2


def test_it_refuses_a_consultant_handing_a_session_to_a_colleague(client, algebra, consultant, consultant2):
    login(client, consultant)
    before = counts()
    response = client.post(
        reverse("session_edit", args=[algebra.pk]), edit_data(algebra, consultant=consultant2.pk)
    )
    assert response.status_code == 400
    assert (
        "Select a valid choice. That choice is not one of the available choices." in response.content.decode()
    )
    assert Session.objects.get(pk=algebra.pk).consultant == consultant
    assert counts() == before


def test_it_refuses_a_reassignment_that_double_books(client, algebra, staff, consultant2, lesson):
    book(consultant2, lesson, ny(3, 16, 30), title="Dev's lesson")
    login(client, staff)
    before = counts()
    response = client.post(
        reverse("session_edit", args=[algebra.pk]), edit_data(algebra, consultant=consultant2.pk)
    )
    assert response.status_code == 400
    assert "Dev Consultant already has a session at that time (Dev&#x27;s lesson, Wed 03 Mar 21:30 GMT)." in (
        response.content.decode()
    )
    assert Session.objects.get(pk=algebra.pk).consultant_id == algebra.consultant_id
    assert counts() == before


def test_it_refuses_a_custom_link_without_its_url(client, algebra, staff):
    login(client, staff)
    before = counts()
    response = client.post(
        reverse("session_edit", args=[algebra.pk]), edit_data(algebra, custom_meeting_url="")
    )
    assert response.status_code == 400
    assert "A custom meeting link needs its URL." in response.content.decode()
    assert Session.objects.get(pk=algebra.pk).custom_meeting_url == "https://meet.example.test/carla"
    assert counts() == before


def test_it_renames_this_and_the_following_sessions(client, weekly, staff):
    login(client, staff)
    data = edit_data(weekly[1], title="Advanced lesson", scope="following")
    client.post(reverse("session_edit", args=[weekly[1].pk]), data)
    assert [Session.objects.get(pk=s.pk).title for s in weekly] == [
        "Weekly lesson",
        "Advanced lesson",
        "Advanced lesson",
        "Advanced lesson",
    ]


def test_it_renames_only_this_session_by_default(client, weekly, staff):
    login(client, staff)
    client.post(
        reverse("session_edit", args=[weekly[1].pk]), edit_data(weekly[1], title="One-off", scope="this")
    )
    assert [Session.objects.get(pk=s.pk).title for s in weekly] == [
        "Weekly lesson",
        "One-off",
        "Weekly lesson",
        "Weekly lesson",
    ]


def test_it_sends_the_edit_page_of_a_cancelled_session_back_to_the_card(client, algebra, staff):
    actions.cancel_session(algebra, actor=staff)
    login(client, staff)
    for name in ("session_edit", "session_reschedule"):
        response = client.get(reverse(name, args=[algebra.pk]))
        assert response.status_code == 302
        assert response["Location"] == f"/sessions/{algebra.pk}/"


# Reschedule


def test_it_shows_the_reschedule_form_in_local_time(client, algebra, staff):
    login(client, staff)
    response = client.get(reverse("session_reschedule", args=[algebra.pk]))
    html = response.content.decode()
    assert 'name="date" value="2027-03-03"' in html
    assert 'name="start_time" value="16:00"' in html
    assert 'name="duration_minutes" value="60"' in html
    assert "In your time zone, <strong>America/New York</strong>." in html


def test_it_reschedules_from_local_time(client, algebra, staff):
    login(client, staff)
    response = client.post(
        reverse("session_reschedule", args=[algebra.pk]),
        {"date": "2027-03-16", "start_time": "09:15", "duration_minutes": "30"},
    )
    moved = Session.objects.get(pk=algebra.pk)
    assert response.status_code == 302
    assert (moved.start.isoformat(), moved.end.isoformat()) == (
        "2027-03-16T13:15:00+00:00",
        "2027-03-16T13:45:00+00:00",
    )
    assert OutboundEmail.objects.filter(context__event="rescheduled").count() == 2
    assert "Moved to Tuesday 16 March at 09:15 EDT." in client.get(response["Location"]).content.decode()


def test_it_moves_this_and_the_following_sessions_by_the_same_wall_clock_shift(client, weekly, staff):
    login(client, staff)
    client.post(
        reverse("session_reschedule", args=[weekly[1].pk]),
        {"date": "2027-03-12", "start_time": "17:00", "duration_minutes": "60", "scope": "following"},
    )
    # Thursdays 15:00 New York become Fridays 17:00, summer time included.
    assert starts(weekly) == [
        "2027-03-04T20:00:00+00:00",
        "2027-03-12T22:00:00+00:00",
        "2027-03-19T21:00:00+00:00",
        "2027-03-26T21:00:00+00:00",
    ]


def test_it_moves_only_this_occurrence(client, weekly, staff):
    login(client, staff)
    client.post(
        reverse("session_reschedule", args=[weekly[1].pk]),
        {"date": "2027-03-12", "start_time": "17:00", "duration_minutes": "60", "scope": "this"},
    )
    assert starts(weekly) == [
        "2027-03-04T20:00:00+00:00",
        "2027-03-12T22:00:00+00:00",
        "2027-03-18T19:00:00+00:00",
        "2027-03-25T19:00:00+00:00",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2027-02-26", "start_time": "10:00", "duration_minutes": "60"}, "That time is in the past"),
        (
            {"date": "2027-03-16", "start_time": "10:00", "duration_minutes": "0"},
            "greater than or equal to 5",
        ),
        ({"date": "16 March", "start_time": "10:00", "duration_minutes": "60"}, "Enter a valid date."),
    ],
)
def test_it_refuses_a_bad_new_time_and_changes_nothing(client, algebra, staff, data, message):
    login(client, staff)
    before = counts()
    response = client.post(reverse("session_reschedule", args=[algebra.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert starts([algebra]) == ["2027-03-03T21:00:00+00:00"]
    assert counts() == before


def test_it_refuses_a_new_time_that_clashes(client, algebra, staff, consultant, lesson):
    book(consultant, lesson, ny(16, 10), title="Physics")
    login(client, staff)
    before = counts()
    response = client.post(
        reverse("session_reschedule", args=[algebra.pk]),
        {"date": "2027-03-16", "start_time": "09:30", "duration_minutes": "60"},
    )
    assert response.status_code == 400
    assert "Carla Consultant already has a session at that time (Physics, Tue 16 Mar 10:00 EDT)." in (
        response.content.decode()
    )
    assert starts([algebra]) == ["2027-03-03T21:00:00+00:00"]
    assert counts() == before


# Cancel


def test_it_cancels_with_a_reason(client, algebra, staff):
    login(client, staff)
    response = client.post(reverse("session_cancel", args=[algebra.pk]), {"reason": "Student is ill"})
    session = Session.objects.get(pk=algebra.pk)
    assert response.status_code == 302
    assert (session.status, session.cancel_reason) == (SessionStatus.CANCELLED, "Student is ill")
    assert OutboundEmail.objects.filter(context__event="cancelled").count() == 2
    assert AuditEntry.objects.get(action="session.cancelled").actor == staff
    assert (
        "“Algebra” is cancelled. Everyone on it will get an email."
        in client.get(response["Location"]).content.decode()
    )


def test_it_cancels_this_and_the_following_sessions(client, weekly, staff):
    login(client, staff)
    client.post(reverse("session_cancel", args=[weekly[2].pk]), {"scope": "following"})
    assert [Session.objects.get(pk=s.pk).status for s in weekly] == [
        "scheduled",
        "scheduled",
        "cancelled",
        "cancelled",
    ]


def test_it_cancels_only_this_occurrence(client, weekly, staff):
    login(client, staff)
    client.post(reverse("session_cancel", args=[weekly[2].pk]), {"scope": "this"})
    assert [Session.objects.get(pk=s.pk).status for s in weekly] == [
        "scheduled",
        "scheduled",
        "cancelled",
        "scheduled",
    ]


def test_it_refuses_an_unknown_scope_and_cancels_nothing(client, weekly, staff):
    login(client, staff)
    before = counts()
    response = client.post(reverse("session_cancel", args=[weekly[2].pk]), {"scope": "everything"})
    assert response.status_code == 400
    assert (
        "Select a valid choice. everything is not one of the available choices." in response.content.decode()
    )
    assert [Session.objects.get(pk=s.pk).status for s in weekly] == ["scheduled"] * 4
    assert counts() == before


def test_it_keeps_zoom_listed_for_a_session_that_already_uses_it(client, algebra, staff):
    Session.objects.filter(pk=algebra.pk).update(provider="zoom", custom_meeting_url="")
    login(client, staff)
    response = client.get(reverse("session_edit", args=[algebra.pk]))
    assert [value for value, _ in response.context["form"].fields["provider"].choices] == [
        "none",
        "custom",
        "zoom",
    ]
