"""The staff calendar in Chromium: drag a Zoom session to another day (the emulator's meeting moves),
drag a block's lower edge, drop onto a clash and see it snap back with the reason, pick an empty
slot to open the schedule form, and hand a session to another consultant in the consultants view.
Every page runs under the strict Content-Security-Policy (``new_page`` fails on any violation)."""

import datetime as dt
import re
import zoneinfo
from typing import Any

import httpx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessiondesk.accounts.models import Member
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.actions import SessionDraft
from sessiondesk.scheduling.models import AvailabilityRule, Provider, Session, SessionType
from sessiondesk.scheduling.recurrence import Repeat
from tests.e2e.test_first_booking import log_in
from tests.e2e.test_zoom_meeting import zoom_calls, zoom_server  # noqa: F401 (zoom_server is a fixture)
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def a_wednesday() -> dt.date:
    """The Wednesday of next week in New York: in the future, and with a Thursday after it."""
    today = timezone.localtime(timezone=NEW_YORK).date()
    return today + dt.timedelta(days=7 - today.weekday() + 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def book(consultant: Member, day: dt.date, hour: int, title: str, **fields: Any) -> Session:
    repeat = fields.pop("repeat", None)
    draft = SessionDraft(
        title=title,
        start=at(day, hour),
        end=at(day, hour + 1),
        session_type=SessionType.objects.get(org=consultant.org, name="Lesson"),
        consultant=consultant,
        **fields,
    )
    return actions.schedule_session(consultant.org, draft, actor=consultant, repeat=repeat)


def works_every_day(member: Member) -> None:
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(member=member, weekday=day, start_time=dt.time(9), end_time=dt.time(17))
        for day in range(7)
    )


def block(page, session: Session, scope: Any = None):  # type: ignore[no-untyped-def]
    return (scope or page).locator(f'.fc-event[data-session-id="{session.pk}"]')


def slot(page, day: dt.date, time: str, offset: float = 14, scope: Any = None) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """A point in the grid: ``offset`` pixels below the top of ``time``'s row, in ``day``'s column.
    Drags grab a block and drop it half a row (a row is half an hour, the step a drag moves by) below
    the tops, far from the rows' edges."""
    where = scope or page
    column = where.locator(f'td.fc-timegrid-col[data-date="{day.isoformat()}"]').bounding_box()
    row = where.locator(f'td.fc-timegrid-slot-lane[data-time="{time}"]').bounding_box()
    return column["x"] + column["width"] / 2, row["y"] + offset


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 6, start[1], steps=4)  # past the drag threshold, same row
    page.mouse.move(*end, steps=20)
    page.mouse.up()


def grab_top(page, session: Session, scope: Any = None) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    found = block(page, session, scope)
    box = None
    for _ in range(50):  # drawn again after each move: wait for the block the feed brought back
        found.wait_for()
        box = found.bounding_box()
        if box is not None:
            break
        page.wait_for_timeout(100)
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + 14


def status(page) -> str:  # type: ignore[no-untyped-def]
    box = page.locator('#cal-status:not([hidden]):not([data-kind="busy"])')
    box.wait_for()
    return box.inner_text()


def emulator_meeting(server: Any, meeting_id: str) -> dict:
    """The meeting as the emulator holds it, read over its HTTP control plane."""
    state = httpx.get(f"{server.url}/_emulator/state").json()
    return next(m for m in state["meetings"] if str(m["id"]) == meeting_id)


