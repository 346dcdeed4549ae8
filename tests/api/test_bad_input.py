"""Bad input gets a clear 4xx message and saves nothing: no session, no email, no audit entry."""

import datetime as dt

import pytest

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import Client, Session
from tests.api.conftest import future, schedule


@pytest.fixture
def api(call_as, staff):
    return call_as(staff)


@pytest.fixture
def valid(consultant, lesson, student):
    start = future(3, 10)
    return {
        "title": "Algebra",
        "session_type": lesson.pk,
        "consultant": consultant.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=1)).isoformat(),
        "clients": [student.pk],
    }


def assert_nothing_saved():
    assert Session.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="session.").count() == 0


def refused(response, status, detail, field=None):
    assert response.status_code == status, response.content
    assert (response.json()["detail"], response.json()["field"]) == (detail, field)


def test_it_refuses_an_end_before_the_start(api, valid):
    valid["end"] = (dt.datetime.fromisoformat(valid["start"]) - dt.timedelta(hours=1)).isoformat()
    refused(api.post("/sessions/", valid), 400, "The end must be after the start.", "end")
    assert_nothing_saved()


def test_it_refuses_a_time_in_the_past(api, valid):
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
    valid |= {"start": start.isoformat(), "end": (start + dt.timedelta(hours=1)).isoformat()}
    refused(api.post("/sessions/", valid), 400, "That time is in the past; pick a time from now on.", "start")
    assert_nothing_saved()


def test_it_refuses_times_without_an_offset(api, valid):
    valid["start"] = "2030-03-02T10:00:00"
    refused(
        api.post("/sessions/", valid),
        422,
        "start: Include a UTC offset, e.g. 2026-03-02T15:00:00+01:00 or 2026-03-02T14:00:00Z.",
        "start",
    )
    assert_nothing_saved()


def test_it_refuses_a_time_that_is_not_a_time(api, valid):
    valid["end"] = "next tuesday"
    refused(
        api.post("/sessions/", valid),
        422,
        "end: Use an ISO 8601 date and time with a UTC offset, e.g. 2026-03-02T15:00:00+01:00.",
        "end",
    )
    assert_nothing_saved()


def test_it_refuses_a_year_far_away(api, valid):
    valid |= {"start": "9999-12-31T23:00:00-05:00", "end": "9999-12-31T23:30:00-05:00"}
    refused(api.post("/sessions/", valid), 422, "start: Use a date between the years 2000 and 2100.", "start")
    assert_nothing_saved()


def test_it_refuses_a_session_longer_than_twelve_hours(api, valid):
    valid["end"] = (dt.datetime.fromisoformat(valid["start"]) + dt.timedelta(hours=13)).isoformat()
    refused(api.post("/sessions/", valid), 400, "A session can last at most 12 hours.", "end")
    assert_nothing_saved()


def test_it_refuses_a_double_booking_with_409(api, valid, consultant):
    schedule(consultant, "Physics", dt.datetime.fromisoformat(valid["start"]))
    response = api.post("/sessions/", valid)
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        "Carla Consultant already has a session at that time (Physics"
    )
    assert Session.objects.count() == 1


def test_it_refuses_a_consultant_of_another_organisation(api, valid, outsider):
    valid["consultant"] = outsider.pk
    refused(
        api.post("/sessions/", valid),
        400,
        f"No member with id {outsider.pk} in this organisation.",
        "consultant",
    )
    assert_nothing_saved()


def test_it_refuses_a_client_of_another_organisation(api, valid, outsider):
    theirs = Client.objects.create(org=outsider.org, name="Their client", email="c@rival.test")
    valid["clients"] = [theirs.pk]
    refused(
        api.post("/sessions/", valid), 400, f"No client with id {theirs.pk} in this organisation.", "clients"
    )
    assert_nothing_saved()


def test_it_refuses_a_session_type_of_another_organisation(api, valid, outsider):
    theirs = outsider.org.session_types.get(name="Lesson")
    valid["session_type"] = theirs.pk
    refused(
        api.post("/sessions/", valid),
        400,
        f"No session type with id {theirs.pk} in this organisation.",
        "session_type",
    )
    assert_nothing_saved()


def test_it_refuses_a_co_host_of_another_organisation_on_update(call_as, staff, consultant, outsider):
    session = schedule(consultant, "Algebra", future(3, 10))
    response = call_as(staff).patch(f"/sessions/{session.pk}", {"co_hosts": [outsider.pk]})
    refused(response, 400, f"No member with id {outsider.pk} in this organisation.", "co_hosts")
    assert session.co_hosts.count() == 0


