"""A new API token is shown where the eye is: the page opens at the token card, not at its top."""

import re

import pytest

from sessiondesk.accounts.models import ApiToken
from tests.e2e.test_first_booking import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def test_the_new_token_is_shown_in_view(live_server, new_page, shot, owner):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_label("New token name").fill("Reporting script")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_url(re.compile(r"/settings/tokens/.*#api-tokens$"))

    value = page.get_by_label("New API token")
    shot(page, "settings-new-token")
    assert value.evaluate(IN_VIEW) is True
    assert page.evaluate("window.scrollY") > 0  # the card is below the fold of the page's top
    token = ApiToken.objects.get()
    assert (token.name, value.input_value()[: len(token.prefix)]) == ("Reporting script", token.prefix)
