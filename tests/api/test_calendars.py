import datetime as dt
import zoneinfo

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.scheduling.models import Calendar
from tests.api.conftest import schedule

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def next_monday() -> dt.date:
    today = dt.datetime.now(NEW_YORK).date()
    return today + dt.timedelta(days=7 - today.weekday())


def test_it_lists_calendars(call_as, owner, carla_calendar, consultant, lesson):
    response = call_as(owner).get("/calendars/")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": carla_calendar.pk,
            "name": "Carla's lessons",
            "slug": "carla",
            "kind": "personal",
            "members": [{"id": consultant.pk, "name": "Carla Consultant", "email": "carla@acme.test"}],
            "session_type": {"id": lesson.pk, "name": "Lesson"},
            "description": "",
            "is_public": True,
            "custom_meeting_url": "",
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 0,
            "min_notice_minutes": 0,
            "max_days_ahead": 60,
            "slot_interval_minutes": 60,
        }
    ]


def test_it_gets_a_calendar(call_as, consultant, carla_calendar):
    response = call_as(consultant).get(f"/calendars/{carla_calendar.pk}")
    assert (response.status_code, response.json()["slug"]) == (200, "carla")


def test_it_creates_a_round_robin_calendar(call_as, admin, consultant, consultant2, lesson):
    response = call_as(admin).post(
        "/calendars/",
        {
            "name": "Math team",
            "kind": "round_robin",
            "members": [consultant.pk, consultant2.pk],
            "session_type": lesson.pk,
            "buffer_after_minutes": 10,
        },
    )
    assert response.status_code == 201
    calendar = Calendar.objects.get(slug="math-team")
    assert response.json()["id"] == calendar.pk
    assert (calendar.kind, calendar.buffer_after_minutes, calendar.min_notice_minutes) == (
        "round_robin",
        10,
        240,
    )
    assert sorted(m.pk for m in calendar.members.all()) == [consultant.pk, consultant2.pk]
    assert AuditEntry.objects.filter(action="calendar.created", actor=admin).count() == 1


def test_a_consultant_creates_a_personal_calendar_for_themselves(call_as, consultant, lesson):
    response = call_as(consultant).post("/calendars/", {"name": "My lessons", "session_type": lesson.pk})
    assert response.status_code == 201
    assert response.json()["kind"] == "personal"
    assert [m["id"] for m in response.json()["members"]] == [consultant.pk]


def test_a_consultant_cannot_create_a_team_calendar(call_as, consultant, consultant2, lesson):
    response = call_as(consultant).post(
        "/calendars/",
        {
            "name": "Team",
            "kind": "collective",
            "members": [consultant.pk, consultant2.pk],
            "session_type": lesson.pk,
        },
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only owners, admins and staff can set a calendar's kind and members."
    assert Calendar.objects.count() == 0


def test_it_updates_the_rules_and_team_of_a_calendar(call_as, staff, carla_calendar, consultant, consultant2):
    response = call_as(staff).patch(
        f"/calendars/{carla_calendar.pk}",
        {
            "kind": "collective",
            "members": [consultant.pk, consultant2.pk],
            "min_notice_minutes": 60,
            "slot_interval_minutes": 15,
        },
    )
    assert response.status_code == 200
    carla_calendar.refresh_from_db()
    assert (carla_calendar.kind, carla_calendar.min_notice_minutes, carla_calendar.slot_interval_minutes) == (
        "collective",
        60,
        15,
    )
    assert carla_calendar.members.count() == 2
    assert carla_calendar.name == "Carla's lessons"


def test_it_refuses_a_collective_calendar_of_one(call_as, owner, carla_calendar):
    response = call_as(owner).patch(f"/calendars/{carla_calendar.pk}", {"kind": "collective"})
    assert response.status_code == 422
    assert response.json()["detail"] == "members: A collective calendar needs at least two members."
    carla_calendar.refresh_from_db()
    assert carla_calendar.kind == "personal"


def test_it_refuses_staff_as_a_host(call_as, owner, staff, lesson):
    response = call_as(owner).post(
        "/calendars/", {"name": "Sam", "members": [staff.pk], "session_type": lesson.pk}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Sam Staff is staff and cannot host sessions.", "field": "members"}
    assert Calendar.objects.count() == 0


def test_it_refuses_a_taken_web_address(call_as, owner, carla_calendar, consultant, lesson):
    response = call_as(owner).post(
        "/calendars/",
        {"name": "Other", "slug": "carla", "members": [consultant.pk], "session_type": lesson.pk},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "slug: Another calendar already uses this web address."
    assert Calendar.objects.count() == 1


def test_it_lists_free_slots_in_the_asked_time_zone(call_as, staff, consultant, carla_calendar):
    monday = next_monday().isoformat()
    response = call_as(staff).get(
        f"/calendars/{carla_calendar.pk}/slots",
        {"from": monday, "to": monday, "timezone": "America/New_York"},
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["calendar"], data["timezone"]) == (
        {"id": carla_calendar.pk, "name": "Carla's lessons"},
        "America/New_York",
    )
    assert [s["start"][11:] for s in data["slots"]] == ["09:00:00-05:00", "10:00:00-05:00", "11:00:00-05:00"]
    assert data["slots"][0]["members"] == [{"id": consultant.pk, "name": "Carla Consultant"}]
    # Compact JSON: no space after a comma or a colon (a tenth of a week of round-robin slots).
    assert response.content.startswith(
        b'{"calendar":{"id":%d,"name":"Carla\'s lessons"},' % carla_calendar.pk
    )
    assert b", " not in response.content and b": " not in response.content


def test_slots_leave_out_busy_times(call_as, consultant, carla_calendar):
    monday = next_monday()
    schedule(consultant, "Busy", dt.datetime.combine(monday, dt.time(10), tzinfo=NEW_YORK))
    response = call_as(consultant).get(
        f"/calendars/{carla_calendar.pk}/slots",
        {"from": monday.isoformat(), "to": monday.isoformat(), "timezone": "Europe/Paris"},
    )
    assert [s["start"][11:] for s in response.json()["slots"]] == ["15:00:00+01:00", "17:00:00+01:00"]


def test_slots_refuse_an_unknown_time_zone(call_as, consultant, carla_calendar):
    response = call_as(consultant).get(f"/calendars/{carla_calendar.pk}/slots", {"timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown time zone 'Mars/Olympus'.", "field": "timezone"}


def test_slots_refuse_times_without_an_offset(call_as, consultant, carla_calendar):
    response = call_as(consultant).get(f"/calendars/{carla_calendar.pk}/slots", {"from": "2026-03-02T10:00"})
    assert response.status_code == 400
    assert response.json()["field"] == "from"
    assert response.json()["detail"].startswith("'from': Include a UTC offset")


def test_slots_refuse_a_range_that_ends_before_it_starts(call_as, consultant, carla_calendar):
    response = call_as(consultant).get(
        f"/calendars/{carla_calendar.pk}/slots", {"from": "2026-03-10", "to": "2026-03-01"}
    )
    assert (response.status_code, response.json()["detail"]) == (400, "'to' must be after 'from'.")


def test_slots_refuse_a_range_longer_than_a_month(call_as, consultant, carla_calendar):
    response = call_as(consultant).get(
        f"/calendars/{carla_calendar.pk}/slots", {"from": "2026-03-01", "to": "2026-06-01"}
    )
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "Ask for at most 31 days of slots at a time.",
    )