def open_week(page, base: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    with page.expect_response(re.compile(r"/calendar/events/\?")):
        page.goto(f"{base}/calendar/?view=week&date={day.isoformat()}")
    page.locator(".fc-timegrid-slot-lane").first.wait_for()


def test_dragging_a_zoom_session_to_another_day_moves_its_zoom_meeting(  # type: ignore[no-untyped-def]
    live_server,
    new_page,
    shot,
    consultant,
    zoom_server,  # noqa: F811
):
    with httpx.Client(base_url=zoom_server.url) as emu:
        connect(emu, consultant, "carla@zoom.acme.test")
    works_every_day(consultant)
    day = a_wednesday()
    lesson = book(consultant, day, 10, "Algebra on Zoom", provider=Provider.ZOOM)
    run_worker_until_idle()
    link = MeetingLink.objects.get(session=lesson, provider="zoom")
    assert emulator_meeting(zoom_server, link.external_id)["start_time"] == at(day, 10).timestamp()

    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)
    ready = page.locator(f'.fc-event[data-session-id="{lesson.pk}"][data-meeting="ready"]')
    assert "Zoom link ready" in ready.inner_text()
    assert page.locator(".cal-zone").inner_text() == "America/New York"
    assert page.locator(".fc-timegrid-now-indicator-line").count() == 0  # next week: no "now" line

    thursday = day + dt.timedelta(days=1)
    drag(page, grab_top(page, lesson), slot(page, thursday, "14:00:00"))
    assert status(page) == (
        f"“Algebra on Zoom” moved to Thursday {thursday.day} {thursday:%B} at 14:00 "
        f"{at(thursday, 14):%Z}. Everyone on it will get an email."
    )
    moved = Session.objects.get(pk=lesson.pk)
    assert (moved.start, moved.end) == (at(thursday, 14), at(thursday, 15))
    page.locator(f'.fc-event[data-session-id="{lesson.pk}"][data-meeting="updating"]').wait_for()
    # Taken after the drags: a full-page screenshot resizes the window, and the grid redraws a moment
    # later, which must not happen under a drag.
    shot(page, "calendar-02-moved-zoom-updating")

    run_worker_until_idle()
    meeting = emulator_meeting(zoom_server, link.external_id)
    assert (meeting["start_time"], meeting["duration"]) == (at(thursday, 14).timestamp(), 60)
    assert zoom_calls(zoom_server) == [
        ("POST", "/v2/users/me/meetings", 201),
        ("PATCH", f"/v2/meetings/{link.external_id}", 204),
    ]
    # The calendar looks again while a link is being updated, and shows it ready.
    page.locator(f'.fc-event[data-session-id="{lesson.pk}"][data-meeting="ready"]').wait_for()
    assert (
        page.locator(
            f'td.fc-timegrid-col[data-date="{thursday.isoformat()}"] .fc-event[data-session-id]'
        ).count()
        == 1
    )


def test_dragging_the_lower_edge_changes_the_length(live_server, new_page, shot, consultant):  # type: ignore[no-untyped-def]
    day = a_wednesday()
    lesson = book(consultant, day, 10, "Algebra")
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)
    box = block(page, lesson).bounding_box()
    bottom = (box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.mouse.move(*bottom)
    page.locator(f'.fc-event[data-session-id="{lesson.pk}"] .fc-event-resizer-end').wait_for()
    drag(page, bottom, slot(page, day, "11:00:00", offset=26))
    assert status(page).startswith("“Algebra” moved to")
    moved = Session.objects.get(pk=lesson.pk)
    assert (moved.start, moved.end) == (at(day, 10), at(day, 11, 30))
    assert block(page, lesson).locator(".sd-ev-time").inner_text() == "10:00 - 11:30"

    page.locator(".cal-views").get_by_role("link", name="Day").click()
    page.wait_for_url(re.compile(r"view=day"))
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Previous").click()
    expect(page.locator("#cal-title")).to_have_text(f"{day:%A}, {day.day} {day:%B %Y}")
    expect(block(page, lesson)).to_have_count(1)
    shot(page, "calendar-06-day")


def test_a_drop_onto_a_clash_snaps_back_with_the_reason(live_server, new_page, shot, consultant):  # type: ignore[no-untyped-def]
    day = a_wednesday()
    lesson = book(consultant, day, 10, "Algebra")
    book(consultant, day, 14, "Geometry")
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)
    before = block(page, lesson).bounding_box()
    drag(page, grab_top(page, lesson), slot(page, day, "14:00:00"))
    assert status(page) == (
        "Not moved: Carla Consultant already has a session at that time "
        f"(Geometry, {at(day, 14):%a %d %b %H:%M %Z})."
    )
    assert page.locator("#cal-status").get_attribute("data-kind") == "error"
    expect(block(page, lesson).locator(".sd-ev-time")).to_have_text("10:00 - 11:00")
    assert block(page, lesson).bounding_box()["y"] == before["y"]
    assert block(page, lesson).locator(".sd-ev-time").inner_text() == "10:00 - 11:00"
    assert Session.objects.get(pk=lesson.pk).start == at(day, 10)
    shot(page, "calendar-03-refused")


