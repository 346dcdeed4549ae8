"""The user types onboarding offers: what Zoom's POST /users takes on the account's plan, named as
Zoom names them.

Zoom's ``user_info.type`` (2026 spec): 1 Basic, 2 Licensed (Zoom's "Pro" until 2020, as older guides
still say), 4 Unassigned without Meetings Basic, 99 None (deprecated; ``ssoCreate`` only). 3 is
On-prem (the v1 API's "corp", older guides' "Corporate"), which Zoom no longer creates:
``400 {"code": 300, "message": "Your account can't set user type as On-prem."}``. Unassigned users
cannot host meetings, which is what SessionDesk makes Zoom users for, so it is not offered either.

Zoom's API does not name an account's plan; the synced directory shows it: Licensed users exist only
on paid plans (Pro, Business, Enterprise), so an account whose users are all Basic is on the free
Basic plan, where Zoom adds Basic users only (a Licensed one is refused with code 3412, "maximum
number of "0" paying users").
"""

from sessiondesk.integrations.zoom.directory.models import DirectoryUser

BASIC, LICENSED, ON_PREM = 1, 2, 3
NAMES = {BASIC: "Basic", LICENSED: "Licensed (Pro)"}
FREE, PAID, UNKNOWN = "free", "paid", "unknown"

ON_PREM_REFUSAL = (
    "Zoom no longer creates On-prem users (formerly “Corporate”) through its API; choose Basic or Licensed."
)


def plan_of(org_id: int) -> str:
    users = DirectoryUser.objects.filter(org_id=org_id)
    if not users.exists():
        return UNKNOWN  # not synced yet
    return PAID if users.filter(user_type=LICENSED).exists() else FREE


def offered(org_id: int) -> list[tuple[int, str]]:
    types = (BASIC,) if plan_of(org_id) == FREE else (BASIC, LICENSED)
    return [(kind, NAMES[kind]) for kind in types]


def refusal(org_id: int, kind: int) -> str:
    """Why onboarding does not offer ``kind`` on this account ("" when it does)."""
    if kind in dict(offered(org_id)):
        return ""
    if kind == ON_PREM:
        return ON_PREM_REFUSAL
    if kind == LICENSED:
        return (
            "Every user of this Zoom account is Basic, as on Zoom's free Basic plan, where Zoom adds Basic "
            "users only: a Licensed user needs a paid Zoom plan with a free licence. Choose Basic, or "
            "upgrade the Zoom account and sync the directory."
        )
    return "Zoom creates Basic and Licensed users through its API; choose one of them."


def help_text(org_id: int) -> str:
    if plan_of(org_id) == FREE:
        return (
            "Basic only: every user of this Zoom account is Basic, as on Zoom's free plan, which has no "
            "licences. Zoom's older “Corporate” type (now On-prem) cannot be created through its API."
        )
    return (
        "Licensed (formerly Pro) users have a paid Zoom licence; Basic users are free. Zoom's older "
        "“Corporate” type (now On-prem) cannot be created through its API."
    )
