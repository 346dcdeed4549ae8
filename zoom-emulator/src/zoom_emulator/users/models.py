"""Zoom users, roles' built-in ids and the user object as Zoom renders it."""

from dataclasses import dataclass, field

from ..clock import iso

# Zoom's example role list: {"id":"0","name":"Owner"}, {"id":"1","name":"Admin"}, {"id":"2","name":"Member"}.
OWNER_ROLE, ADMIN_ROLE, MEMBER_ROLE = "0", "1", "2"
USER_TYPES = (1, 2, 3, 4, 99)
STATUSES = ("active", "inactive", "pending")


@dataclass
class User:
    id: str
    account_id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    type: int = 1
    role_id: str = MEMBER_ROLE
    status: str = "active"
    timezone: str = "America/New_York"
    language: str = "en-US"
    pmi: int = 0
    use_pmi: bool = False
    dept: str = ""
    job_title: str = ""
    company: str = ""
    location: str = ""
    verified: int = 1
    created_at: float = 0.0
    last_login_time: float = 0.0
    creation_type: str = "create"
    group_ids: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


# Fields a PATCH /users/{userId} may change, with the type the value must have.
UPDATABLE: dict[str, type | tuple[type, ...]] = {
    "first_name": str,
    "last_name": str,
    "display_name": str,
    "type": int,
    "pmi": int,
    "use_pmi": bool,
    "timezone": str,
    "language": str,
    "dept": str,
    "job_title": str,
    "company": str,
    "location": str,
}


def full(user: User, role_name: str, account_number: int, base_url: str) -> dict[str, object]:
    """The GET /users/{userId} body, keys in Zoom's order."""
    body: dict[str, object] = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name or user.name,
        "email": user.email,
        "type": user.type,
        "role_name": role_name,
        "pmi": user.pmi,
        "use_pmi": user.use_pmi,
        "personal_meeting_url": f"{base_url}/j/{user.pmi}",
        "timezone": user.timezone,
        "verified": user.verified,
        "dept": user.dept,
        "created_at": iso(user.created_at),
        "user_created_at": iso(user.created_at),
        "last_login_time": iso(user.last_login_time or user.created_at),
        "last_client_version": "6.2.0.46690(mac)",
        "pic_url": "",
        "language": user.language,
        "phone_number": "",
        "status": user.status,
        "role_id": user.role_id,
        "group_ids": list(user.group_ids),
        "account_id": user.account_id,
        "account_number": account_number,
        "cluster": "us05",
        "job_title": user.job_title,
        "company": user.company,
        "location": user.location,
        "login_types": [100],
        "user_info_status": user.status,
    }
    return body


def listed(user: User) -> dict[str, object]:
    """A row of GET /users; Zoom omits `id` for pending users."""
    row: dict[str, object] = {}
    if user.status != "pending":
        row["id"] = user.id
    row.update(
        {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": user.display_name or user.name,
            "email": user.email,
            "type": user.type,
            "pmi": user.pmi,
            "timezone": user.timezone,
            "verified": user.verified,
            "dept": user.dept,
            "created_at": iso(user.created_at),
            "user_created_at": iso(user.created_at),
            "last_login_time": iso(user.last_login_time or user.created_at),
            "last_client_version": "6.2.0.46690(mac)",
            "language": user.language,
            "phone_number": "",
            "status": user.status,
            "role_id": user.role_id,
            "group_ids": list(user.group_ids),
        }
    )
    return row


def summary(user: User) -> dict[str, object]:
    # The object of user.deactivated / deleted / disassociated events.
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "type": user.type,
    }