def test_it_refuses_staff_as_the_host(api, valid, staff):
    valid["consultant"] = staff.pk
    refused(api.post("/sessions/", valid), 400, "Sam Staff is staff and cannot host sessions.", "consultant")
    assert_nothing_saved()


def test_it_refuses_malformed_json(api):
    refused(
        api.post("/sessions/", raw='{"title": "Algebra",'),
        400,
        "Malformed JSON: Expecting property name enclosed in double quotes at line 1 column 21.",
    )
    assert_nothing_saved()


def test_it_refuses_a_body_that_is_not_an_object(api):
    refused(api.post("/sessions/", raw="[1, 2]"), 422, "Send a JSON object.")
    assert_nothing_saved()


def test_it_refuses_a_missing_body(api):
    refused(api.post("/sessions/", raw=""), 422, "Send a JSON object in the request body.")


def test_it_refuses_wrong_types(api, valid):
    valid["session_type"] = "lesson"
    refused(
        api.post("/sessions/", valid),
        422,
        "session_type: Input should be a valid integer, unable to parse string as an integer.",
        "session_type",
    )
    assert_nothing_saved()


def test_it_refuses_unknown_fields(api, valid):
    valid["starts_at"] = valid["start"]
    refused(api.post("/sessions/", valid), 422, "starts_at: Unknown field.", "starts_at")
    assert_nothing_saved()


def test_it_refuses_to_move_a_session_with_patch(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    response = call_as(consultant).patch(f"/sessions/{session.pk}", {"start": future(4, 10).isoformat()})
    refused(response, 422, "start: Unknown field.", "start")


def test_it_refuses_a_huge_title(api, valid):
    valid["title"] = "A" * 100_000
    refused(api.post("/sessions/", valid), 422, "title: String should have at most 200 characters.", "title")
    assert_nothing_saved()


def test_it_refuses_a_body_over_the_upload_limit(api, valid):
    valid["agenda"] = "A" * 3_000_000
    refused(api.post("/sessions/", valid), 413, "The request body is too large.")
    assert_nothing_saved()


def test_it_refuses_nul_characters(api, valid):
    valid["title"] = "Alge\x00bra"
    refused(api.post("/sessions/", valid), 422, "title: Text must not contain NUL characters.", "title")
    assert_nothing_saved()


def test_it_refuses_an_unknown_provider(api, valid):
    valid["provider"] = "skype"
    refused(
        api.post("/sessions/", valid),
        422,
        "provider: Input should be 'none', 'custom' or 'zoom'.",
        "provider",
    )
    assert_nothing_saved()


def test_it_refuses_a_custom_provider_without_a_link(api, valid):
    valid["provider"] = "custom"
    refused(api.post("/sessions/", valid), 400, "A custom meeting link needs its URL.", "custom_meeting_url")
    assert_nothing_saved()


def test_it_refuses_a_bad_repeat(api, valid):
    valid["repeat"] = {"every_weeks": 1}
    refused(api.post("/sessions/", valid), 400, "Give either a number of sessions or an end date.", "count")
    assert_nothing_saved()


def test_it_refuses_a_bad_scope(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    response = call_as(consultant).post(f"/sessions/{session.pk}/cancel", {"scope": "all"})
    refused(response, 422, "scope: Input should be 'this' or 'following'.", "scope")
    assert Session.objects.get().status == "scheduled"


def test_it_refuses_a_reschedule_into_the_past(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    response = call_as(consultant).post(
        f"/sessions/{session.pk}/reschedule", {"start": "2001-01-01T10:00:00Z"}
    )
    refused(response, 400, "That time is in the past; pick a time from now on.", "start")
    assert Session.objects.get().start == session.start


def test_it_answers_404_for_an_unknown_id(api):
    refused(api.get("/sessions/424242"), 404, "Session not found.")
    refused(api.get("/sessions/99999999999999999999999"), 404, "Session not found.")
    refused(api.get("/calendars/424242/slots"), 404, "Calendar not found.")


def test_it_refuses_bad_query_parameters(api):
    response = api.get("/sessions/", {"limit": "lots", "status": "maybe"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "limit",
            "message": "Input should be a valid integer, unable to parse string as an integer.",
        },
        {"field": "status", "message": "Input should be 'scheduled' or 'cancelled'."},
    ]


def test_it_refuses_nul_in_a_search(api, student):
    response = api.get("/clients/", {"q": "stu\x00", "count": "true"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
