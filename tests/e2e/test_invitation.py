"""An invitee's sign-up page in Chromium: their time zone starts at the browser's, not at the
organisation's, unless they change it; without scripts it is the organisation's."""

import pytest

from sessiondesk.accounts import invitations
from sessiondesk.accounts.models import Member, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-new-password-1"


def _sign_up(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)


def test_a_newcomer_starts_at_their_browsers_time_zone(live_server, new_page, owner):  # type: ignore[no-untyped-def]
    assert owner.org.timezone == "America/New_York"
    invitation = invitations.invite(owner, email="nina@acme.test", name="Nina Novak", role=Role.CONSULTANT)
    page = new_page(timezone_id="Europe/London")
    url = f"{live_server.url}/invite/{invitation.token}/"
    _sign_up(page, url)
    zone = page.locator("select[name=timezone]")
    shown = zone.input_value()
    page.get_by_role("button", name="Create my account and join").click()
    page.wait_for_url(f"{live_server.url}/")

    assert shown == "Europe/London"
    assert Member.objects.get(user__email="nina@acme.test").timezone == "Europe/London"


def test_a_zone_chosen_by_hand_or_a_page_without_scripts_is_kept(  # type: ignore[no-untyped-def]
    live_server, new_page, owner
):
    chosen = invitations.invite(owner, email="nina@acme.test", name="Nina Novak", role=Role.CONSULTANT)
    page = new_page(timezone_id="Europe/London")
    _sign_up(page, f"{live_server.url}/invite/{chosen.token}/")
    page.locator("select[name=timezone]").select_option("Asia/Tokyo")
    page.get_by_label("Password again").fill("not the same")  # refused: the page comes back with the choice
    page.get_by_role("button", name="Create my account and join").click()
    page.wait_for_load_state()
    kept = page.locator("select[name=timezone]").input_value()

    plain = invitations.invite(owner, email="omar@acme.test", name="Omar Ortiz", role=Role.CONSULTANT)
    no_scripts = new_page(timezone_id="Europe/London", java_script_enabled=False)
    no_scripts.goto(f"{live_server.url}/invite/{plain.token}/")

    assert kept == "Asia/Tokyo"
    assert Member.objects.filter(user__email="nina@acme.test").exists() is False
    assert no_scripts.locator("select[name=timezone]").input_value() == "America/New_York"
