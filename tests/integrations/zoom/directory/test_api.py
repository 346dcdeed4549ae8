"""The Zoom users JSON API: the same actions and refusals as the page, as JSON."""

import httpx
import pytest

from sessiondesk.accounts.models import Member
from sessiondesk.accounts.tokens import create_token
from sessiondesk.integrations.zoom.directory import user_types
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import AdminMode, ZoomConnection
from tests.api.conftest import Api
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    row,
    synced_fixture,
    unpaced,
    zoom_user,
)
from zoom_emulator.app import EmulatorApp


def api_as(member: Member) -> Api:
    _, raw = create_token(member, "zoom admin")
    return Api(raw)


def test_it_lists_and_filters_zoom_users(emu: httpx.Client, synced: ZoomConnection, admin: Member) -> None:
    body = api_as(admin).get("/zoom/users/", {"status": "pending", "count": "true"}).json()
    carla = row("pat@acme.test")
    assert body == {
        "count": 1,
        "next_cursor": None,
        "results": [
            {
                "id": carla.pk,
                "email": "pat@acme.test",
                "first_name": "Pat",
                "last_name": "Pending",
                "account_type": "Basic",
                "user_type": 1,
                "role_id": "2",
                "status": "pending",
                "groups": [],
                "queued_changes": [],
                "member_id": None,
            }
        ],
    }


