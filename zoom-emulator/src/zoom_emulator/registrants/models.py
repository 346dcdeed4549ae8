"""Meeting registrants: each gets a personal join link carrying a token (``tk``)."""

from dataclasses import dataclass
from typing import Any

from ..clock import iso

# Zoom: "a maximum limit of 4999 registrants per meeting".
CAPACITY = 4999
# Zoom: "3 registration requests/day for the same registrant in the same meeting".
DAILY_REQUESTS_PER_REGISTRANT = 3
# Zoom's status filter of GET /meetings/{meetingId}/registrants: approved (default), pending, denied.
LISTED = ("approved", "pending", "denied")


@dataclass
class Registrant:
    id: str
    meeting_id: int
    email: str
    first_name: str
    last_name: str
    token: str
    created_at: float
    # approved, pending, denied; a cancelled registration is listed with the denied ones.
    status: str = "approved"


def join_url(registrant: Registrant, base_url: str) -> str:
    # {"registrant_id": "fdgsfh2ey82fuh", "email": "…", "join_url": "https://zoom.us/w/9999999?tk=oZu52542356AAAAAA"}
    return f"{base_url}/w/{registrant.meeting_id}?tk={registrant.token}"


def listed(registrant: Registrant, base_url: str) -> dict[str, Any]:
    """A row of GET /meetings/{meetingId}/registrants."""
    row: dict[str, Any] = {
        "id": registrant.id,
        "email": registrant.email,
        "first_name": registrant.first_name,
        "last_name": registrant.last_name,
        "status": registrant.status,
        "create_time": iso(registrant.created_at),
    }
    if registrant.status == "approved":
        row["join_url"] = join_url(registrant, base_url)
    return row
