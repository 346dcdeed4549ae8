"""Host resolution, one table: who hosts a session's Zoom meeting, in which account, or why nobody can."""

import pytest

from sessiondesk.integrations.zoom.meetings.hosts import (
    ConnectionFacts,
    HostDecision,
    SessionFacts,
    ZoomUserRef,
    resolve_host,
)

CARLA, DEV, ADAM, SAM = 1, 2, 3, 4

ORG = ConnectionFacts(10, ADAM, "Adam", "zu-adam", "acct-org", "adam@org.test")
ORG_BROKEN = ConnectionFacts(10, ADAM, "Adam", "zu-adam", "acct-org", "adam@org.test", active=False)
CARLA_OWN = ConnectionFacts(20, CARLA, "Carla", "zu-carla", "acct-carla", "carla@own.test")
CARLA_BROKEN = ConnectionFacts(20, CARLA, "Carla", "zu-carla", "acct-carla", "carla@own.test", active=False)
DEV_SAME = ConnectionFacts(21, DEV, "Dev", "zu-dev", "acct-carla", "dev@own.test")
DEV_ELSEWHERE = ConnectionFacts(22, DEV, "Dev", "zu-dev2", "acct-dev", "dev@else.test")
SAM_OWN = ConnectionFacts(23, SAM, "Sam", "zu-sam", "acct-sam", "sam@own.test")
CARLA_IN_ORG = ZoomUserRef("zu-carla-org", "carla@org.test")
DEV_IN_ORG = ZoomUserRef("zu-dev-org", "dev@org.test")


def facts(**overrides: object) -> SessionFacts:
    values: dict[str, object] = {
        "online": True,
        "provider": "zoom",
        "consultant_id": CARLA,
        "consultant_name": "Carla",
    }
    values.update(overrides)
    return SessionFacts(**values)  # type: ignore[arg-type]


def zoom(
    connection: int, path: str, user: str, account: str, email: str, label: str, member: int, *alts: str
) -> HostDecision:
    return HostDecision(
        kind="zoom", connection_id=connection, path_user=path, zoom_user_id=user, zoom_account_id=account,
        host_email=email, host_label=label, host_member_id=member, alternative_hosts=tuple(alts),
    )  # fmt: skip


NONE = HostDecision(kind="none")
CARLA_MUST_CONNECT = HostDecision(
    kind="blocked",
    message="Carla has not connected Zoom and the organisation has no Zoom account.",
    remedy="Carla must connect Zoom",
)

CASES = [
    ("in person: no meeting", facts(online=False), ORG, {CARLA: CARLA_OWN}, {}, NONE),
    ("custom link: no meeting", facts(provider="custom"), ORG, {CARLA: CARLA_OWN}, {}, NONE),
    ("no provider: no meeting", facts(provider="none"), None, {}, {}, NONE),
    (
        "org account, consultant linked: her own Zoom user in it",
        facts(), ORG, {CARLA: CARLA_OWN}, {CARLA: CARLA_IN_ORG},
        zoom(10, "zu-carla-org", "zu-carla-org", "acct-org", "carla@org.test", "Carla (carla@org.test)", CARLA),
    ),
    (
        "org account, consultant not linked: the connecting admin, and the card says for whom",
        facts(), ORG, {CARLA: CARLA_OWN}, {},
        zoom(10, "zu-adam", "zu-adam", "acct-org", "adam@org.test", "Adam (adam@org.test) for Carla", ADAM),
    ),
    (
        "org account, the connecting admin's own session: the card names them once",
        facts(consultant_id=ADAM, consultant_name="Adam"), ORG, {}, {},
        zoom(10, "zu-adam", "zu-adam", "acct-org", "adam@org.test", "Adam (adam@org.test)", ADAM),
    ),
    (
        "org account needing reconnect: falls back to the personal connection",
        facts(), ORG_BROKEN, {CARLA: CARLA_OWN}, {},
        zoom(20, "me", "zu-carla", "acct-carla", "carla@own.test", "Carla (carla@own.test)", CARLA),
    ),
    (
        "no org account: the consultant's personal connection, as me",
        facts(), None, {CARLA: CARLA_OWN}, {},
        zoom(20, "me", "zu-carla", "acct-carla", "carla@own.test", "Carla (carla@own.test)", CARLA),
    ),
    ("nobody connected: blocked with the remedy", facts(), None, {}, {}, CARLA_MUST_CONNECT),
    (
        "the booker's connection is never used",
        facts(booker_id=SAM), None, {SAM: SAM_OWN}, {}, CARLA_MUST_CONNECT,
    ),
    (
        "the consultant's connection needs reconnecting: blocked, reconnect",
        facts(), None, {CARLA: CARLA_BROKEN}, {},
        HostDecision(
            kind="blocked", message="The Zoom connection of Carla needs to be renewed.",
            remedy="Carla must reconnect Zoom",
        ),
    ),
    (
        "collective, org account: the other linked members are alternative hosts",
        facts(co_host_ids=(DEV, SAM)), ORG, {}, {CARLA: CARLA_IN_ORG, DEV: DEV_IN_ORG},
        zoom(10, "zu-carla-org", "zu-carla-org", "acct-org", "carla@org.test", "Carla (carla@org.test)", CARLA,
             "dev@org.test"),
    ),
    (
        "collective, admin hosts: linked members are alternative hosts",
        facts(co_host_ids=(DEV,)), ORG, {}, {DEV: DEV_IN_ORG},
        zoom(10, "zu-adam", "zu-adam", "acct-org", "adam@org.test", "Adam (adam@org.test) for Carla", ADAM,
             "dev@org.test"),
    ),
    (
        "collective, personal: a member in the same Zoom account is an alternative host",
        facts(co_host_ids=(DEV,)), None, {CARLA: CARLA_OWN, DEV: DEV_SAME}, {},
        zoom(20, "me", "zu-carla", "acct-carla", "carla@own.test", "Carla (carla@own.test)", CARLA, "dev@own.test"),
    ),
    (
        "collective, personal: a member of another Zoom account cannot be",
        facts(co_host_ids=(DEV,)), None, {CARLA: CARLA_OWN, DEV: DEV_ELSEWHERE}, {},
        zoom(20, "me", "zu-carla", "acct-carla", "carla@own.test", "Carla (carla@own.test)", CARLA),
    ),
    (
        "collective: a co-host's connection never hosts in the consultant's place",
        facts(co_host_ids=(DEV,)), None, {DEV: DEV_SAME}, {}, CARLA_MUST_CONNECT,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("session", "org", "personal", "links", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_it_resolves_the_host(session, org, personal, links, expected) -> None:  # type: ignore[no-untyped-def]
    assert resolve_host(session, org, personal, links) == expected
