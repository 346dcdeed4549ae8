import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import BookedVia, Client, Session, SessionStatus
from tests.api.conftest import future, iso, schedule


def body(session_type, consultant, start, **extra):
    return {
        "title": "Algebra",
        "session_type": session_type.pk,
        "consultant": consultant.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=1)).isoformat(),
        **extra,
    }


def test_it_schedules_a_session_on_behalf_of_a_consultant(call_as, staff, consultant, student, lesson):
    start = future(3, 10)
    response = call_as(staff).post(
        "/sessions/",
        body(
            lesson,
            consultant,
            start,
            clients=[student.pk],
            provider="custom",
            custom_meeting_url="https://meet.example/algebra",
            agenda="Chapter 3",
        ),
    )
    assert response.status_code == 201
    session = Session.objects.get()
    assert response.json() == {
        "id": session.pk,
        "title": "Algebra",
        "agenda": "Chapter 3",
        "status": "scheduled",
        "start": iso(start),
        "end": iso(start + dt.timedelta(hours=1)),
        "session_type": {"id": lesson.pk, "name": "Lesson"},
        "calendar": None,
        "consultant": {"id": consultant.pk, "name": "Carla Consultant", "email": "carla@acme.test"},
        "co_hosts": [],
        "clients": [{"id": student.pk, "name": "Stu Student", "email": "stu@example.test"}],
        "is_online": True,
        "location": "",
        "provider": "custom",
        "custom_meeting_url": "https://meet.example/algebra",
        "booked_by": {"id": staff.pk, "name": "Sam Staff"},
        "booked_via": "api",
        "series_id": None,
        "series_index": None,
        "cancelled_at": None,
        "cancel_reason": "",
        "meeting": {
            "provider": "custom",
            "state": "pending",
            "join_url": "",
            "passcode": "",
            "host_label": "",
            "remedy": "",
        },
        "outcome": "",
    }
    assert session.booked_via == BookedVia.API
    assert OutboundEmail.objects.filter(session=session).count() == 2
    assert AuditEntry.objects.filter(action="session.scheduled", actor=staff).count() == 1


def test_it_shows_the_join_link_but_never_the_host_start_url(call_as, consultant, lesson):
    session = schedule(
        consultant, "Algebra", future(3, 10), provider="custom", custom_meeting_url="https://meet.example/a"
    )
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.ACTIVE,
        join_url="https://zoom.example/j/1",
        start_url="https://zoom.example/s/1?zak=SECRET",
        passcode="4321",
        host_label="Carla Consultant",
        host_key="999111",
    )
    response = call_as(consultant).get(f"/sessions/{session.pk}")
    assert response.json()["meeting"] == {
        "provider": "custom",
        "state": "active",
        "join_url": "https://zoom.example/j/1",
        "passcode": "4321",
        "host_label": "Carla Consultant",
        "remedy": "",
    }
    assert b"SECRET" not in response.content
    assert b"999111" not in response.content


def test_a_new_online_session_answers_with_its_pending_meeting(call_as, staff, consultant, lesson):
    """The response shows the meeting block the worker is about to fill, without reading it back."""
    api = call_as(staff)
    api.get("/me")
    payload = body(lesson, consultant, future(3, 10), is_online=True, provider="custom")
    payload["custom_meeting_url"] = "https://meet.example/algebra"
    with CaptureQueriesContext(connection) as captured:
        response = api.post("/sessions/", payload)
    assert response.status_code == 201
    assert response.json()["meeting"] == {
        "provider": "custom",
        "state": "pending",
        "join_url": "",
        "passcode": "",
        "host_label": "",
        "remedy": "",
    }
    link = MeetingLink.objects.get(session_id=response.json()["id"])
    assert (link.provider, link.state, link.desired_version, link.applied_version) == (
        "custom",
        "pending",
        1,
        0,
    )
    # Token, session type, consultant; begin; the clash check; the session, its meeting link, the
    # emails, the audit entry; commit. PostgreSQL adds the consultant's row lock and the NOTIFY that
    # wakes the workers.
    assert len(captured.captured_queries) == {"sqlite": 10, "postgresql": 12}[connection.vendor]
    assert any("NOTIFY" in q["sql"] for q in captured.captured_queries) == (connection.vendor == "postgresql")


