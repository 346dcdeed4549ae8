"""The staff calendar: the page, its events feed (bounded to the range and the consultants shown,
with the session list's visibility) and the move endpoint behind drags and resizes."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessiondesk.accounts.actions import add_member
from sessiondesk.accounts.models import AuditEntry, Role
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import AvailabilityRule, Client, DateOverride, Session
from sessiondesk.scheduling.staff_calendar import SELECTION_KEY
from tests.conftest import PASSWORD, login
from tests.integrations.zoom.conftest import zoom  # noqa: F401 (a fixture)
from tests.scheduling.pages.conftest import book, ny
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle

WEEK = {"start": "2027-03-01T00:00:00", "end": "2027-03-08T00:00:00"}


def feed(client, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("calendar_events"), {**WEEK, **params})


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["title"] for e in response.json()["events"]]


def counts() -> tuple[int, int, list[int]]:
    versions = list(MeetingLink.objects.order_by("pk").values_list("desired_version", flat=True))
    return AuditEntry.objects.count(), OutboundEmail.objects.count(), versions


def move(client, session, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("calendar_move", args=[session.pk]), data)


# The events feed ----------------------------------------------------------------------------------------


def test_it_gives_the_weeks_sessions_in_the_viewers_wall_clock_time(client, algebra, staff, consultant):
    run_worker_until_idle()
    login(client, staff)
    response = feed(client, consultants=str(consultant.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "America/New_York"
    assert body["consultants"] == [{"id": consultant.pk, "name": "Carla Consultant"}]
    assert body["events"] == [
        {
            "id": str(algebra.pk),
            "title": "Algebra",
            "start": "2027-03-03T16:00:00",
            "end": "2027-03-03T17:00:00",
            "url": f"/sessions/{algebra.pk}/",
            "editable": True,
            "classNames": ["sd-scheduled", "sd-meeting-ready"],
            "extendedProps": {
                "status": "scheduled",
                "statusLabel": "Scheduled",
                "meeting": "ready",
                "meetingLabel": "Custom link ready",
                "consultant": consultant.pk,
                "consultantName": "Carla Consultant",
                "coHosts": [],
                "clients": "Stu Student",
                "series": False,
                "moveUrl": f"/sessions/{algebra.pk}/move/",
                "attendance": "",
                "attendanceLabel": "",
                "inMeeting": 0,
            },
        }
    ]


def test_it_places_sessions_on_the_viewers_own_day(client, consultant, consultant2, lesson):
    late = book(consultant, lesson, ny(5, 20), title="Evening")  # 01:00 Saturday in London
    late.co_hosts.add(consultant2)
    login(client, consultant2)
    [event] = feed(client).json()["events"]
    assert (event["start"], event["end"]) == ("2027-03-06T01:00:00", "2027-03-06T02:00:00")


def test_it_gives_only_the_range_asked_for(client, weekly, staff, consultant):
    login(client, staff)
    response = feed(client, start="2027-03-15T00:00:00", end="2027-03-22T00:00:00", consultants=consultant.pk)
    assert [e["id"] for e in response.json()["events"]] == [str(weekly[2].pk)]
    assert response.json()["events"][0]["start"] == "2027-03-18T15:00:00"
    assert response.json()["events"][0]["extendedProps"]["series"] is True


def test_it_takes_a_range_with_an_offset_too(client, algebra, staff, consultant):
    login(client, staff)
    inside = feed(
        client, start="2027-03-03T20:30:00+00:00", end="2027-03-03T21:30:00Z", consultants=consultant.pk
    )
    outside = feed(
        client, start="2027-03-03T22:00:00+00:00", end="2027-03-04T00:00:00Z", consultants=consultant.pk
    )
    assert (titles(inside), titles(outside)) == (["Algebra"], [])


def test_it_shows_a_consultant_only_their_own_sessions(client, algebra, consultant, consultant2, lesson):
    book(consultant2, lesson, ny(4, 10), title="Dev's lesson")
    login(client, consultant2)
    response = feed(client, consultants=str(consultant.pk))
    assert titles(response) == ["Dev's lesson"]
    assert response.json()["consultants"] == [{"id": consultant2.pk, "name": "Dev Consultant"}]


def test_it_shows_staff_the_consultants_chosen(client, algebra, staff, consultant, consultant2, lesson):
    book(consultant2, lesson, ny(4, 10), title="Dev's lesson")
    login(client, staff)
    assert titles(feed(client, consultants=f"{consultant.pk},{consultant2.pk}")) == [
        "Algebra",
        "Dev's lesson",
    ]
    assert titles(feed(client, consultants=consultant2.pk)) == ["Dev's lesson"]
    assert titles(feed(client, consultants="")) == []


def test_it_shows_a_co_hosted_session_with_the_co_host(client, algebra, staff, consultant2):
    algebra.co_hosts.add(consultant2)
    login(client, staff)
    [event] = feed(client, consultants=consultant2.pk).json()["events"]
    assert (event["title"], event["extendedProps"]["coHosts"]) == ("Algebra", [consultant2.pk])


def test_it_never_shows_another_organisations_sessions(client, algebra, outsider, consultant):
    login(client, outsider)
    response = feed(client, consultants=consultant.pk)
    assert response.json()["events"] == [] and response.json()["consultants"] == []


def test_it_marks_a_cancelled_session_and_does_not_let_it_move(client, algebra, staff, consultant):
    actions.cancel_session(algebra, actor=staff)
    login(client, staff)
    [event] = feed(client, consultants=consultant.pk).json()["events"]
    assert event["editable"] is False
    assert event["classNames"] == ["sd-cancelled", "sd-meeting-cancelled"]
    assert (event["extendedProps"]["statusLabel"], event["extendedProps"]["meetingLabel"]) == (
        "Cancelled",
        "",
    )


def test_it_says_when_a_meeting_link_is_on_its_way_or_failed(client, algebra, staff, consultant, lesson):
    waiting = zoom_session(consultant, lesson, title="Zoom lesson", start=ny(4, 10), end=ny(4, 11))
    failed = zoom_session(consultant, lesson, title="Broken lesson", start=ny(5, 10), end=ny(5, 11))
    MeetingLink.objects.filter(session=failed).update(state=LinkState.BLOCKED, last_error="Zoom said no")
    login(client, staff)
    events = {e["title"]: e for e in feed(client, consultants=consultant.pk).json()["events"]}
    assert events["Zoom lesson"]["extendedProps"]["meeting"] == "creating"
    assert events["Zoom lesson"]["extendedProps"]["meetingLabel"] == "Zoom link on its way"
    assert events["Broken lesson"]["classNames"] == ["sd-scheduled", "sd-meeting-failed"]
    assert events["Broken lesson"]["extendedProps"]["meetingLabel"] == "Zoom link failed"
    assert waiting.pk != failed.pk


def test_it_gives_the_working_hours_of_the_consultants_shown(client, staff, consultant2):
    # Dev works Wednesdays 09:00-12:00 London time, but not on Wednesday 3 March.
    AvailabilityRule.objects.create(
        member=consultant2, weekday=2, start_time=dt.time(9), end_time=dt.time(12)
    )
    DateOverride.objects.create(member=consultant2, date=dt.date(2027, 3, 3))
    login(client, staff)
    two_weeks = feed(client, end="2027-03-15T00:00:00", consultants=consultant2.pk).json()
    # Staff read New York time: 09:00 London is 04:00 in New York on 10 March (no DST yet on either side).
    assert two_weeks["hours"] == {str(consultant2.pk): [["2027-03-10T04:00:00", "2027-03-10T07:00:00"]]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "soon"}, "The start is not a date and time (expected 2027-03-03T16:00)."),
        ({"end": ""}, "The end is not a date and time (expected 2027-03-03T16:00)."),
        ({"end": "2027-02-01T00:00:00"}, "The end of the range must be after its start."),
        ({"end": "2027-05-01T00:00:00"}, "Show at most 42 days at once."),
        ({"consultants": "3,x"}, "Consultants are given by their numbers."),
        ({"consultants": "3,¹"}, "Consultants are given by their numbers."),
        ({"consultants": ",".join(str(n) for n in range(1, 22))}, "Show at most 20 consultants at once."),
    ],
)
def test_it_refuses_a_range_or_a_choice_it_cannot_read(client, staff, params, message):
    login(client, staff)
    response = feed(client, **params)
    assert response.status_code == 400
    assert response.json()["error"] == message


def test_its_query_count_does_not_grow_with_the_data(client, staff, consultant, consultant2, lesson, org):
    login(client, staff)
    chosen = f"{consultant.pk},{consultant2.pk}"
    AvailabilityRule.objects.create(member=consultant, weekday=2, start_time=dt.time(9), end_time=dt.time(17))
    book(consultant, lesson, ny(3, 9), title="First")
    feed(client, consultants=chosen)  # warm the session and the caches
    with CaptureQueriesContext(connection) as small:
        assert len(feed(client, consultants=chosen).json()["events"]) == 1
    clients = [
        Client.objects.create(org=org, name=f"Client {n}", email=f"c{n}@example.test") for n in range(6)
    ]
    for day in range(1, 8):
        for hour in (8, 11, 14):
            session = book(consultant, lesson, ny(day, hour), clients=clients[:3], title=f"A{day}{hour}")
            session.co_hosts.add(consultant2)
        zoomed = zoom_session(consultant2, lesson, title=f"Z{day}", start=ny(day, 17), end=ny(day, 18))
        zoomed.clients.add(*clients[3:])
    AvailabilityRule.objects.create(
        member=consultant2, weekday=3, start_time=dt.time(8), end_time=dt.time(18)
    )
    DateOverride.objects.create(member=consultant, date=dt.date(2027, 3, 4))
    with CaptureQueriesContext(connection) as large:
        assert len(feed(client, consultants=chosen).json()["events"]) == 29
    assert len(large) == len(small)


# The page ------------------------------------------------------------------------------------------------


def test_it_requires_login(client, org):
    for name in ("calendar", "calendar_events", "calendar_consultants"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_the_page_names_the_viewers_time_zone_and_allows_its_styles_by_nonce(client, consultant):
    login(client, consultant)
    response = client.get(reverse("calendar"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'Times in your time zone, <strong class="cal-zone">America/New York</strong>.' in html
    nonce = re.search(r'<style data-fullcalendar nonce="([^"]+)"></style>', html).group(1)  # type: ignore[union-attr]
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert policy["style-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["script-src"] == "'self'"
    assert "cal-filter" not in html  # a consultant sees their own sessions only: no filter
    assert "nonce" not in client.get(reverse("home"))["Content-Security-Policy"]


def test_the_page_names_whose_working_hours_are_missing_with_the_page(client, staff, consultant, consultant2):
    AvailabilityRule.objects.create(member=consultant, weekday=0, start_time=dt.time(9), end_time=dt.time(17))
    login(client, staff)
    both = {"consultants": [consultant.pk, consultant2.pk]}
    html = client.get(reverse("calendar"), {**both, "view": "consultants"}).content.decode()
    note = re.search(r'<p id="cal-hours-note"[^>]*>(.*?)</p>', html).group(1)  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", "", note) == "No working hours set (Availability): Dev Consultant."
    assert f'href="/members/{consultant2.pk}/availability/"' in note
    # The week of several consultants shades nobody's hours, so it names nobody.
    assert "cal-hours-note" not in client.get(reverse("calendar"), {**both, "view": "week"}).content.decode()
    assert (
        "cal-hours-note"
        not in client.get(
            reverse("calendar"), {"consultants": [consultant.pk], "view": "week"}
        ).content.decode()
    )


def test_it_shows_an_owner_their_own_sessions_first_and_staff_nobody_until_they_choose(client, owner, staff):
    login(client, owner)
    assert client.get(reverse("calendar")).context["consultant_list"] == [
        {"id": owner.pk, "name": "Olivia Owner"}
    ]
    login(client, staff)
    assert client.get(reverse("calendar")).context["consultant_list"] == []


def test_an_owner_who_hosts_nothing_is_pointed_at_the_filter(client, owner, consultant, lesson):
    login(client, owner)
    hint = "You host no sessions yourself, so your calendar is empty."
    html = client.get(reverse("calendar")).content.decode()
    assert hint in html
    assert '<details class="cal-filter card" open>' in html
    book(owner, lesson, ny(3, 9), title="Owner's own")
    html = client.get(reverse("calendar")).content.decode()
    assert hint not in html
    assert '<details class="cal-filter card">' in html


def test_it_remembers_the_consultants_chosen(client, staff, consultant, consultant2):
    login(client, staff)
    chosen = client.get(
        reverse("calendar"), {"consultants": [consultant2.pk, consultant.pk], "view": "consultants"}
    )
    assert [c["id"] for c in chosen.context["consultant_list"]] == [consultant2.pk, consultant.pk]
    assert client.session[SELECTION_KEY] == [consultant2.pk, consultant.pk]
    again = client.get(reverse("calendar"))
    assert [c["id"] for c in again.context["consultant_list"]] == [consultant2.pk, consultant.pk]
    assert feed(client).json()["consultants"] == [
        {"id": consultant2.pk, "name": "Dev Consultant"},
        {"id": consultant.pk, "name": "Carla Consultant"},
    ]


def test_it_remembers_only_consultants_it_can_show(client, staff, consultant, outsider):
    login(client, staff)
    client.get(reverse("calendar"), {"consultants": [outsider.pk, staff.pk, consultant.pk]})
    assert client.session[SELECTION_KEY] == [consultant.pk]


def test_the_consultant_search_lists_at_most_twenty(client, staff, org, consultant):
    for n in range(25):
        add_member(
            org, email=f"tutor{n:02}@acme.test", name=f"Tutor {n:02}", role=Role.CONSULTANT, password=PASSWORD
        )
    login(client, staff)
    response = client.get(reverse("calendar_consultants"), {"q": "tutor", "consultants": consultant.pk})
    boxes = re.findall(r'name="consultants" value="(\d+)"( checked)?', response.content.decode())
    assert len(boxes) == 21  # the one chosen, then twenty matches
    assert boxes[0] == (str(consultant.pk), " checked")
    assert all(checked == "" for _, checked in boxes[1:])
    nothing = client.get(reverse("calendar_consultants"), {"q": "nobody-like-this"})
    assert "No consultant matches “nobody-like-this”." in nothing.content.decode()


def test_a_consultant_cannot_search_colleagues(client, consultant):
    login(client, consultant)
    assert client.get(reverse("calendar_consultants"), {"q": "a"}).status_code == 403


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"view": "month"}, "That calendar view does not exist; showing the week instead."),
        ({"date": "2027-13-45"}, "That date is not a valid date; showing today instead."),
    ],
)
def test_it_explains_an_address_it_cannot_show(client, staff, params, message):
    login(client, staff)
    response = client.get(reverse("calendar"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["view"] == "week"


def test_a_consultant_has_no_consultants_view(client, consultant):
    login(client, consultant)
    response = client.get(reverse("calendar"), {"view": "consultants"})
    assert response.status_code == 400 and response.context["view"] == "week"


def test_the_old_week_address_opens_the_calendars_week(client, staff, consultant):
    login(client, staff)
    response = client.get(reverse("session_week"), {"week": "2027-03-17", "consultant": consultant.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/?view=week&date=2027-03-17&consultants={consultant.pk}"


# Moving a session (drag, resize, drop in another consultant's column) ------------------------------------


def test_a_drag_moves_the_session_and_tells_everyone(client, algebra, staff):
    login(client, staff)
    versions = counts()[2]
    response = move(client, algebra, start="2027-03-03T18:00:00", end="2027-03-03T19:00:00")
    assert response.status_code == 200
    assert response.json()["message"] == (
        "“Algebra” moved to Wednesday 3 March at 18:00 EST. Everyone on it will get an email."
    )
    assert response.json()["event"]["start"] == "2027-03-03T18:00:00"
    assert response.json()["event"]["extendedProps"]["meetingLabel"] == "Custom link being updated"
    moved = Session.objects.get(pk=algebra.pk)
    assert (moved.start, moved.end) == (ny(3, 18), ny(3, 19))
    assert OutboundEmail.objects.filter(context__event="rescheduled").count() == 2
    assert AuditEntry.objects.get(action="session.rescheduled").actor == staff
    assert counts()[2] == [v + 1 for v in versions]


def test_a_move_to_where_it_already_is_changes_nothing(client, algebra, staff):
    login(client, staff)
    before = counts()
    response = move(client, algebra, start="2027-03-03T16:00:00", end="2027-03-03T17:00:00")
    assert (response.status_code, response.json()["message"]) == (200, "Nothing changed.")
    assert counts() == before


def test_a_resize_changes_only_the_length(client, algebra, consultant):
    login(client, consultant)
    response = move(client, algebra, start="2027-03-03T16:00:00", end="2027-03-03T17:45:00")
    assert response.status_code == 200
    moved = Session.objects.get(pk=algebra.pk)
    assert (moved.start, moved.end) == (ny(3, 16), ny(3, 17, 45))


def test_a_drop_onto_a_clash_is_refused_and_changes_nothing(client, algebra, consultant, lesson, staff):
    book(consultant, lesson, ny(4, 9), title="Geometry")
    login(client, staff)
    before = counts()
    response = move(client, algebra, start="2027-03-04T09:30:00", end="2027-03-04T10:30:00")
    assert response.status_code == 409
    assert response.json()["error"] == (
        "Carla Consultant already has a session at that time (Geometry, Thu 04 Mar 09:00 EST)."
    )
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16)
    assert counts() == before


def test_a_drop_outside_the_hosts_working_hours_is_asked_about_first(client, algebra, consultant, staff):
    AvailabilityRule.objects.create(member=consultant, weekday=2, start_time=dt.time(9), end_time=dt.time(17))
    login(client, staff)
    before = counts()
    response = move(client, algebra, start="2027-03-03T18:00:00", end="2027-03-03T19:00:00")
    assert response.status_code == 409
    assert response.json() == {
        "error": "Wednesday 18:00–19:00 is outside Carla Consultant’s working hours (Availability).",
        "field": "start",
        "confirm": "outside_hours",
    }
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16)
    assert counts() == before
    # Inside the hours it needs no answer; outside, "keep" is the answer that moves it.
    assert move(client, algebra, start="2027-03-03T10:00:00", end="2027-03-03T11:00:00").status_code == 200
    kept = move(client, algebra, start="2027-03-03T18:00:00", end="2027-03-03T19:00:00", outside_hours="keep")
    assert kept.status_code == 200
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 18)


def test_a_host_without_working_hours_is_never_asked_about_them(client, algebra, staff):
    login(client, staff)
    response = move(client, algebra, start="2027-03-03T22:00:00", end="2027-03-03T23:00:00")
    assert response.status_code == 200
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 22)


def test_a_drop_into_the_past_is_refused(client, algebra, staff):
    login(client, staff)
    before = counts()
    response = move(client, algebra, start="2027-03-01T06:00:00", end="2027-03-01T07:00:00")
    assert response.status_code == 400
    assert response.json()["error"] == "That time is in the past; pick a time from now on."
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16) and counts() == before


def test_a_drop_in_another_column_hands_the_session_over(client, algebra, staff, consultant2):
    login(client, staff)
    response = move(
        client, algebra, start="2027-03-03T11:00:00", end="2027-03-03T12:00:00", consultant=consultant2.pk
    )
    assert response.status_code == 200
    assert response.json()["message"] == (
        "“Algebra” moved to Wednesday 3 March at 11:00 EST with Dev Consultant. Everyone on it will get an email."
    )
    moved = Session.objects.get(pk=algebra.pk)
    assert (moved.consultant_id, moved.start) == (consultant2.pk, ny(3, 11))
    assert AuditEntry.objects.get(action="session.updated").detail == {
        "fields": ["consultant"],
        "scope": "this",
    }
    # Carla is told it is no longer hers; Dev and Stu get the new time.
    removed = OutboundEmail.objects.filter(context__event="removed").values_list("to", flat=True)
    assert list(removed) == ["carla@acme.test"]
    told = OutboundEmail.objects.filter(context__event="rescheduled").values_list("to", flat=True)
    assert sorted(told) == ["dev@acme.test", "stu@example.test"]


def test_a_drop_on_a_busy_consultant_is_refused_and_changes_nothing(
    client, algebra, staff, consultant2, lesson
):
    book(consultant2, lesson, ny(3, 11), title="Dev's lesson")
    login(client, staff)
    before = counts()
    response = move(
        client, algebra, start="2027-03-03T11:00:00", end="2027-03-03T12:00:00", consultant=consultant2.pk
    )
    assert response.status_code == 409
    assert response.json()["error"].startswith(
        "Dev Consultant already has a session at that time (Dev's lesson"
    )
    moved = Session.objects.get(pk=algebra.pk)
    assert (moved.consultant_id, moved.start) == (algebra.consultant_id, ny(3, 16))
    assert counts() == before


def test_a_zoom_session_cannot_go_to_someone_who_cannot_host_it(
    client,
    staff,
    consultant,
    consultant2,
    lesson,
    zoom,  # noqa: F811
):
    lesson_on_zoom = zoom_session(consultant, lesson, start=ny(3, 10), end=ny(3, 11))
    login(client, staff)
    before = counts()
    response = move(
        client,
        lesson_on_zoom,
        start="2027-03-03T10:00:00",
        end="2027-03-03T11:00:00",
        consultant=consultant2.pk,
    )
    assert response.status_code == 409
    assert response.json() == {"error": "Dev Consultant must connect Zoom first.", "field": "provider"}
    assert Session.objects.get(pk=lesson_on_zoom.pk).consultant_id == consultant.pk and counts() == before


def test_a_session_cannot_go_to_staff_or_an_outsider(client, algebra, staff, outsider):
    login(client, staff)
    before = counts()
    to_staff = move(
        client, algebra, start="2027-03-03T16:00:00", end="2027-03-03T17:00:00", consultant=staff.pk
    )
    assert (to_staff.status_code, to_staff.json()["error"]) == (
        400,
        "Sam Staff is staff and cannot host sessions.",
    )
    away = move(
        client, algebra, start="2027-03-03T16:00:00", end="2027-03-03T17:00:00", consultant=outsider.pk
    )
    assert (away.status_code, away.json()["error"]) == (
        400,
        "That consultant is not a member of this organisation.",
    )
    assert Session.objects.get(pk=algebra.pk).consultant_id == algebra.consultant_id and counts() == before


def test_a_consultant_cannot_hand_a_session_to_a_colleague(client, algebra, consultant, consultant2):
    login(client, consultant)
    before = counts()
    response = move(
        client, algebra, start="2027-03-03T16:00:00", end="2027-03-03T17:00:00", consultant=consultant2.pk
    )
    assert response.status_code == 403
    assert (
        response.json()["error"] == "Only owners, admins and staff can give a session to another consultant."
    )
    assert Session.objects.get(pk=algebra.pk).consultant_id == consultant.pk and counts() == before


def test_a_recurring_session_asks_this_or_following(client, weekly, staff):
    login(client, staff)
    before = counts()
    unsaid = move(client, weekly[1], start="2027-03-11T16:00:00", end="2027-03-11T17:00:00")
    assert unsaid.status_code == 400
    assert unsaid.json()["error"].startswith("This session is part of a weekly series")
    assert counts() == before
    following = move(
        client, weekly[1], start="2027-03-11T16:00:00", end="2027-03-11T17:00:00", scope="following"
    )
    assert following.status_code == 200
    assert following.json()["message"] == (
        "“Weekly lesson” moved to Thursday 11 March at 16:00 EST (and the following sessions by as much). "
        "Everyone on it will get an email."
    )
    assert [Session.objects.get(pk=s.pk).start for s in weekly] == [
        ny(4, 15),
        ny(11, 16),
        ny(18, 16),
        ny(25, 16),
    ]


def test_a_consultant_cannot_move_a_colleagues_session_or_another_organisations(
    client, algebra, consultant2, outsider
):
    for someone in (consultant2, outsider):
        login(client, someone)
        response = move(client, algebra, start="2027-03-03T18:00:00", end="2027-03-03T19:00:00")
        assert response.status_code == 404
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16)


def test_a_cancelled_session_stays_where_it_is(client, algebra, staff):
    actions.cancel_session(algebra, actor=staff)
    login(client, staff)
    response = move(client, algebra, start="2027-03-03T18:00:00", end="2027-03-03T19:00:00")
    assert (response.status_code, response.json()["error"]) == (
        400,
        "This session is cancelled; schedule a new one instead.",
    )
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16)


def test_a_move_needs_the_csrf_token(algebra, staff):
    browser = HttpClient(enforce_csrf_checks=True)
    login(browser, staff)
    response = browser.post(reverse("calendar_move", args=[algebra.pk]), {"start": "2027-03-03T18:00:00"})
    assert response.status_code == 403
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16)


def test_a_move_it_cannot_read_is_refused(client, algebra, staff):
    login(client, staff)
    response = move(client, algebra, start="tomorrow", end="2027-03-03T19:00:00")
    assert (response.status_code, response.json()) == (
        400,
        {"error": "The start is not a date and time (expected 2027-03-03T16:00).", "field": "start"},
    )
    odd = move(client, algebra, start="2027-03-03T18:00:00", end="2027-03-03T19:00:00", consultant="²")
    assert (odd.status_code, odd.json()["error"]) == (400, "The consultant is given by their number.")
    assert Session.objects.get(pk=algebra.pk).start == ny(3, 16)


# Picking an empty slot opens the schedule form with it -------------------------------------------------


def test_the_schedule_form_takes_the_time_and_consultant_picked(client, staff, consultant2):
    login(client, staff)
    response = client.get(
        reverse("session_create"),
        {"start": "2027-03-03T14:00:00", "end": "2027-03-03T15:30:00", "consultant": consultant2.pk},
    )
    form = response.context["form"]
    assert form.initial == {
        "date": dt.date(2027, 3, 3),
        "start_time": dt.time(14, 0),
        "duration_minutes": 90,
        "consultant": consultant2.pk,
    }
    html = response.content.decode()
    assert 'value="2027-03-03"' in html and 'value="14:00"' in html and 'value="90"' in html


def test_the_schedule_form_ignores_what_it_cannot_use(client, staff, outsider):
    login(client, staff)
    response = client.get(
        reverse("session_create"), {"start": "2027-03-03T14:00:00", "end": "nope", "consultant": outsider.pk}
    )
    assert response.context["form"].initial == {"date": dt.date(2027, 3, 3), "start_time": dt.time(14, 0)}
    assert client.get(reverse("session_create"), {"start": "later"}).context["form"].initial == {}
