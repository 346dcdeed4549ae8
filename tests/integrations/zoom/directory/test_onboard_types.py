"""Onboarding offers the user types Zoom creates on the account's plan, named as Zoom names them, and
shows Zoom's own sentence when Zoom refuses one."""

import html
import re

import httpx
import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import onboard, user_types
from sessiondesk.integrations.zoom.directory.forms import OnboardForm
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import ZoomConnection
from tests.conftest import login
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    synced_fixture,
    unpaced,
)
from zoom_emulator.app import EmulatorApp

PAGE = "/integrations/zoom/users/"
NIA = {"email": "nia@acme.test", "first_name": "Nia", "last_name": "New"}
FREE_PLAN_REFUSAL = (
    "Every user of this Zoom account is Basic, as on Zoom's free Basic plan, where Zoom adds Basic users only: "
    "a Licensed user needs a paid Zoom plan with a free licence. Choose Basic, or upgrade the Zoom account and "
    "sync the directory."
)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def options(response) -> list[str]:  # type: ignore[no-untyped-def]
    form = response.context["onboard_form"]
    return [label for _, label in form.fields["user_type"].widget.choices]


def all_basic(org_id: int) -> None:
    """The directory of an account on Zoom's free plan: every user is Basic."""
    DirectoryUser.objects.filter(org_id=org_id).update(user_type=user_types.BASIC)


def test_a_paid_account_is_offered_basic_and_licensed(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    login(client, owner)
    page = client.get(PAGE)
    assert options(page) == ["Basic", "Licensed (Pro)"]
    assert page.context["onboard_form"].fields["user_type"].initial == user_types.LICENSED
    assert "Zoom's older “Corporate” type (now On-prem) cannot be created through its API." in text(page)


def test_a_free_account_is_offered_basic_only(
    client: HttpClient, emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    all_basic(owner.org_id)
    login(client, owner)
    page = client.get(PAGE)
    assert options(page) == ["Basic"]
    assert "Basic only: every user of this Zoom account is Basic, as on Zoom's free plan" in text(page)


def test_before_the_first_sync_both_types_are_offered(owner: Member) -> None:
    assert user_types.plan_of(owner.org_id) == user_types.UNKNOWN
    assert user_types.offered(owner.org_id) == [(1, "Basic"), (2, "Licensed (Pro)")]


@pytest.mark.parametrize(
    ("kind", "free", "reason"),
    [
        (2, True, FREE_PLAN_REFUSAL),
        (3, False, user_types.ON_PREM_REFUSAL),
        (4, False, "Zoom creates Basic and Licensed users through its API; choose one of them."),
    ],
)
def test_a_type_zoom_would_not_create_here_is_refused_with_why_and_zoom_is_not_asked(
    client: HttpClient,
    emu: httpx.Client,
    synced: ZoomConnection,
    owner: Member,
    kind: int,
    free: bool,
    reason: str,
) -> None:
    if free:
        all_basic(owner.org_id)
    login(client, owner)

    response = client.post(PAGE + "onboard/", {**NIA, "user_type": str(kind)})

    assert response.status_code == 400
    assert response.context["onboard_form"].errors["user_type"] == [reason]
    assert calls(emu) == []
    assert not DirectoryUser.objects.filter(email="nia@acme.test").exists()
    with pytest.raises(onboard.TypeNotOffered, match=re.escape(reason)):
        onboard.onboard(owner, "nia@acme.test", "Nia", "New", kind)
    assert calls(emu) == []


def test_basic_is_accepted_before_the_first_sync(owner: Member) -> None:
    form = OnboardForm({**NIA, "user_type": "1"}, viewer=owner)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["user_type"] == 1


def test_zoom_s_refusal_of_a_licensed_user_is_shown_as_its_own_sentence(
    client: HttpClient, emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, owner: Member
) -> None:
    account = dir_emulator.state.accounts["acct-acme"]
    held = [
        u for u in dir_emulator.state.account_users("acct-acme") if u.type == 2 and u.status != "inactive"
    ]
    account.licenses = len(held)  # every licence is taken
    login(client, owner)

    response = client.post(PAGE + "onboard/", {**NIA, "user_type": "2"})

    assert response.status_code == 400
    assert (
        '<li class="msg msg-error">Zoom refused: “Your request to add a new "Licensed" user couldn\'t be approved '
        f'at this time because your account has reached the permitted maximum number of "{len(held)}" paying '
        "users. Please purchase additional licenses or contact the Zoom support team to provision additional "
        "users in your account.” The Zoom account has no room left for this type of user: for Licensed, free or "
        "buy a licence in Zoom, or choose Basic; for Basic, remove unused users in Zoom first.</li>"
    ) in text(response)
    assert calls(emu) == [("POST", "/v2/users", 400)]
    assert not DirectoryUser.objects.filter(email="nia@acme.test").exists()
    failed = AuditEntry.objects.get(action="zoom_directory.onboard_failed")
    assert (failed.detail["zoom_code"], failed.detail["account_type"]) == ("3412", 2)

    basic = client.post(PAGE + "onboard/", {**NIA, "user_type": "1"}, follow=True)
    assert "Zoom created nia@acme.test and emailed them an invitation" in text(basic)
    assert DirectoryUser.objects.get(email="nia@acme.test").user_type == 1
