"""The Integration health page's figures: sync backlog, recent failures with remedies, Zoom's daily
limit per host and the two charts, each counted for this organisation only."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.models import ConnectionKind, HostDailyLedger, ZoomConnection
from sessiondesk.meetings.models import CallAttempt, LinkState, MeetingLink, WaitReason
from sessiondesk.scheduling.models import Session, SessionStatus, SessionType
from tests.conftest import login

URL = "/integrations/zoom/health/"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def a_session(member: Member, start: dt.datetime, title: str = "Lesson", **fields: object) -> Session:
    return Session.objects.create(
        org=member.org,
        title=title,
        session_type=SessionType.objects.get(org=member.org, name="Lesson"),
        consultant=member,
        start=start,
        end=start + dt.timedelta(hours=1),
        **fields,
    )


def a_link(session: Session, state: str, **fields: object) -> MeetingLink:
    return MeetingLink.objects.create(
        session=session, provider=fields.pop("provider", "zoom"), state=state, **fields
    )


@pytest.fixture
def page(client: HttpClient, admin: Member):  # type: ignore[no-untyped-def]
    login(client, admin)
    return lambda: client.get(URL).content.decode()


def stat(value: int, label: str) -> str:
    return f'<span class="stat-value">{value}</span><span class="stat-label">{label}</span>'


def test_it_counts_the_sync_backlog_of_this_organisation(page, consultant, outsider) -> None:
    now = timezone.now()
    for state, due in [
        (LinkState.PENDING, now - dt.timedelta(minutes=7)),
        (LinkState.PENDING, now - dt.timedelta(minutes=1)),
        (LinkState.PENDING, now + dt.timedelta(minutes=5)),
        (LinkState.WAITING, now + dt.timedelta(hours=3)),
        (LinkState.BLOCKED, now),
        (LinkState.ACTIVE, now),
        (LinkState.DELETED, now),
    ]:
        a_link(a_session(consultant, now + dt.timedelta(days=3)), state, next_attempt_at=due)
    a_link(a_session(outsider, now + dt.timedelta(days=2)), LinkState.PENDING, next_attempt_at=now)

    html = page()

    for figure in [
        stat(5, "in the backlog"),
        stat(2, "due now"),
        stat(1, "retrying later"),
        stat(1, "waiting for a limit"),
        stat(1, "blocked"),
    ]:
        assert figure in html, figure
    assert "The oldest due meeting has waited 7\xa0minutes." in html


def test_an_empty_backlog_says_all_is_in_line(page) -> None:
    html = page()
    assert stat(0, "in the backlog") in html
    assert "Every meeting is in line with its session." in html
    assert "No failures" in html


def test_it_lists_recent_failures_with_their_remedies(page, consultant, outsider) -> None:
    now = timezone.now()
    blocked = a_session(consultant, now + dt.timedelta(days=1), title="Algebra")
    retrying = a_session(consultant, now + dt.timedelta(days=2), title="Geometry")
    a_link(
        blocked,
        LinkState.BLOCKED,
        attempts=1,
        last_error="Carla Consultant must connect Zoom.",
        remedy="Ask Carla Consultant to connect Zoom in Settings → Meeting Preferences, then press Retry.",
    )
    a_link(retrying, LinkState.PENDING, attempts=3, last_error="Zoom did not answer in time.")
    a_link(
        a_session(consultant, now + dt.timedelta(days=3), title="Healed"), LinkState.ACTIVE, last_error="old"
    )
    a_link(
        a_session(outsider, now + dt.timedelta(days=1), title="Rival lesson"),
        LinkState.BLOCKED,
        last_error="x",
    )

    html = page()

    assert html.count('<tr class="failure-row">') == 2
    assert "Carla Consultant must connect Zoom." in html
    assert "Ask Carla Consultant to connect Zoom in Settings → Meeting Preferences, then press Retry." in html
    assert "Zoom did not answer in time." in html
    assert "Nothing to do: SessionDesk retries by itself." in html
    assert "3 attempts" in html
    assert f'href="/sessions/{blocked.pk}/"' in html
    assert "Healed" not in html and "Rival lesson" not in html


def at_noon_utc(days_ahead: int) -> dt.datetime:
    day = timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def waiting_for_its_creation_date(member: Member, opens: dt.datetime) -> MeetingLink:
    """A later occurrence of a series, its meeting created 30 days before it starts (meetings.horizon)."""
    local = opens.astimezone(NEW_YORK)
    return a_link(
        a_session(member, opens + dt.timedelta(days=30), title="Weekly algebra"),
        LinkState.WAITING,
        waiting_for=WaitReason.HORIZON,
        next_attempt_at=opens,
        last_error="The meeting of this occurrence is created 30 days before it starts, "
        f"on {local:%a} {local.day} {local:%b %Y}.",
        remedy="Nothing to do: SessionDesk creates it by itself.",
    )


def on(when: dt.datetime) -> str:
    local = when.astimezone(NEW_YORK)  # the viewer's time zone (Adam Admin's)
    return f"{local:%a} {local.day} {local:%b %Y}"


def test_occurrences_waiting_for_their_creation_date_are_scheduled_not_failed(
    page, consultant, outsider
) -> None:
    now = timezone.now()
    a_link(
        a_session(consultant, now + dt.timedelta(days=1), title="Over the limit"),
        LinkState.WAITING,
        waiting_for=WaitReason.LIMIT,
        next_attempt_at=now + dt.timedelta(hours=3),
        last_error="Zoom daily limit reached, continues at 00:00 UTC",
        remedy="Nothing to do: SessionDesk carries on by itself when Zoom's day starts again.",
    )
    first, second = at_noon_utc(3), at_noon_utc(10)
    for opens in (first, first, second):
        waiting_for_its_creation_date(consultant, opens)
    waiting_for_its_creation_date(outsider, first)

    html = page()

    for figure in [
        stat(1, "in the backlog"),
        stat(1, "waiting for a limit"),
        stat(0, "due now"),
        stat(0, "retrying later"),
        stat(0, "blocked"),
    ]:
        assert figure in html, figure
    assert html.count("will be created on") == 2
    assert f"<li>2 meetings will be created on {on(first)}.</li>" in html
    assert f"<li>1 meeting will be created on {on(second)}.</li>" in html
    assert html.count('<tr class="failure-row">') == 1
    assert "Zoom daily limit reached, continues at 00:00 UTC" in html
    assert "The meeting of this occurrence is created" not in html
    assert "Nothing to do: SessionDesk creates it by itself." not in html


def test_it_names_the_first_creation_dates_and_counts_the_rest(page, consultant) -> None:
    for days_ahead in (1, 2, 2, 3, 4, 5, 6, 7, 7):
        waiting_for_its_creation_date(consultant, at_noon_utc(days_ahead))

    html = page()

    assert html.count("will be created on") == 5
    assert f"<li>1 meeting will be created on {on(at_noon_utc(1))}.</li>" in html
    assert f"<li>2 meetings will be created on {on(at_noon_utc(2))}.</li>" in html
    assert f"<li>1 meeting will be created on {on(at_noon_utc(5))}.</li>" in html
    assert "<li>3 more later.</li>" in html
    assert stat(0, "in the backlog") in html


def test_it_hides_the_creation_dates_when_no_meeting_waits_for_one(page, consultant) -> None:
    assert "Scheduled for creation" not in page()


def test_it_shows_todays_use_of_zooms_daily_limit_per_host(page, consultant, consultant2, outsider) -> None:
    now = timezone.now()
    today = now.astimezone(dt.UTC).date()
    for member, zoom_user in ((consultant, "zu-carla"), (consultant2, "zu-dev")):
        ZoomConnection.objects.create(
            org=member.org,
            member=member,
            kind=ConnectionKind.PERSONAL,
            zoom_user_id=zoom_user,
            zoom_account_id="za-acme",
            zoom_email=f"{zoom_user}@zoom.test",
        )
    # A Zoom user of the organisation account who hosted a meeting today.
    a_link(
        a_session(consultant, now + dt.timedelta(days=1)),
        LinkState.ACTIVE,
        applied_payload={
            "host": {"zoom_user_id": "zu-host", "label": "Hana Host", "email": "hana@zoom.test"}
        },
    )
    HostDailyLedger.objects.create(zoom_user_id="zu-carla", day=today, used=37)
    HostDailyLedger.objects.create(zoom_user_id="zu-carla", day=today - dt.timedelta(days=1), used=99)
    HostDailyLedger.objects.create(zoom_user_id="zu-host", day=today, used=100)
    HostDailyLedger.objects.create(zoom_user_id="zu-rival", day=today, used=55)
    ZoomConnection.objects.create(
        org=outsider.org, member=outsider, kind="personal", zoom_user_id="zu-rival", zoom_account_id="za-r"
    )

    html = page()
    rows = html.split('<li class="usage-row">')[1:]

    assert len(rows) == 3
    assert "Hana Host" in rows[0] and "100 / 100" in rows[0] and "meter-bad" in rows[0]
    assert "Carla Consultant (zu-carla@zoom.test)" in rows[1] and "37 / 100" in rows[1]
    assert 'class="meter-fill meter-ok" x="0" y="0" width="37"' in rows[1]
    assert "Dev Consultant (zu-dev@zoom.test)" in rows[2] and "0 / 100" in rows[2]
    assert "55 / 100" not in html


def test_it_charts_sessions_per_week(page, consultant, outsider, org) -> None:
    now = timezone.now()
    tz = zoneinfo.ZoneInfo(org.timezone)
    local_today = now.astimezone(tz).date()
    monday = local_today - dt.timedelta(days=local_today.weekday())

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

    for hour in (9, 11, 13):
        a_session(consultant, at(monday + dt.timedelta(days=2), hour))
    a_session(consultant, at(monday - dt.timedelta(days=7), 9))
    a_session(consultant, at(monday, 15), status=SessionStatus.CANCELLED)
    a_session(outsider, at(monday, 9))
    a_session(consultant, at(monday - dt.timedelta(weeks=9), 9))  # before the chart

    html = page()

    last = monday - dt.timedelta(days=7)
    assert f"<title>Week of {monday:%-d %b}: 3 sessions</title>" in html
    assert f"<title>Week of {last:%-d %b}: 1 session</title>" in html
    assert html.count("<title>Week of ") == 8
    assert html.count(": 0 sessions</title>") == 6
    assert '<g class="chart-bar chart-current">\n    <title>Week of ' + f"{monday:%-d %b}" in html


def test_it_charts_zoom_calls_by_outcome_per_day(page, consultant, outsider, org) -> None:
    now = timezone.now()
    tz = zoneinfo.ZoneInfo(org.timezone)
    today = now.astimezone(tz).date()
    ours = a_link(a_session(consultant, now + dt.timedelta(days=1)), LinkState.ACTIVE)
    theirs = a_link(a_session(outsider, now + dt.timedelta(days=1)), LinkState.ACTIVE)
    custom = a_link(a_session(consultant, now + dt.timedelta(days=2)), LinkState.ACTIVE, provider="custom")

    def calls(link: MeetingLink, outcome: str, n: int, days_ago: int = 0, provider: str = "zoom") -> None:
        when = now - dt.timedelta(days=days_ago)
        for _ in range(n):
            CallAttempt.objects.create(
                link=link, provider=provider, operation="create", outcome=outcome, created_at=when
            )

    calls(ours, "ok", 4)
    calls(ours, "transient", 2)
    calls(ours, "permanent", 1, days_ago=2)
    calls(ours, "ok", 5, days_ago=20)
    calls(theirs, "ok", 3)
    calls(custom, "ok", 6, provider="custom")

    html = page()

    two_days_ago = (now - dt.timedelta(days=2)).astimezone(tz).date()
    assert f"<title>{today:%a %-d %b}: 4 ok, 2 transient, 0 permanent</title>" in html
    assert f"<title>{two_days_ago:%a %-d %b}: 0 ok, 0 transient, 1 permanent</title>" in html
    assert html.count(": 0 ok, 0 transient, 0 permanent</title>") == 12
    assert "4 succeeded" in html and "2 failed and retried" in html and "1 failed for good" in html