def test_it_schedules_a_weekly_series(call_as, consultant, lesson):
    start = future(3, 16)
    response = call_as(consultant).post(
        "/sessions/", body(lesson, consultant, start, repeat={"every_weeks": 1, "count": 4})
    )
    assert response.status_code == 201
    assert response.json()["series_index"] == 0
    sessions = Session.objects.order_by("start")
    assert sessions.count() == 4
    assert [s.start.astimezone(start.tzinfo).hour for s in sessions] == [16, 16, 16, 16]
    assert {s.series_id for s in sessions} == {response.json()["series_id"]}


def test_it_gets_a_session(call_as, consultant, student):
    session = schedule(consultant, "Algebra", future(3, 10), clients=[student])
    response = call_as(consultant).get(f"/sessions/{session.pk}")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["title"]) == (session.pk, "Algebra")


def test_it_lists_sessions_with_filters_and_pages(call_as, staff, consultant, consultant2, student):
    first = schedule(consultant, "One", future(2, 10), clients=[student])
    second = schedule(consultant, "Two", future(4, 10))
    third = schedule(consultant2, "Three", future(5, 10), clients=[student])
    schedule(consultant, "Gone", future(6, 10))
    Session.objects.filter(title="Gone").update(status=SessionStatus.CANCELLED)
    api = call_as(staff)

    def titles(**params):
        response = api.get("/sessions/", params)
        assert response.status_code == 200
        return [item["title"] for item in response.json()["items"]]

    assert titles() == ["One", "Two", "Three", "Gone"]
    assert titles(consultant=consultant.pk) == ["One", "Two", "Gone"]
    assert titles(client=student.pk) == ["One", "Three"]
    assert titles(status="cancelled") == ["Gone"]
    assert titles(**{"from": iso(second.start), "to": iso(third.end)}) == ["Two", "Three"]
    page = api.get("/sessions/", {"limit": 2, "offset": 1, "count": "true"}).json()
    assert (page["count"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [item["id"] for item in page["items"]] == [second.pk, third.pk]
    assert first.pk not in [item["id"] for item in page["items"]]


def test_it_renames_and_reassigns_a_session(call_as, staff, consultant, consultant2, student):
    session = schedule(consultant, "Algebra", future(3, 10), clients=[student])
    response = call_as(staff).patch(
        f"/sessions/{session.pk}", {"title": "Geometry", "consultant": consultant2.pk, "clients": []}
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Geometry"
    assert response.json()["consultant"]["id"] == consultant2.pk
    assert response.json()["clients"] == []
    session.refresh_from_db()
    assert (session.title, session.consultant) == ("Geometry", consultant2)
    entry = AuditEntry.objects.get(action="session.updated")
    assert entry.detail["fields"] == ["clients", "consultant", "title"]


def test_it_changes_a_session_and_the_following_ones(call_as, consultant, lesson):
    created = (
        call_as(consultant)
        .post("/sessions/", body(lesson, consultant, future(3, 16), repeat={"count": 3}))
        .json()
    )
    second = Session.objects.get(series_id=created["series_id"], series_index=1)
    response = call_as(consultant).patch(
        f"/sessions/{second.pk}", {"title": "Revision", "scope": "following"}
    )
    assert response.status_code == 200
    assert list(Session.objects.order_by("series_index").values_list("title", flat=True)) == [
        "Algebra",
        "Revision",
        "Revision",
    ]


def test_a_save_that_changes_nothing_writes_nothing(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    emails = OutboundEmail.objects.count()
    response = call_as(consultant).patch(f"/sessions/{session.pk}", {"title": "Algebra"})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="session.updated").count() == 0
    assert OutboundEmail.objects.count() == emails


def test_it_reschedules_a_session_keeping_its_length(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    new_start = future(4, 14)
    response = call_as(consultant).post(
        f"/sessions/{session.pk}/reschedule", {"start": new_start.isoformat()}
    )
    assert response.status_code == 200
    assert (response.json()["start"], response.json()["end"]) == (
        iso(new_start),
        iso(new_start + dt.timedelta(hours=1)),
    )
    session.refresh_from_db()
    assert session.start == new_start


def test_it_reschedules_with_a_new_end(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    start = future(4, 14)
    response = call_as(consultant).post(
        f"/sessions/{session.pk}/reschedule",
        {"start": start.isoformat(), "end": (start + dt.timedelta(minutes=90)).isoformat()},
    )
    assert response.json()["end"] == iso(start + dt.timedelta(minutes=90))


def test_it_cancels_a_session_with_a_reason(call_as, staff, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    response = call_as(staff).post(f"/sessions/{session.pk}/cancel", {"reason": "Student is ill"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Student is ill")
    assert response.json()["meeting"] is None
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_it_cancels_without_a_body(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    assert call_as(consultant).post(f"/sessions/{session.pk}/cancel", raw="").status_code == 200
    assert Session.objects.get().status == SessionStatus.CANCELLED


def test_it_cancels_this_and_the_following_occurrences(call_as, consultant, lesson):
    created = call_as(consultant).post(
        "/sessions/", body(lesson, consultant, future(3, 16), repeat={"count": 4})
    )
    third = Session.objects.get(series_id=created.json()["series_id"], series_index=2)
    response = call_as(consultant).post(f"/sessions/{third.pk}/cancel", {"scope": "following"})
    assert response.status_code == 200
    assert list(Session.objects.order_by("series_index").values_list("status", flat=True)) == [
        "scheduled",
        "scheduled",
        "cancelled",
        "cancelled",
    ]


def test_it_refuses_to_change_a_cancelled_session(call_as, consultant):
    session = schedule(consultant, "Algebra", future(3, 10))
    call_as(consultant).post(f"/sessions/{session.pk}/cancel")
    response = call_as(consultant).patch(f"/sessions/{session.pk}", {"title": "New"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "This session is cancelled; schedule a new one instead.",
        "field": None,
    }
    assert Session.objects.get().title == "Algebra"


def test_listing_costs_the_same_queries_for_many_sessions(call_as, staff, consultant, consultant2, student):
    api = call_as(staff)
    api.get("/me")  # the token's last use is recorded once, not on every call

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/sessions/").status_code == 200
        return len(captured.captured_queries)

    schedule(consultant, "First", future(3, 10), clients=[student], co_hosts=[consultant2])
    one = queries()
    for day in range(4, 9):
        schedule(consultant, f"Day {day}", future(day, 10), clients=[student], co_hosts=[consultant2])
    assert queries() == one


def test_it_schedules_a_session_in_a_fixed_number_of_queries(call_as, staff, consultant, student, lesson):
    api = call_as(staff)
    api.get("/me")  # the token's last use is recorded once a minute, not on every call
    with CaptureQueriesContext(connection) as captured:
        response = api.post("/sessions/", body(lesson, consultant, future(3, 10), clients=[student.pk]))
    assert response.status_code == 201
    # Token, session type, consultant, client; begin; the clash check; the session, its client, the
    # emails, the audit entry; commit. An in-person session has no meeting link to write, and the
    # response knows it has none without reading. PostgreSQL adds the consultant's row lock (SQLite's
    # writers are serialised by the transaction itself).
    assert len(captured.captured_queries) == {"sqlite": 11, "postgresql": 12}[connection.vendor]
    assert response.json()["clients"] == [
        {"id": student.pk, "name": "Stu Student", "email": "stu@example.test"}
    ]
    assert OutboundEmail.objects.filter(session_id=response.json()["id"]).count() == 2


def test_it_answers_a_new_session_as_reading_it_back_would(
    call_as, staff, consultant, consultant2, student, lesson
):
    zed = Client.objects.create(org=student.org, name="Zed Zimmer", email="zed@example.test")
    amy = Client.objects.create(org=student.org, name="Amy Adams", email="amy@example.test")
    start = future(3, 10).astimezone(dt.timezone(dt.timedelta(hours=2)))
    api = call_as(staff)
    created = api.post(
        "/sessions/",
        body(
            lesson,
            consultant,
            start,
            clients=[zed.pk, student.pk, amy.pk],
            co_hosts=[consultant2.pk],
            provider="custom",
            custom_meeting_url="https://meet.example/algebra",
        ),
    )
    assert created.status_code == 201
    read = api.get(f"/sessions/{created.json()['id']}")
    assert created.json() == read.json()
    assert [c["name"] for c in created.json()["clients"]] == ["Amy Adams", "Stu Student", "Zed Zimmer"]
    assert created.json()["start"] == iso(start)
