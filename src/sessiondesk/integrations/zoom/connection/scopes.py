"""The scopes each kind of connection needs, and what each is for (named when one is missing).

Each need lists the granular scope first (apps created since 2024) and the classic one it replaces;
holding any of them is enough.
"""

from dataclasses import dataclass

from sessiondesk.integrations.zoom.models import AdminMode, ConnectionKind


@dataclass(frozen=True)
class Need:
    scopes: tuple[str, ...]
    purpose: str

    @property
    def name(self) -> str:
        return self.scopes[0]


PERSONAL = (
    Need(("user:read:user", "user:read", "user_info:read"), "to confirm which Zoom user you are"),
    Need(("meeting:write:meeting", "meeting:write"), "to create a Zoom meeting for each online session"),
    Need(("meeting:update:meeting", "meeting:write"), "to move or rename a meeting when its session changes"),
    Need(("meeting:delete:meeting", "meeting:write"), "to delete the meeting when its session is cancelled"),
    Need(("meeting:read:meeting", "meeting:read"), "to check that each session's meeting still exists"),
    Need(
        ("meeting:read:list_meetings", "meeting:read"),
        "to find a meeting whose creation was interrupted, instead of creating it twice",
    ),
)

ORGANIZATION = (
    Need(("user:read:user:admin", "user:read:admin"), "to confirm which Zoom user authorised the account"),
    Need(("user:read:list_users:admin", "user:read:admin"), "to match Zoom users with SessionDesk members"),
    Need(
        ("meeting:write:meeting:admin", "meeting:write:admin"),
        "to create meetings for the organisation's consultants",
    ),
    Need(("meeting:update:meeting:admin", "meeting:write:admin"), "to move or rename meetings"),
    Need(("meeting:delete:meeting:admin", "meeting:write:admin"), "to delete meetings of cancelled sessions"),
    Need(("meeting:read:meeting:admin", "meeting:read:admin"), "to check that meetings still exist"),
    Need(
        ("meeting:read:list_meetings:admin", "meeting:read:admin"),
        "to find a meeting whose creation was interrupted, instead of creating it twice",
    ),
    # The Zoom Users page (directory sync): roles and groups of the account.
    Need(("role:read:list_roles:admin", "role:read:admin"), "to show the account's Zoom roles"),
    Need(("group:read:list_groups:admin", "group:read:admin"), "to show the account's Zoom groups"),
)

# Only asked for when the organisation account manages Zoom users (Read/Write).
ORGANIZATION_WRITE = (
    Need(("user:write:user:admin", "user:write:admin"), "to add Zoom users for new members"),
    Need(("user:update:user:admin", "user:write:admin"), "to change Zoom users' details and roles"),
    Need(("user:delete:user:admin", "user:write:admin"), "to remove Zoom users of departing members"),
    Need(("role:write:member:admin", "role:write:admin"), "to give Zoom users a role"),
    Need(("role:delete:member:admin", "role:write:admin"), "to take a Zoom role back"),
    Need(("group:write:member:admin", "group:write:admin"), "to add Zoom users to groups"),
    Need(("group:delete:member:admin", "group:write:admin"), "to remove Zoom users from groups"),
)


# Personal links (Zoom registration). Asked for on connect, but not required: a connection made
# before SessionDesk asked for them keeps working, and its sessions keep the shared link until the
# person reconnects (Integration health names what is missing).
PERSONAL_REGISTRATION = (
    Need(
        ("meeting:write:registrant", "meeting:write"),
        "to register each client for their session's meeting, so each gets their own join link",
    ),
    Need(("meeting:write:batch_registrants", "meeting:write"), "to register a session's clients in one call"),
    Need(
        ("meeting:read:list_registrants", "meeting:read"),
        "to find a registration whose answer was lost, instead of registering twice",
    ),
    Need(
        ("meeting:update:registrant_status", "meeting:write"),
        "to cancel the registration of a client removed from a session",
    ),
)
ORGANIZATION_REGISTRATION = tuple(
    Need(tuple(f"{scope}:admin" for scope in need.scopes), need.purpose) for need in PERSONAL_REGISTRATION
)


def registration_needed(kind: str) -> tuple[Need, ...]:
    return ORGANIZATION_REGISTRATION if kind == ConnectionKind.ORGANIZATION else PERSONAL_REGISTRATION


def registration_missing(kind: str, granted: frozenset[str] | set[str]) -> list[Need]:
    """The registration scopes a connection lacks: without them its sessions keep the shared link."""
    return [need for need in registration_needed(kind) if not any(_held(s, granted) for s in need.scopes)]


def _held(scope: str, granted: frozenset[str] | set[str]) -> bool:
    return scope in granted or (scope.endswith(":admin") and scope[:-6] + ":master" in granted)


# Asked for on connect but not required: without it attendance comes from live events alone (Zoom
# offers the participant report to admin-managed apps only; Reference:
# https://developers.zoom.us/docs/api/accounts/#tag/reports/GET/report/meetings/{meetingId}/participants).
ATTENDANCE = (
    Need(
        ("report:read:list_meeting_participants:admin", "report:read:admin"),
        "to read who attended each meeting from Zoom's participant report",
    ),
)


def attendance_reports(granted: frozenset[str] | set[str]) -> bool:
    return any(s in granted for need in ATTENDANCE for s in need.scopes) or "report:read:master" in granted


def attendance_missing(kind: str, granted: frozenset[str] | set[str]) -> list[Need]:
    """The report scope an organisation connection lacks: without it attendance comes from live
    events alone. Personal connections are never offered it, so they lack nothing here."""
    if kind != ConnectionKind.ORGANIZATION or attendance_reports(granted):
        return []
    return list(ATTENDANCE)


def optional(kind: str) -> tuple[Need, ...]:
    """The scopes asked for on connect but not required: a connection without them keeps working,
    with the shared join link (registration) and attendance from live events alone (reports)."""
    return registration_needed(kind) + (ATTENDANCE if kind == ConnectionKind.ORGANIZATION else ())


def needed(kind: str, admin_mode: str = AdminMode.READ_WRITE) -> tuple[Need, ...]:
    if kind == ConnectionKind.ORGANIZATION:
        return ORGANIZATION + (ORGANIZATION_WRITE if admin_mode == AdminMode.READ_WRITE else ())
    return PERSONAL


def missing(kind: str, admin_mode: str, granted: frozenset[str] | set[str]) -> list[Need]:
    def held(scope: str) -> bool:
        # A :master scope covers its :admin twin.
        return scope in granted or (scope.endswith(":admin") and scope[:-6] + ":master" in granted)

    return [need for need in needed(kind, admin_mode) if not any(held(s) for s in need.scopes)]


def granted_writes(granted: frozenset[str] | set[str]) -> list[str]:
    """The write scopes among those granted (granular or classic, :admin or :master), sorted."""
    writes = {scope for need in ORGANIZATION_WRITE for scope in need.scopes}
    writes |= {scope.removesuffix(":admin") + ":master" for scope in writes}
    return sorted(granted & writes)


def registration_list(app: str) -> list[str]:
    """The granular scopes to add to a Zoom app (docs and the emulator's development apps). ``app``:
    ``personal``, ``organization``, or ``organization_read_only`` (the read scopes only)."""
    if app == "organization_read_only":
        return [need.name for need in ORGANIZATION + ORGANIZATION_REGISTRATION + ATTENDANCE]
    extra = ATTENDANCE if app == ConnectionKind.ORGANIZATION else ()
    wanted = needed(app, AdminMode.READ_WRITE) + registration_needed(app) + extra
    return [need.name for need in wanted]