def test_it_pages_zoom_users_by_email_with_a_cursor(
    emu: httpx.Client, synced: ZoomConnection, admin: Member
) -> None:
    api = api_as(admin)
    everyone = [u["email"] for u in api.get("/zoom/users/", {"limit": 500}).json()["results"]]
    assert len(everyone) >= 3 and everyone == sorted(everyone)
    first = api.get("/zoom/users/", {"limit": 2}).json()
    assert ([u["email"] for u in first["results"]], first["count"]) == (everyone[:2], None)
    second = api.get("/zoom/users/", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [u["email"] for u in second["results"]] == everyone[2:4]
    bad = api.get("/zoom/users/", {"cursor": "nonsense"})
    assert (bad.status_code, bad.json()["field"]) == (400, "cursor")


def test_it_requires_an_admin(emu: httpx.Client, synced: ZoomConnection, consultant: Member) -> None:
    api = api_as(consultant)
    assert api.get("/zoom/users/").status_code == 403
    response = api.post("/zoom/users/", {"email": "nia@acme.test", "first_name": "N", "last_name": "N"})
    assert response.status_code == 403
    assert calls(emu) == []


def test_onboard_role_group_link_and_offboard_through_the_api(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member, consultant: Member
) -> None:
    api = api_as(admin)
    created = api.post(
        "/zoom/users/",
        {
            "email": "nia@acme.test",
            "first_name": "Nia",
            "last_name": "New",
            "user_type": 1,
            "member_id": consultant.pk,
        },
    )
    assert created.status_code == 201
    nia = created.json()
    assert (nia["status"], nia["member_id"], nia["account_type"]) == ("pending", consultant.pk, "Basic")

    queued = api.post(f"/zoom/users/{nia['id']}/groups/add", {"group_id": "g-maths"}).json()
    assert (queued["applied"], queued["user"]["queued_changes"]) == (False, ["Add to group: Maths"])

    dev = row("dev@acme.test").pk
    assert api.post(f"/zoom/users/{dev}/role", {"role_id": "r-scheduler"}).json()["applied"] is True
    assert api.post(f"/zoom/users/{dev}/groups/add", {"group_id": "g-tutors"}).json()["user"]["groups"] == [
        "Tutors"
    ]
    assert api.post(f"/zoom/users/{dev}/link", {"member_id": None}).json()["member_id"] is None
    assert (
        zoom_user(dir_emulator, "dev@acme.test").role_id,
        zoom_user(dir_emulator, "dev@acme.test").group_ids,
    ) == (
        "r-scheduler",
        ["g-tutors"],
    )

    gone = api.post(f"/zoom/users/{dev}/offboard", {"action": "delete", "transfer_to": "adam@acme.test"})
    assert gone.json() == {"removed": "dev@acme.test", "action": "delete", "sessions_flagged": 0}
    assert zoom_user(dir_emulator, "dev@acme.test") is None


def test_already_exists_is_a_409_pointing_to_adopt(
    emu: httpx.Client, synced: ZoomConnection, admin: Member
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").delete()
    api = api_as(admin)
    response = api.post("/zoom/users/", {"email": "carla@acme.test", "first_name": "C", "last_name": "C"})
    assert response.status_code == 409
    assert response.json()["detail"].endswith("Use POST /api/v1/zoom/users/adopt.")
    adopted = api.post("/zoom/users/adopt", {"email": "carla@acme.test"})
    assert (adopted.status_code, adopted.json()["groups"]) == (200, ["Tutors"])


def test_someone_already_in_the_account_is_a_409_without_a_zoom_call(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").update(member=consultant)
    api = api_as(admin)
    detail = (
        "carla@acme.test is already in the organisation's Zoom account and linked to Carla Consultant: "
        "there is nothing to onboard or adopt."
    )

    onboarded = api.post("/zoom/users/", {"email": "carla@acme.test", "first_name": "C", "last_name": "C"})
    adopted = api.post("/zoom/users/adopt", {"email": "carla@acme.test"})

    assert (onboarded.status_code, onboarded.json()) == (409, {"detail": detail, "field": None})
    assert (adopted.status_code, adopted.json()) == (409, {"detail": detail, "field": None})
    assert calls(emu) == []
    assert DirectoryUser.objects.count() == 6
    assert row("carla@acme.test").member == consultant


def test_zoom_s_refusal_is_its_own_sentence_before_the_remedy(
    emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    response = api_as(owner).post(f"/zoom/users/{row('adam@acme.test').pk}/offboard", {})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Zoom refused: “You can not disassociate an Admin user.” Zoom does not let an admin be "
        "disassociated: change their role to Member first, or choose Delete.",
        "field": None,
    }
    assert calls(emu) == [("DELETE", "/v2/users/zu-adam", 400)]
    assert DirectoryUser.objects.filter(email="adam@acme.test").exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/zoom/users/", {"email": "nia@acme.test", "first_name": "N", "last_name": "N"}),
        ("/zoom/users/{id}/offboard", {}),
        ("/zoom/users/{id}/role", {"role_id": "1"}),
        ("/zoom/users/{id}/groups/remove", {"group_id": "g-tutors"}),
    ],
)
def test_read_only_refuses_every_write_with_the_reason(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, path: str, body: dict
) -> None:
    ZoomConnection.objects.filter(pk=synced.pk).update(admin_mode=AdminMode.READ_ONLY)
    response = api_as(admin).post(path.format(id=row("carla@acme.test").pk), body)
    assert response.status_code == 403
    assert "connected Read-only" in response.json()["detail"]
    assert calls(emu) == []
    assert DirectoryUser.objects.count() == 6


def test_bad_input_is_a_422_without_a_zoom_call(
    emu: httpx.Client, synced: ZoomConnection, admin: Member
) -> None:
    api = api_as(admin)
    assert api.post("/zoom/users/", {"email": "nope", "first_name": "", "last_name": "x"}).status_code == 422
    person = {"email": "a@b.test", "first_name": "a", "last_name": "b"}
    assert api.post("/zoom/users/", {**person, "user_type": 0}).status_code == 422
    on_prem = api.post("/zoom/users/", {**person, "user_type": 3})
    assert (on_prem.status_code, on_prem.json()["detail"]) == (400, user_types.ON_PREM_REFUSAL)
    assert api.post(f"/zoom/users/{row('dev@acme.test').pk}/offboard", {"action": "shred"}).status_code == 422
    assert api.post(f"/zoom/users/{row('dev@acme.test').pk}/role", {"role_id": "nope"}).status_code == 404
    assert calls(emu) == []
