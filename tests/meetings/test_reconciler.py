import datetime as dt

from django.utils import timezone

from sessiondesk.meetings.models import CallAttempt, LinkState, MeetingLink
from sessiondesk.meetings.providers import ProviderError
from sessiondesk.scheduling.models import Provider, Session, SessionStatus
from tests.meetings.fakes import RecordingProvider
from tests.support.sessions import change
from tests.support.worker import run_worker_pass, run_worker_until_idle


def _link(session: Session, provider: str = "zoom") -> MeetingLink:
    return MeetingLink.objects.get(session=session, provider=provider)


def test_it_creates_the_meeting_and_stores_the_link(
    zoom_session: Session, recorder: RecordingProvider
) -> None:
    assert run_worker_until_idle() == 1
    link = _link(zoom_session)
    assert recorder.calls == [("create", "Algebra lesson")]
    assert (link.state, link.applied_version, link.external_id) == ("active", 1, "1000")
    assert (link.join_url, link.passcode, link.host_label) == ("https://meet.test/j/1000", "abc123", "Carla")
    assert link.applied_payload["topic"] == "Algebra lesson"
    assert (link.create_intent, link.lease_owner, link.lease_until) == ("", "", None)


def test_it_logs_each_call(zoom_session: Session) -> None:
    run_worker_until_idle()
    attempt = CallAttempt.objects.get()
    assert (attempt.provider, attempt.operation, attempt.status, attempt.outcome) == (
        "zoom",
        "create",
        201,
        "ok",
    )
    assert attempt.link == _link(zoom_session)


