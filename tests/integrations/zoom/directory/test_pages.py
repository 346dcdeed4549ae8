"""The Zoom Users page and its actions, as an admin uses them."""

import html
import re

import httpx
import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.directory.models import (
    DirectoryGroup,
    DirectorySync,
    DirectoryUser,
    GroupMembership,
)
from sessiondesk.integrations.zoom.directory.permissions import READ_ONLY
from sessiondesk.integrations.zoom.models import AdminMode, ZoomConnection
from tests.conftest import login
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

PAGE = "/integrations/zoom/users/"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def emails(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [user.email for user in response.context["users"]]


def test_it_requires_login(client: HttpClient, owner: Member) -> None:
    response = client.get(PAGE)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={PAGE}")


@pytest.mark.parametrize("who", ["consultant", "staff"])
def test_it_requires_an_admin(client: HttpClient, who: str, request) -> None:  # type: ignore[no-untyped-def]
    login(client, request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE + "onboard/", {"email": "x@acme.test"}).status_code == 403


def test_it_lists_every_zoom_user_with_type_role_groups_status_and_link(
    client: HttpClient, synced: ZoomConnection, owner: Member, consultant: Member
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").update(member=consultant)
    login(client, owner)
    response = client.get(PAGE)
    page = text(response)
    assert response.status_code == 200
    assert emails(response) == [
        "adam@acme.test",
        "carla@acme.test",
        "cora@acme.test",
        "dev@acme.test",
        "olivia@acme.test",
        "pat@acme.test",
    ]
    for shown in (
        "Licensed (Pro)",
        "On-prem (Corporate)",
        "Basic",
        "Scheduler",
        "Tutors",
        "Pending",
        "Inactive",
    ):
        assert shown in page
    assert "<td>Carla Consultant</td>" in page
    assert "data-offboard-toggle" in page and "Offboard" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=carla", ["carla@acme.test"]),
        ("q=Basic", ["dev@acme.test"]),
        ("status=pending", ["pat@acme.test"]),
        ("type=3", ["cora@acme.test"]),
        ("role=1", ["adam@acme.test"]),
        ("group=g-tutors", ["carla@acme.test"]),
        ("linked=yes", ["carla@acme.test"]),
    ],
)
def test_it_searches_and_filters(
    client: HttpClient,
    synced: ZoomConnection,
    owner: Member,
    consultant: Member,
    query: str,
    expected: list[str],
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").update(member=consultant)
    login(client, owner)
    assert emails(client.get(f"{PAGE}?{query}")) == expected


def test_read_only_shows_the_reason_and_refuses_every_write(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    ZoomConnection.objects.filter(pk=synced.pk).update(admin_mode=AdminMode.READ_ONLY)
    login(client, owner)
    page = text(client.get(PAGE))
    assert READ_ONLY in page
    assert 'id="offboard-toggle" data-offboard-toggle disabled' in page
    carla = row("carla@acme.test")
    tutors = DirectoryGroup.objects.get(name="Tutors")
    posts = [
        (
            PAGE + "onboard/",
            {"email": "nia@acme.test", "first_name": "N", "last_name": "N", "user_type": "1"},
        ),
        (f"{PAGE}{carla.pk}/offboard/", {"action": "disassociate"}),
        (f"{PAGE}{carla.pk}/role/", {"role": "1"}),
        (f"{PAGE}{carla.pk}/groups/remove/", {"group": tutors.pk}),
    ]
    for url, form in posts:
        response = client.post(url, form)
        assert response.status_code == 403, url
        assert READ_ONLY in text(response)
    assert calls(emu) == []
    assert DirectoryUser.objects.count() == 6
    assert GroupMembership.objects.count() == 1


def test_onboarding_from_the_page_and_adopting_an_existing_user(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member, consultant: Member
) -> None:
    login(client, owner)
    form = {"email": "nia@acme.test", "first_name": "Nia", "last_name": "New", "user_type": "2"}
    response = client.post(PAGE + "onboard/", form, follow=True)
    assert "Zoom created nia@acme.test and emailed them an invitation" in text(response)
    assert row("nia@acme.test").status == "pending"

    DirectoryUser.objects.filter(email="dev@acme.test").delete()
    again = client.post(PAGE + "onboard/", {**form, "email": "dev@acme.test"})
    assert again.status_code == 409
    assert "Adopt and link" in text(again)
    adopted = client.post(PAGE + "adopt/", {"email": "dev@acme.test", "member": consultant.pk}, follow=True)
    assert "The existing Zoom user dev@acme.test was adopted and linked to Carla Consultant." in text(adopted)
    assert row("dev@acme.test").member == consultant


def test_onboarding_someone_already_in_the_account_says_so_and_offers_no_adoption(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member, consultant: Member
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").update(member=consultant)
    login(client, owner)
    form = {"email": "carla@acme.test", "first_name": "Carla", "last_name": "C", "user_type": "2"}

    response = client.post(PAGE + "onboard/", form)

    page = text(response)
    assert response.status_code == 409
    assert (
        '<li class="msg msg-info">carla@acme.test is already in the organisation\'s Zoom account and linked '
        "to Carla Consultant: there is nothing to onboard or adopt.</li>"
    ) in page
    assert 'id="adopt"' not in page
    assert "Adopt and link" not in page
    adopting = client.post(PAGE + "adopt/", {"email": "carla@acme.test", "member": owner.pk})
    assert adopting.status_code == 409
    assert "linked to Carla Consultant: there is nothing to onboard or adopt." in text(adopting)
    assert calls(emu) == []
    assert DirectoryUser.objects.count() == 6
    assert row("carla@acme.test").member == consultant


def test_bad_onboarding_input_is_refused_without_calling_zoom(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    login(client, owner)
    response = client.post(PAGE + "onboard/", {"email": "not-an-email", "first_name": "", "user_type": "7"})
    assert response.status_code == 400
    assert "Enter a valid email address." in text(response)
    assert calls(emu) == []


def test_role_group_link_and_offboard_from_the_pages(
    client: HttpClient,
    emu: httpx.Client,
    dir_emulator: EmulatorApp,
    synced: ZoomConnection,
    owner: Member,
    consultant: Member,
) -> None:
    login(client, owner)
    dev = row("dev@acme.test")
    maths = DirectoryGroup.objects.get(name="Maths")
    detail = client.get(f"{PAGE}{dev.pk}/")
    assert detail.status_code == 200
    assert client.post(f"{PAGE}{dev.pk}/role/", {"role": "r-scheduler"}).status_code == 302
    assert client.post(f"{PAGE}{dev.pk}/groups/add/", {"group": maths.pk}).status_code == 302
    assert client.post(f"{PAGE}{dev.pk}/link/", {"member": consultant.pk}).status_code == 302
    user = zoom_user(dir_emulator, "dev@acme.test")
    assert (user.role_id, user.group_ids) == ("r-scheduler", ["g-maths"])
    assert row("dev@acme.test").member == consultant

    response = client.post(
        f"{PAGE}{dev.pk}/offboard/", {"action": "delete", "transfer_to": "adam@acme.test"}, follow=True
    )
    assert "dev@acme.test was deleted from the Zoom account and no longer has access." in text(response)
    assert zoom_user(dir_emulator, "dev@acme.test") is None


ADMIN_REFUSED = (
    "Zoom refused: “You can not disassociate an Admin user.” Zoom does not let an admin be "
    "disassociated: change their role to Member first, or choose Delete."
)


def test_zoom_s_refusal_is_shown_as_its_own_sentence_before_the_remedy(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    login(client, owner)
    adam = row("adam@acme.test")

    response = client.post(f"{PAGE}{adam.pk}/offboard/", {"action": "disassociate"})

    assert response.status_code == 400
    assert f'<li class="msg msg-error">{ADMIN_REFUSED}</li>' in text(response)
    assert calls(emu) == [("DELETE", "/v2/users/zu-adam", 400)]
    assert DirectoryUser.objects.filter(email="adam@acme.test").exists()


def test_unknown_roles_and_groups_are_refused(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member, outsider: Member
) -> None:
    login(client, owner)
    dev = row("dev@acme.test")
    other = DirectoryGroup.objects.create(org=outsider.org, zoom_group_id="g-rival", name="Rival")
    assert client.post(f"{PAGE}{dev.pk}/role/", {"role": "nope"}).status_code == 403
    assert client.post(f"{PAGE}{dev.pk}/groups/add/", {"group": other.pk}).status_code == 403
    assert client.post(f"{PAGE}{dev.pk}/groups/add/", {"group": "x"}).status_code == 403
    assert calls(emu) == []


def test_another_organisation_cannot_see_or_change_a_zoom_user(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, outsider: Member
) -> None:
    login(client, outsider)
    carla = row("carla@acme.test")
    assert client.get(f"{PAGE}{carla.pk}/").status_code == 404
    assert client.post(f"{PAGE}{carla.pk}/offboard/", {"action": "delete"}).status_code == 404
    assert emails(client.get(PAGE)) == []
    assert calls(emu) == []


def test_sync_now_and_its_progress(client: HttpClient, synced: ZoomConnection, owner: Member) -> None:
    login(client, owner)
    assert client.post(PAGE + "sync/").status_code == 302
    status = client.get(PAGE + "sync/status/").json()
    assert (status["state"], status["users_done"], status["users_total"]) == ("requested", 6, 6)
    DirectorySync.objects.filter(org=owner.org).update(
        state="running", phase="Reading active users", users_done=300, users_total=10000
    )
    status = client.get(PAGE + "sync/status/").json()
    assert (status["state"], status["phase"], status["users_done"], status["users_total"]) == (
        "running",
        "Reading active users",
        300,
        10000,
    )
    assert "Reading active users: 300 of 10000 users read" in text(client.get(PAGE))


def test_removing_the_integration_asks_for_confirmation(
    client: HttpClient, synced: ZoomConnection, owner: Member
) -> None:
    login(client, owner)
    refused = client.post(PAGE + "remove-integration/", {"confirm": "yes"})
    assert refused.status_code == 403
    assert DirectoryUser.objects.count() == 6
    done = client.post(PAGE + "remove-integration/", {"confirm": "remove"}, follow=True)
    assert "The Zoom integration was removed: access revoked, 6 Zoom users and 0 links deleted." in text(done)
    assert DirectoryUser.objects.count() == 0


def _add_users(org, count: int, first: int = 0) -> None:
    """Tutors in the Tutors group, so every page has rows with groups (one query more when none has)."""
    added = DirectoryUser.objects.bulk_create(
        DirectoryUser(org=org, email=f"tutor{n:04}@acme.test", first_name="Tutor", last_name=f"{n:04}")
        for n in range(first, first + count)
    )
    tutors = DirectoryGroup.objects.get(org=org, name="Tutors")
    GroupMembership.objects.bulk_create(GroupMembership(user=user, group=tutors) for user in added)


def _next_link(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    assert found is not None
    return html.unescape(found.group(1))


def test_it_pages_the_users_by_email_and_keeps_the_filters(
    client: HttpClient, synced: ZoomConnection, owner: Member
) -> None:
    _add_users(owner.org, 60)
    login(client, owner)
    first = client.get(PAGE, {"q": "tutor"})
    assert emails(first) == [f"tutor{n:04}@acme.test" for n in range(50)]
    link = _next_link(first)
    assert link.startswith("?q=tutor&after=")
    second = client.get(PAGE + link)
    assert emails(second) == [f"tutor{n:04}@acme.test" for n in range(50, 60)]
    assert 'rel="next"' not in second.content.decode()


def test_it_lists_no_transfer_targets_and_as_many_queries_for_ten_thousand_users(
    client: HttpClient, synced: ZoomConnection, owner: Member
) -> None:
    login(client, owner)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    _add_users(owner.org, 400)
    with CaptureQueriesContext(connection) as many:
        response = client.get(PAGE)
    with CaptureQueriesContext(connection) as later:
        assert len(client.get(PAGE + _next_link(response)).context["users"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries) == len(later.captured_queries)
    page = text(response)
    assert "tutor0050@acme.test" not in page  # neither a row of page 1 nor an offered transfer target
    assert '<input type="email" name="transfer_to" id="offboard-transfer"' in page


def test_the_member_picker_finds_without_script_and_onboards_no_one(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member, consultant: Member
) -> None:
    login(client, owner)
    before = calls(emu)
    form = {"email": "nia@acme.test", "first_name": "Nia", "last_name": "New", "user_type": "2"}
    found = client.post(PAGE + "onboard/", {**form, "member_q": "carla", "picker": "member"})
    page = text(found)
    assert found.status_code == 200
    assert f'type="radio" name="member" value="{consultant.pk}">' in page
    assert 'value="nia@acme.test"' in page
    assert calls(emu) == before
    assert not DirectoryUser.objects.filter(email="nia@acme.test").exists()
    assert 'name="member" value="' + str(owner.pk) not in page  # only the match is offered


def test_the_user_page_lists_no_member_but_the_linked_one(
    client: HttpClient, synced: ZoomConnection, owner: Member, consultant: Member, consultant2: Member
) -> None:
    carla = DirectoryUser.objects.get(email="carla@acme.test")
    DirectoryUser.objects.filter(pk=carla.pk).update(member=consultant)
    login(client, owner)
    page = text(client.get(f"{PAGE}{carla.pk}/"))
    assert f'type="radio" name="member" value="{consultant.pk}" checked' in page
    assert "Dev Consultant" not in page
