from django.utils import timezone

from sessiondesk.meetings import desired
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Provider, Session, SessionStatus
from tests.support.sessions import make_session


def _links(session: Session) -> list[tuple[str, int, int, str]]:
    rows = MeetingLink.objects.filter(session=session).order_by("provider")
    return [(r.provider, r.desired_version, r.applied_version, r.state) for r in rows]


def test_it_creates_a_pending_link_for_a_new_online_session(session: Session) -> None:
    assert _links(session) == [("custom", 1, 0, "pending")]


def test_it_bumps_the_same_link_on_each_change(session: Session) -> None:
    desired.session_changed(session)
    desired.session_changed(session)
    assert _links(session) == [("custom", 3, 0, "pending")]


def test_it_makes_the_link_due_now_and_clears_a_block(session: Session) -> None:
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.BLOCKED,
        attempts=4,
        remedy="Fix it",
        next_attempt_at=timezone.now().replace(year=2100),
    )
    desired.session_changed(session)
    link = MeetingLink.objects.get(session=session)
    assert (link.state, link.attempts, link.remedy) == ("pending", 0, "")
    assert link.next_attempt_at <= timezone.now()


def test_it_creates_no_link_for_an_in_person_session(consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    session = make_session(consultant, lesson, is_online=False, provider=Provider.NONE)
    assert _links(session) == []


def test_it_creates_no_link_when_the_provider_is_none(consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    session = make_session(consultant, lesson, provider=Provider.NONE)
    assert _links(session) == []


def test_it_bumps_the_link_on_cancel_so_the_worker_deletes_the_meeting(session: Session) -> None:
    MeetingLink.objects.filter(session=session).update(applied_version=1, state=LinkState.ACTIVE)
    session.status = SessionStatus.CANCELLED
    session.save()
    desired.session_changed(session)
    assert _links(session) == [("custom", 2, 1, "pending")]


def test_it_leaves_a_settled_deleted_link_alone(session: Session) -> None:
    MeetingLink.objects.filter(session=session).update(applied_version=1, state=LinkState.DELETED)
    session.status = SessionStatus.CANCELLED
    session.save()
    desired.session_changed(session)
    assert _links(session) == [("custom", 1, 1, "deleted")]


def test_it_switching_provider_bumps_the_old_link_and_creates_the_new_one(session: Session) -> None:
    MeetingLink.objects.filter(session=session).update(applied_version=1, state=LinkState.ACTIVE)
    session.provider = Provider.ZOOM
    session.save()
    desired.session_changed(session)
    assert _links(session) == [("custom", 2, 1, "pending"), ("zoom", 1, 0, "pending")]


def test_it_switching_back_reuses_the_existing_link(session: Session) -> None:
    session.provider = Provider.ZOOM
    session.save()
    desired.session_changed(session)
    session.provider = Provider.CUSTOM
    session.save()
    desired.session_changed(session)
    assert _links(session) == [("custom", 3, 0, "pending"), ("zoom", 2, 0, "pending")]