def test_a_drop_outside_working_hours_asks_before_it_moves(live_server, new_page, shot, consultant):  # type: ignore[no-untyped-def]
    works_every_day(consultant)  # 09:00-17:00
    day = a_wednesday()
    lesson = book(consultant, day, 10, "Algebra")
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)
    question = page.locator("#cal-hours")
    drag(page, grab_top(page, lesson), slot(page, day, "17:00:00"))
    expect(question).to_be_visible()
    expect(question.locator("#cal-hours-words")).to_have_text(
        "Wednesday 17:00–18:00 is outside Carla Consultant’s working hours (Availability). "
        "Move it there anyway?"
    )
    question.get_by_role("button", name="Keep it where it was").click()
    assert status(page) == (
        "Not moved: Wednesday 17:00–18:00 is outside Carla Consultant’s working hours (Availability). "
        "It stays where it was."
    )
    expect(block(page, lesson).locator(".sd-ev-time")).to_have_text("10:00 - 11:00")
    assert Session.objects.get(pk=lesson.pk).start == at(day, 10)

    drag(page, grab_top(page, lesson), slot(page, day, "17:00:00"))
    with page.expect_response(re.compile(r"/calendar/events/\?")):  # the calendar looks again after a move
        question.get_by_role("button", name="Move it anyway").click()
    expect(page.locator("#cal-status")).to_have_text(
        f"“Algebra” moved to Wednesday {day.day} {day:%B} at 17:00 {at(day, 17):%Z}. "
        "Everyone on it will get an email."
    )
    assert Session.objects.get(pk=lesson.pk).start == at(day, 17)
    expect(block(page, lesson).locator(".sd-ev-time")).to_have_text("17:00 - 18:00")

    drag(page, grab_top(page, lesson), slot(page, day, "08:00:00"))
    expect(question).to_be_visible()
    shot(page, "calendar-07-outside-hours")  # last: the screenshot's resize redraws the grid


def test_a_resized_window_keeps_the_grid_where_it_was_scrolled(live_server, new_page, consultant):  # type: ignore[no-untyped-def]
    day = a_wednesday()
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)
    scroller = page.locator("#calendar .fc-scroller").filter(has=page.locator(".fc-timegrid-slots"))
    scroller.evaluate("s => { s.scrollTop = 600; }")  # the afternoon
    page.wait_for_timeout(100)  # the scroll event is the page's record of where the person is
    page.screenshot(full_page=True)  # resizes the window to the whole page, then back
    expect(page.locator("#calendar[data-redrawn]")).to_have_count(1)  # FullCalendar redrew the grid
    expect(scroller).to_have_js_property("scrollTop", 600)  # without the fix: 1, the top of the day


def test_the_now_line_is_in_the_viewers_zone_not_the_browsers(live_server, new_page, consultant):  # type: ignore[no-untyped-def]
    page = new_page(timezone_id="Asia/Tokyo")  # Carla reads New York time, wherever her browser is
    log_in(page, live_server.url, consultant.email)
    page.goto(f"{live_server.url}/calendar/?view=day")
    today = timezone.localtime(timezone=NEW_YORK).date()
    column = page.locator(f'td.fc-timegrid-col[data-date="{today.isoformat()}"]')
    expect(column.locator(".fc-timegrid-now-indicator-line")).to_have_count(1)
    assert page.url.endswith(f"date={today.isoformat()}")


def test_picking_an_empty_slot_opens_the_schedule_form_with_it(live_server, new_page, consultant):  # type: ignore[no-untyped-def]
    day = a_wednesday()
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)
    drag(page, slot(page, day, "15:00:00"), slot(page, day, "16:00:00", offset=20))
    page.wait_for_url(re.compile(r"/sessions/new/\?"))
    assert page.get_by_label("Date", exact=True).input_value() == day.isoformat()
    assert page.get_by_label("Start time", exact=True).input_value() == "15:00"
    assert page.get_by_label("Length in minutes").input_value() == "90"
    assert page.locator("input[name=consultant]:checked").input_value() == str(consultant.pk)


def test_a_session_dropped_in_another_consultants_column_is_theirs(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, staff, consultant, consultant2
):
    works_every_day(consultant)
    day = a_wednesday()
    lesson = book(consultant, day, 10, "Algebra")
    book(consultant2, day, 9, "Dev's lesson")
    page = new_page()
    log_in(page, live_server.url, staff.email)
    page.goto(
        f"{live_server.url}/calendar/?view=consultants&date={day.isoformat()}"
        f"&consultants={consultant.pk}&consultants={consultant2.pk}"
    )
    carla = page.locator(f'.cal-column[data-consultant="{consultant.pk}"]')
    dev = page.locator(f'.cal-column[data-consultant="{consultant2.pk}"]')
    block(page, lesson, carla).wait_for()
    assert page.locator(".cal-name").all_inner_texts() == ["Carla Consultant", "Dev Consultant"]
    expect(page.locator("#cal-hours-note")).to_have_text(
        "No working hours set (Availability): Dev Consultant."
    )
    drag(page, grab_top(page, lesson, carla), slot(page, day, "12:00:00", scope=dev))
    assert status(page) == (
        f"“Algebra” moved to Wednesday {day.day} {day:%B} at 12:00 {at(day, 12):%Z} with Dev Consultant. "
        "Everyone on it will get an email."
    )
    moved = Session.objects.get(pk=lesson.pk)
    assert (moved.consultant_id, moved.start) == (consultant2.pk, at(day, 12))
    expect(block(page, lesson, dev)).to_have_count(1)
    expect(block(page, lesson, carla)).to_have_count(0)
    shot(page, "calendar-05-handed-over")


