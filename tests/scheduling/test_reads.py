import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg import sql as pg

from sessiondesk.accounts.actions import add_member
from sessiondesk.accounts.models import Role
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.actions import SessionDraft
from sessiondesk.scheduling.errors import SlotTaken
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Calendar,
    Client,
    DateOverride,
    Session,
    SessionCoHost,
    SessionStatus,
)
from sessiondesk.scheduling.reads import (
    _busy_sql,
    _sql,
    _window,
    busy_rows,
    calendar_members,
    client_by_email,
    date_overrides,
    first_clash,
    weekly_rules,
)
from sessiondesk.scheduling.validation import MAX_SESSION

HOUR = dt.timedelta(hours=1)


def book(org, draft: SessionDraft, actor, **changes) -> Session:
    return actions.schedule_session(org, dataclasses.replace(draft, **changes), actor=actor)


def test_it_finds_the_earliest_clash_of_hosts_and_co_hosts(org, staff, draft, consultant, consultant2):
    later = book(org, draft, staff, title="Later", start=draft.start + HOUR / 2, end=draft.end + HOUR / 2)
    earlier = book(
        org,
        draft,
        staff,
        title="Earlier",
        consultant=consultant2,
        start=draft.start - HOUR / 2,
        end=draft.end - HOUR / 2,
        co_hosts=[consultant],
    )
    assert first_clash([consultant.pk], draft.start, draft.end, []) == earlier.pk
    assert first_clash([consultant.pk], draft.start, draft.end, [earlier.pk]) == later.pk
    assert first_clash([consultant.pk], draft.start, draft.end, [earlier.pk, later.pk]) is None
    assert first_clash([consultant2.pk], draft.start + HOUR, draft.end + HOUR, []) is None
    assert first_clash([], draft.start, draft.end, []) is None


def test_it_leaves_out_cancelled_and_touching_sessions(org, staff, draft, consultant):
    cancelled = book(org, draft, staff)
    Session.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    before = book(org, draft, staff, start=draft.start - HOUR, end=draft.start)
    after = book(org, draft, staff, start=draft.end, end=draft.end + HOUR)
    assert first_clash([consultant.pk], draft.start, draft.end, []) is None
    assert first_clash([consultant.pk], draft.start - HOUR / 2, draft.end, []) == before.pk
    assert first_clash([consultant.pk], draft.start, draft.end + HOUR / 2, []) == after.pk


def test_it_finds_the_longest_session_that_began_before_the_window(
    org, staff, draft, consultant, consultant2
):
    minute = dt.timedelta(minutes=1)
    longest = book(org, draft, staff, start=draft.start - MAX_SESSION + minute, end=draft.start + minute)
    ended = book(org, draft, staff, consultant=consultant2, start=draft.start - MAX_SESSION, end=draft.start)
    assert first_clash([consultant.pk], draft.start, draft.end, []) == longest.pk
    assert busy_rows([consultant.pk, consultant2.pk], draft.start, draft.end) == [
        (longest.pk, consultant.pk, longest.start, longest.end)
    ]
    assert first_clash([consultant2.pk], draft.start, draft.end, []) is None
    assert first_clash([consultant2.pk], draft.start - minute, draft.end, []) == ended.pk