def test_it_makes_no_call_for_a_save_that_changed_nothing(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    change(zoom_session)
    assert run_worker_until_idle() == 1
    assert recorder.calls == [("create", "Algebra lesson")]
    assert (_link(zoom_session).state, _link(zoom_session).applied_version) == ("active", 2)


def test_it_turns_several_edits_into_one_update(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    change(zoom_session, title="Geometry")
    change(
        zoom_session,
        start=zoom_session.start + dt.timedelta(hours=1),
        end=zoom_session.end + dt.timedelta(hours=1),
    )
    change(zoom_session, title="Trigonometry")
    run_worker_until_idle()
    assert recorder.calls == [("create", "Algebra lesson"), ("update", "Trigonometry")]
    assert recorder.meetings["1000"]["topic"] == "Trigonometry"
    assert _link(zoom_session).applied_version == 4


def test_it_creates_once_when_edits_arrive_before_the_first_sync(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    change(zoom_session, title="Geometry")
    change(zoom_session, title="Calculus")
    run_worker_until_idle()
    assert recorder.calls == [("create", "Calculus")]


def test_it_deletes_the_meeting_when_the_session_is_cancelled(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    change(zoom_session, status=SessionStatus.CANCELLED)
    run_worker_until_idle()
    link = _link(zoom_session)
    assert recorder.calls == [("create", "Algebra lesson"), ("delete", "1000")]
    assert (link.state, link.external_id, link.join_url, link.applied_payload) == ("deleted", "", "", None)
    assert recorder.meetings == {}


def test_it_calls_nobody_when_a_session_is_cancelled_before_its_meeting_was_made(
    zoom_session, recorder
) -> None:  # type: ignore[no-untyped-def]
    change(zoom_session, status=SessionStatus.CANCELLED)
    run_worker_until_idle()
    assert recorder.calls == []
    assert _link(zoom_session).state == "deleted"


def test_it_switching_provider_deletes_the_old_meeting_and_applies_the_new_link(
    zoom_session, recorder
) -> None:  # type: ignore[no-untyped-def]
    run_worker_until_idle()
    change(zoom_session, provider=Provider.CUSTOM, custom_meeting_url="https://meet.example.test/x")
    assert run_worker_until_idle() == 2
    assert recorder.calls == [("create", "Algebra lesson"), ("delete", "1000")]
    custom = _link(zoom_session, "custom")
    assert (custom.state, custom.join_url, custom.host_label) == (
        "active",
        "https://meet.example.test/x",
        "Carla Consultant",
    )
    assert _link(zoom_session).state == "deleted"


def test_it_applies_a_custom_link_without_logging_a_call(session: Session) -> None:
    run_worker_until_idle()
    link = _link(session, "custom")
    assert (link.state, link.join_url) == ("active", "https://meet.example.test/carla")
    assert CallAttempt.objects.count() == 0


def test_it_blocks_a_custom_session_without_a_link(session: Session) -> None:
    change(session, custom_meeting_url="")
    run_worker_until_idle()
    link = _link(session, "custom")
    assert (link.state, link.last_error) == ("blocked", "The session has no meeting link.")
    assert link.remedy.startswith("Edit the session and paste the meeting link")


def test_it_retries_a_transient_failure_later(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    recorder.failures.append(
        ProviderError("Zoom is down", permanent=False, status=503, code="", retry_after=30)
    )
    before = timezone.now()
    run_worker_until_idle()
    link = _link(zoom_session)
    assert (link.state, link.attempts, link.applied_version, link.last_error) == (
        "pending",
        1,
        0,
        "Zoom is down",
    )
    assert link.next_attempt_at >= before + dt.timedelta(seconds=30)
    assert run_worker_until_idle() == 0  # not due yet
    assert CallAttempt.objects.get().outcome == "transient"


def test_it_retry_after_a_transient_failure_does_not_duplicate_the_meeting(zoom_session, recorder) -> None:  # type: ignore[no-untyped-def]
    recorder.failures.append(ProviderError("timeout", permanent=False))
    run_worker_until_idle()
    MeetingLink.objects.update(next_attempt_at=timezone.now())
    run_worker_until_idle()
    assert [name for name, _ in recorder.calls] == ["create", "find", "create"]
    assert len(recorder.meetings) == 1
    assert _link(zoom_session).state == "active"


def test_it_adopts_a_meeting_created_before_a_crash(zoom_session, recorder) -> None:  # type: ignore[no-untyped-def]
    link = _link(zoom_session)
    # A pass that created the meeting and died before saving: the intent is stored, the id is not.
    recorder.meetings["1000"] = {"topic": "Algebra lesson", "intent": "intent-1"}
    MeetingLink.objects.filter(id=link.id).update(create_intent="intent-1")
    run_worker_until_idle()
    link.refresh_from_db()
    assert recorder.calls == [("find", "intent-1"), ("update", "Algebra lesson")]
    assert (link.external_id, link.state, link.create_intent) == ("1000", "active", "")
    assert len(recorder.meetings) == 1


def test_it_stops_a_permanent_failure_with_its_remedy(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    recorder.failures.append(
        ProviderError(
            "Invalid access token",
            permanent=True,
            remedy="Carla must reconnect Zoom.",
            status=401,
            code="124",
        )
    )
    run_worker_until_idle()
    link = _link(zoom_session)
    assert (link.state, link.remedy, link.last_error) == (
        "blocked",
        "Carla must reconnect Zoom.",
        "Invalid access token",
    )
    MeetingLink.objects.update(next_attempt_at=timezone.now() - dt.timedelta(days=1))
    assert run_worker_until_idle() == 0
    assert recorder.calls == [("create", "Algebra lesson")]
    attempt = CallAttempt.objects.get()
    assert (attempt.outcome, attempt.status, attempt.provider_code) == ("permanent", 401, "124")


def test_it_waits_on_a_limit_without_counting_an_attempt(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    recorder.failures.append(
        ProviderError("Daily limit", permanent=False, waiting=True, retry_after=3600,
                      remedy="Zoom daily limit reached, continues at 00:00 UTC")
    )  # fmt: skip
    run_worker_until_idle()
    link = _link(zoom_session)
    assert (link.state, link.attempts, link.remedy) == (
        "waiting",
        0,
        "Zoom daily limit reached, continues at 00:00 UTC",
    )


def test_it_keeps_a_link_pending_when_the_session_changed_during_the_call(zoom_session, recorder) -> None:  # type: ignore[no-untyped-def]
    original = recorder.create

    def create_and_edit(link, payload):  # type: ignore[no-untyped-def]
        change(Session.objects.get(id=zoom_session.id), title="Renamed meanwhile")
        return original(link, payload)

    recorder.create = create_and_edit  # type: ignore[method-assign]
    run_worker_pass()
    link = _link(zoom_session)
    assert (link.state, link.applied_version, link.desired_version, link.external_id) == (
        "pending",
        0,
        2,
        "1000",
    )
    recorder.create = original  # type: ignore[method-assign]
    run_worker_until_idle()
    link.refresh_from_db()
    assert recorder.calls == [("create", "Algebra lesson"), ("update", "Renamed meanwhile")]
    assert (link.state, link.applied_version) == ("active", 2)


def test_it_blocks_a_provider_this_installation_does_not_offer(consultant, lesson, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.meetings import providers
    from tests.support.sessions import make_session

    monkeypatch.delitem(providers.PROVIDERS, "zoom")
    monkeypatch.setattr(providers, "_loaded", {})
    session = make_session(consultant, lesson, provider=Provider.ZOOM)
    run_worker_until_idle()
    link = _link(session)
    assert link.state == LinkState.BLOCKED
    assert link.last_error == 'The meeting provider "zoom" is not available on this installation.'


def test_it_tells_notifications_once_the_link_is_active(zoom_session: Session, recorder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    told: list[int] = []
    monkeypatch.setattr("sessiondesk.notifications.actions.meeting_link_ready", lambda s: told.append(s.pk))
    recorder.failures.append(ProviderError("timeout", permanent=False))
    run_worker_until_idle()
    assert told == []
    MeetingLink.objects.update(next_attempt_at=timezone.now())
    run_worker_until_idle()
    assert told == [zoom_session.pk]