def test_a_recurring_session_asks_this_or_following(live_server, new_page, consultant):  # type: ignore[no-untyped-def]
    day = a_wednesday()
    first = book(consultant, day, 10, "Weekly", repeat=Repeat(count=3))
    series = list(Session.objects.filter(series_id=first.series_id).order_by("series_index"))
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)
    drag(page, grab_top(page, first), slot(page, day, "13:00:00"))
    dialog = page.locator("#cal-scope")
    dialog.wait_for(state="visible")
    dialog.get_by_label("This and all following sessions").check()
    dialog.get_by_role("button", name="Move").click()
    assert status(page).startswith("“Weekly” moved to")
    assert [Session.objects.get(pk=s.pk).start for s in series] == [
        at(day + dt.timedelta(weeks=n), 13) for n in range(3)
    ]


def test_staff_find_consultants_as_they_type_and_keep_the_choice(  # type: ignore[no-untyped-def]
    live_server, new_page, staff, consultant, consultant2
):
    day = a_wednesday()
    book(consultant2, day, 9, "Dev's lesson")
    page = new_page()
    log_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/calendar/?view=consultants&date={day.isoformat()}")
    assert (
        page.locator(".cal-empty").inner_text()
        == "Pick the consultants to show with “Find consultants” above."
    )
    page.get_by_label("Find consultants").fill("dev@")
    matches = page.locator("#cal-matches label.check")
    expect(matches).to_have_count(1)
    assert matches.inner_text().startswith("Dev Consultant")
    matches.locator("input").check()
    page.get_by_role("button", name="Show").click()
    page.locator(".cal-name").wait_for()
    assert page.locator(".cal-name").all_inner_texts() == ["Dev Consultant"]
    block(page, Session.objects.get(title="Dev's lesson")).wait_for()
    page.goto(f"{live_server.url}/calendar/?view=week&date={day.isoformat()}")  # kept for next time
    expect(page.locator(".fc-event[data-session-id]")).to_have_count(1)


def test_overlapping_sessions_stand_side_by_side(live_server, new_page, staff, consultant, consultant2):  # type: ignore[no-untyped-def]
    day = a_wednesday()
    carlas = book(consultant, day, 10, "Algebra")
    devs = book(consultant2, day, 10, "Geometry")
    page = new_page()
    log_in(page, live_server.url, staff.email)
    page.goto(
        f"{live_server.url}/calendar/?view=day&date={day.isoformat()}"
        f"&consultants={consultant.pk}&consultants={consultant2.pk}"
    )
    block(page, devs).wait_for()
    left, right = block(page, carlas).bounding_box(), block(page, devs).bounding_box()
    assert left["y"] == right["y"]
    assert left["x"] + left["width"] <= right["x"]
    assert block(page, devs).locator(".sd-ev-who").inner_text() == "Dev Consultant"


def test_a_refused_hand_over_goes_back_to_its_column(live_server, new_page, staff, consultant, consultant2):  # type: ignore[no-untyped-def]
    day = a_wednesday()
    lesson = book(consultant, day, 10, "Algebra")
    book(consultant2, day, 12, "Dev's lesson")
    page = new_page()
    log_in(page, live_server.url, staff.email)
    page.goto(
        f"{live_server.url}/calendar/?view=consultants&date={day.isoformat()}"
        f"&consultants={consultant.pk}&consultants={consultant2.pk}"
    )
    carla = page.locator(f'.cal-column[data-consultant="{consultant.pk}"]')
    dev = page.locator(f'.cal-column[data-consultant="{consultant2.pk}"]')
    block(page, lesson, carla).wait_for()
    drag(page, grab_top(page, lesson, carla), slot(page, day, "12:00:00", scope=dev))
    assert status(page).startswith(
        "Not moved: Dev Consultant already has a session at that time (Dev's lesson"
    )
    expect(block(page, lesson, carla)).to_have_count(1)
    expect(block(page, lesson, dev)).to_have_count(0)
    moved = Session.objects.get(pk=lesson.pk)
    assert (moved.consultant_id, moved.start) == (consultant.pk, at(day, 10))


