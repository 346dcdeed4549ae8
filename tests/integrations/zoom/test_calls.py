"""The one Zoom call context: token, renewal on an expired token, pacing per account, the host's
daily ledger, and one call record per HTTP call with its meeting link."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.calls import DailyLimitReached, ZoomCall
from sessiondesk.integrations.zoom.connection import tokens
from sessiondesk.integrations.zoom.directory import memberships
from sessiondesk.integrations.zoom.directory.models import DirectoryGroup
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.meetings import pacing
from sessiondesk.integrations.zoom.models import (
    AccountPace,
    ConnectionStatus,
    HostDailyLedger,
    ZoomConnection,
    ZoomTokenSet,
)
from sessiondesk.meetings.models import CallAttempt, LinkState
from sessiondesk.scheduling.models import SessionStatus
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    row,
    synced_fixture,
)
from tests.integrations.zoom.meeting_fixtures import calls, due_now, link_of, unpaced  # noqa: F401
from tests.support.sessions import change, zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
BODY = {"topic": "Algebra lesson", "type": 2, "start_time": "2030-01-07T15:00:00Z", "duration": 60}


def records() -> list[tuple[Any, ...]]:
    return list(CallAttempt.objects.order_by("id").values_list("link", "operation", "status", "outcome"))


def used(connection: ZoomConnection) -> int:
    day = HostDailyLedger.objects.filter(zoom_user_id=connection.zoom_user_id).first()
    return day.used if day else 0


def test_it_records_each_call_once_with_its_link(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    CallAttempt.objects.all().delete()  # connecting's own calls
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    change(session, title="Geometry lesson")
    run_worker_until_idle()
    change(session, status=SessionStatus.CANCELLED)
    run_worker_until_idle()

    link = link_of(session)
    assert link.state == LinkState.DELETED
    assert records() == [
        (link.pk, "meetings.create", 201, "ok"),
        (link.pk, "meetings.update", 204, "ok"),
        (link.pk, "meetings.delete", 204, "ok"),
    ]
    assert len(calls(zoom)) == 3


def test_it_records_a_failed_call_once_with_zooms_answer_or_the_lack_of_one(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    CallAttempt.objects.all().delete()
    for fault in ({"kind": "error", "status": 503}, {"kind": "timeout"}):
        spec = {**fault, "path": "/v2/users/*/meetings", "methods": ["POST"], "count": 1}
        assert zoom.http.post("/_emulator/faults", json=spec).status_code == 201
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    due_now(session)
    run_worker_until_idle()

    link = link_of(session)
    # The second pass looks for what the first create may have made before creating again.
    assert list(CallAttempt.objects.order_by("id").values_list("link", "operation", "status", "excerpt")) == [
        (link.pk, "meetings.create", 503, "<html><body>503 Server Error</body></html>"),
        (link.pk, "meetings.list", 200, ""),
        (link.pk, "meetings.create", None, "ReadTimeout: timed out (injected by the Zoom emulator)"),
    ]


def test_an_expired_token_is_renewed_once_and_the_call_sent_once_more(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    CallAttempt.objects.all().delete()
    before = ZoomTokenSet.objects.get(connection=connection)
    # Zoom ends the token early; SessionDesk still believes it good for an hour.
    assert zoom.http.post("/_emulator/tokens/expire", json={}).status_code == 204
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()

    link = link_of(session)
    assert (link.state, link.join_url != "") == (LinkState.ACTIVE, True)
    assert calls(zoom) == [
        ("POST", "/v2/users/me/meetings", 401),
        ("POST", "/v2/users/me/meetings", 201),
    ]
    assert [r["status"] for r in zoom.requests(path="/oauth/token")] == [200]
    assert records() == [
        (link.pk, "meetings.create", 401, "permanent"),
        (None, "oauth.token.refresh", 200, "ok"),
        (link.pk, "meetings.create", 201, "ok"),
    ]
    after = ZoomTokenSet.objects.get(connection=connection)
    assert (after.access_token != before.access_token, after.refresh_token != before.refresh_token) == (
        True,
        True,
    )
    assert used(connection) == 1  # one unit for the one create: Zoom counted nothing for the refusal


def test_a_token_renewed_by_someone_else_meanwhile_is_taken_without_another_refresh(zoom, consultant) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    refused = ZoomTokenSet.objects.get(connection=connection).access_token
    fresh = tokens.renew(connection, refused)

    assert tokens.renew(connection, refused) == fresh
    assert [r["status"] for r in zoom.requests(path="/oauth/token")] == [200]


def test_a_token_zoom_refuses_outright_is_not_renewed(zoom, consultant) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    CallAttempt.objects.all().delete()
    token = ZoomTokenSet.objects.get(connection=connection).access_token
    assert zoom.http.post("/_emulator/tokens/revoke", json={"token": token}).status_code == 204

    with pytest.raises(tokens.NotConnected) as refused:
        client.get_meeting(ZoomCall(connection), "85746065432")

    assert (refused.value.status, refused.value.code) == (401, "124")
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert zoom.requests(path="/oauth/token") == []
    assert records() == [(None, "meetings.get", 401, "permanent")]


def test_the_ledger_is_charged_for_creates_and_updates_only(zoom, consultant) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    call = ZoomCall(connection)

    made = client.create_meeting(call, "me", BODY)
    assert used(connection) == 1
    client.update_meeting(call, made.id, {"topic": "Geometry lesson"})
    assert used(connection) == 2
    client.meeting_details(call, made.id)
    list(client.list_meetings(call, "me"))
    client.get_meeting(call, made.id)
    client.delete_meeting(call, made.id)
    assert used(connection) == 2
    assert [r[1] for r in records()[-6:]] == [
        "meetings.create", "meetings.update", "meetings.get", "meetings.list", "meetings.get", "meetings.delete",
    ]  # fmt: skip


def test_a_spent_day_sends_nothing(zoom, consultant, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_DAILY_MEETING_LIMIT = 1
    connection = connect(zoom.http, consultant, CARLA)
    CallAttempt.objects.all().delete()
    call = ZoomCall(connection)
    client.create_meeting(call, "me", BODY)

    with pytest.raises(DailyLimitReached) as spent:
        client.create_meeting(call, "me", BODY)

    assert (spent.value.permanent, spent.value.retry_after is not None) == (False, True)
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
    assert records() == [(None, "meetings.create", 201, "ok")]


def test_a_per_second_429_gives_back_only_a_unit_that_was_taken(zoom, consultant) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    call = ZoomCall(connection)
    made = client.create_meeting(call, "me", BODY)
    spec = {"kind": "rate_limit", "path": "/v2/meetings/*", "count": 2}
    assert zoom.http.post("/_emulator/faults", json=spec).status_code == 201

    with pytest.raises(ZoomError) as limited:
        client.update_meeting(call, made.id, {"topic": "Geometry lesson"})
    assert (limited.value.status, used(connection)) == (429, 1)  # the update's unit came back
    with pytest.raises(ZoomError) as limited:
        client.delete_meeting(call, made.id)
    assert (limited.value.status, used(connection)) == (429, 1)  # the delete took none and gave none back


def test_a_directory_write_waits_its_turn_in_the_accounts_pace(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 4
    waits: list[float] = []
    monkeypatch.setattr(pacing, "time", SimpleNamespace(sleep=waits.append))
    taken = timezone.now() + dt.timedelta(seconds=30)  # the account's next slot, held by other calls
    AccountPace.objects.update_or_create(
        zoom_account_id=synced.zoom_account_id, defaults={"next_slot_at": taken}
    )

    maths = DirectoryGroup.objects.get(name="Maths")

    assert memberships.add_to_group(admin, row("dev@acme.test"), maths) is True

    # It took the slot left free and slept until it; the next call's slot is a quarter second on.
    pace = AccountPace.objects.get(zoom_account_id=synced.zoom_account_id)
    assert pace.next_slot_at == taken + dt.timedelta(seconds=0.25)
    assert len(waits) == 1
    assert records()[-1] == (None, "groups.add_member", 201, "ok")
