"""The API: each session carries its outcome, and /sessions/{id}/attendance says who came and for how long."""

from sessiondesk.accounts.models import Member
from sessiondesk.accounts.tokens import create_token
from tests.api.conftest import Api
from tests.attendance.fixtures import Held


def api(member: Member) -> Api:
    return Api(create_token(member, "tests")[1])


def test_the_api_gives_the_outcome_and_the_attendance(held: Held, staff: Member, outsider: Member) -> None:
    before = api(staff).get(f"/sessions/{held.session.pk}")
    assert before.json()["outcome"] == ""
    empty = api(staff).get(f"/sessions/{held.session.pk}/attendance").json()
    assert (empty["outcome"], empty["attendees"]) == ("", [])
    held.script(
        {"at": held.at(2), "action": "start"},
        {"at": held.at(5), "action": "join", "name": "Ann", "email": "ann@example.com"},
        {"at": held.at(5), "action": "admit", "name": "Ann", "email": "ann@example.com"},
        {"at": held.at(30), "action": "join", "name": "Uncle Bob"},
        {"at": held.at(30), "action": "admit", "name": "Uncle Bob"},
        {"at": held.at(45), "action": "end"},
    )
    held.deliver()
    assert api(staff).get(f"/sessions/{held.session.pk}").json()["outcome"] == "completed"
    body = api(staff).get(f"/sessions/{held.session.pk}/attendance").json()
    assert (body["outcome"], body["outcome_corrected"], body["report_state"]) == ("completed", False, "due")
    assert [
        (a["kind"], a["name"], a["seconds_present"], a["late_seconds"], a["client"] is not None)
        for a in body["attendees"]
    ] == [
        ("client", "Ann Student", 40 * 60, 300, True),
        ("guest", "Uncle Bob", 15 * 60, 30 * 60, False),
        ("host", "Carla Consultant", 43 * 60, 120, False),
    ]
    listed = api(staff).get("/sessions/", {"client": held.ann.pk}).json()
    assert [s["outcome"] for s in listed["items"]] == ["completed"]
    assert api(outsider).get(f"/sessions/{held.session.pk}/attendance").status_code == 404