@pytest.mark.parametrize("view", ["week", "day", "consultants"])
def test_the_grid_is_drawn_on_a_phone(live_server, new_page, shot, staff, consultant, view) -> None:  # type: ignore[no-untyped-def]
    """The phone layout turns the pages' tables into stacked cards; FullCalendar's tables keep theirs."""
    day = a_wednesday()
    session = book(consultant, day, 10, "Algebra")
    page = new_page(width=390, height=844)
    # The consultants' view is for those who schedule for others.
    log_in(page, live_server.url, (staff if view == "consultants" else consultant).email)
    address = f"{live_server.url}/calendar/?view={view}&date={day.isoformat()}&consultants={consultant.pk}"
    with page.expect_response(re.compile(r"/calendar/events/\?")):
        page.goto(address)
    assert page.locator(".msg-error").count() == 0  # the view asked for, not the week instead
    grid = page.locator("#calendar .fc-scrollgrid").first
    expect(grid).to_have_css("display", "table")
    lane = page.locator("#calendar td.fc-timegrid-slot-lane[data-time='10:00:00']").first
    expect(lane).to_be_visible()
    row = lane.bounding_box()
    column = page.locator(f'#calendar td.fc-timegrid-col[data-date="{day.isoformat()}"]').first.bounding_box()
    assert row is not None and column is not None
    assert row["height"] >= 10 and column["width"] >= 30  # half an hour's row, a day's column
    event = block(page, session)
    expect(event).to_be_visible()
    box = event.bounding_box()
    assert box is not None and box["width"] >= 20 and box["height"] >= 2 * row["height"] - 2
    shot(page, f"phone-calendar-grid-{view}")


def test_a_phone_opens_the_calendar_on_one_day(live_server, new_page, consultant) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localtime(timezone=NEW_YORK).date()
    page = new_page(width=390, height=844)
    log_in(page, live_server.url, consultant.email)
    page.goto(f"{live_server.url}/calendar/")
    page.wait_for_url(re.compile(r"view=day"))
    expect(page.locator("#calendar .fc-timeGridDay-view")).to_have_count(1)
    expect(page.locator("#cal-title")).to_have_text(f"{today:%A}, {today.day} {today:%B %Y}")
    # The Week button's address names its view: the phone keeps it.
    page.get_by_role("link", name="Week", exact=True).click()
    page.wait_for_url(re.compile(r"view=week"))
    expect(page.locator("#calendar .fc-timeGridWeek-view")).to_have_count(1)
    # A laptop opens on the week, as before.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/calendar/")
    expect(page.locator("#calendar .fc-timeGridWeek-view")).to_have_count(1)
    assert "view=" not in page.url


def test_the_key_above_the_calendar_matches_the_sessions_coloured_edges(live_server, new_page, consultant):  # type: ignore[no-untyped-def]
    """A session whose Zoom meeting nobody can host yet (Carla has not connected Zoom) shows a red
    edge; the key above the calendar names that colour "needs attention", and the others likewise."""
    day = a_wednesday()
    draft = SessionDraft(
        title="Needs a host",
        start=at(day, 10),
        end=at(day, 11),
        session_type=SessionType.objects.get(org=consultant.org, name="Lesson"),
        consultant=consultant,
        is_online=True,
        provider=Provider.ZOOM,
    )
    actions.schedule_session(consultant.org, draft, actor=consultant, host_later=True)
    book(consultant, day, 13, "In the room", is_online=False)
    run_worker_until_idle()
    assert MeetingLink.objects.get().state == "blocked"
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    open_week(page, live_server.url, day)

    event = page.locator(".fc-event", has_text="Needs a host")
    assert "sd-meeting-failed" in (event.get_attribute("class") or "")
    edge = event.evaluate("e => getComputedStyle(e).borderLeftColor")
    key = page.locator(".cal-key")
    assert "needs attention" in key.inner_text()
    marks = {
        kind: page.locator(f".cal-key-mark.sd-meeting-{kind}").evaluate(
            "e => getComputedStyle(e).borderLeftColor"  # a mark is an edge alone
        )
        for kind in ("ready", "creating", "failed")
    }
    assert marks["failed"] == edge
    assert len(set(marks.values())) == 3  # three colours, one a state
    in_person = page.locator(".fc-event", has_text="In the room").evaluate(
        "e => getComputedStyle(e).borderLeftColor"
    )
    assert in_person not in marks.values()  # no meeting, no coloured edge