def _plan(sql: str, params: list) -> str:
    """The plan the database runs ``sql`` with; on PostgreSQL the generic plan of a prepared
    statement (made once for any values), as connections that prepare statements run it."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(row[-1] for row in cursor.fetchall())
        numbered = sql.replace("%s", "{}").format(*(f"${n}" for n in range(1, len(params) + 1)))
        cursor.execute(f"PREPARE planned AS {numbered}")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        values = ", ".join(pg.Literal(v).as_string(connection.connection) for v in params)
        cursor.execute(f"EXPLAIN EXECUTE planned({values})")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE planned")
        return plan


def test_the_hosted_half_reads_only_sessions_starting_near_the_window(org, lesson, draft, consultant):
    """Bounded on one side only, each database read every session of the consultant on that side of
    the window (a year of them); the plan must bound the start index on both sides. A plan
    follows the tables' statistics, so the tables hold what an organisation's would, in small: 40
    consultants with 50 days of sessions each, some co-hosted, analysed as a running instance's are."""
    hosts = [consultant] + [
        add_member(org, email=f"c{n}@acme.test", name=f"C{n}", role=Role.CONSULTANT, password=None)
        for n in range(39)
    ]
    sessions = Session.objects.bulk_create(
        Session(org=org, title="S", session_type=lesson, consultant=host, start=start, end=start + HOUR)
        for n in range(50)
        for host in hosts
        for start in [draft.start - n * dt.timedelta(days=1)]
    )
    SessionCoHost.objects.bulk_create(
        SessionCoHost(session_id=session.pk, member_id=hosts[(n + 1) % len(hosts)].pk)
        for n, session in enumerate(sessions[::5])
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    hosted, co_hosted = _window(draft.start, draft.end, True), _window(draft.start, draft.end, False)
    both_bounds = {
        "sqlite": "scheduling__consult_a3a6f3_idx (consultant_id=? AND start>? AND start<?)",
        "postgresql": "Index Cond: ((consultant_id = $5) AND (start < $2) AND (start > $4))",
    }[connection.vendor]
    for sql in (_busy_sql(connection.vendor, 1), _sql(connection.vendor, 1, 0)):
        plan = _plan(sql, [*hosted, consultant.pk, *co_hosted, consultant.pk])
        assert both_bounds in plan, plan
        assert "scheduling_session_co_hosts_member_id" in plan, plan  # co-hosted: from the member


def test_it_refuses_a_member_who_co_hosts_a_session_then(org, staff, draft, consultant, consultant2):
    book(org, draft, staff, title="Shared", consultant=consultant2, co_hosts=[consultant])
    with pytest.raises(SlotTaken) as refused:
        book(org, draft, staff, title="Mine", start=draft.start + HOUR / 2, end=draft.end + HOUR / 2)
    assert "Carla Consultant already has a session at that time (Shared" in refused.value.message
    assert list(Session.objects.values_list("title", flat=True)) == ["Shared"]


def test_it_reads_busy_times_as_the_orm_does(org, staff, draft, consultant, consultant2):
    hosted = book(org, draft, staff, co_hosts=[consultant2])
    other = book(org, draft, staff, consultant=consultant2, start=draft.end, end=draft.end + HOUR)
    rows = sorted(busy_rows([consultant.pk, consultant2.pk], draft.start, draft.end + HOUR))
    assert rows == [
        (hosted.pk, consultant.pk, hosted.start, hosted.end),
        (hosted.pk, consultant2.pk, hosted.start, hosted.end),
        (other.pk, consultant2.pk, other.start, other.end),
    ]
    assert all(start.utcoffset() == dt.timedelta(0) for _, _, start, _ in rows)
    assert busy_rows([consultant.pk], draft.end, draft.end + HOUR) == []


def test_it_reads_hours_and_overrides_as_the_orm_does(consultant, consultant2):
    for member, weekday, opens in [
        (consultant, 2, 13),
        (consultant, 0, 9),
        (consultant, 0, 7),
        (consultant2, 1, 8),
    ]:
        AvailabilityRule.objects.create(
            member=member, weekday=weekday, start_time=dt.time(opens, 30), end_time=dt.time(opens + 2)
        )
    day = dt.date(2027, 3, 15)
    DateOverride.objects.create(member=consultant, date=day + dt.timedelta(days=1), start_time=dt.time(10))
    DateOverride.objects.create(member=consultant, date=day)  # the whole day off
    DateOverride.objects.create(member=consultant2, date=day, start_time=dt.time(9), end_time=dt.time(11))
    DateOverride.objects.create(member=consultant, date=day + dt.timedelta(days=3))  # outside the dates

    def fields(rows):
        return [{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields} for row in rows]

    ids = [consultant.pk, consultant2.pk]
    assert fields(weekly_rules(ids)) == fields(AvailabilityRule.objects.filter(member_id__in=ids))
    assert [r.start_time for r in weekly_rules([consultant.pk])] == [
        dt.time(7, 30),
        dt.time(9, 30),
        dt.time(13, 30),
    ]
    nearby = DateOverride.objects.filter(
        member_id__in=ids, date__gte=day, date__lte=day + dt.timedelta(days=2)
    )
    assert fields(date_overrides(ids, day, day + dt.timedelta(days=2))) == fields(nearby)
    assert len(nearby) == 3
    assert weekly_rules([]) == [] and date_overrides([], day, day) == []


def test_it_reads_a_calendars_active_members_as_the_orm_does(org, lesson, consultant, consultant2, staff):
    calendar = Calendar.objects.create(org=org, name="Team", slug="team", session_type=lesson)
    calendar.members.set([consultant2, staff, consultant])
    staff.is_active = False
    staff.save()
    Calendar.objects.create(org=org, name="Other", slug="other", session_type=lesson).members.set([staff])

    def fields(rows):
        return [{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields} for row in rows]

    read = calendar_members(calendar.pk)
    orm = list(calendar.members.filter(is_active=True).select_related("user").order_by("pk"))
    assert fields(read) == fields(orm)
    assert [m.pk for m in read] == sorted([consultant.pk, consultant2.pk])
    with CaptureQueriesContext(connection) as captured:
        assert [fields([m.user]) for m in read] == [fields([m.user]) for m in orm]
    assert captured.captured_queries == []


def test_it_reads_a_client_by_email_as_the_orm_does(org, outsider, student):
    Client.objects.create(org=outsider.org, name="Their Stu", email=student.email)
    found = client_by_email(org.pk, student.email)
    assert found is not None
    assert {f.attname: getattr(found, f.attname) for f in Client._meta.concrete_fields} == {
        f.attname: getattr(student, f.attname) for f in Client._meta.concrete_fields
    }
    assert client_by_email(org.pk, "nobody@example.test") is None
