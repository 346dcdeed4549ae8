"""The public Zoom guide, followed as written: each "how to" is read off /help/zoom/ and its steps are
done in Chromium against SessionDesk and Zoom's consent page (the emulator on a real port), until the
page shows what the guide says it shows."""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom.models import ZoomConnection
from sessiondesk.scheduling.models import Session
from tests.e2e.test_first_booking import log_in
from tests.e2e.test_zoom_connect import zoom_server  # noqa: F401
from tests.support.worker import run_worker_until_idle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass
class Step:
    kind: str  # link, summary, tab, choice, button, zoom-user
    label: str


def read_howto(page, base: str, name: str) -> tuple[list[Step], str]:  # type: ignore[no-untyped-def]
    """The guide's steps for ``name`` (the UI names it tells the reader to use, in order) and the
    outcome it promises."""
    page.goto(f"{base}/help/zoom/")
    howto = page.locator(f'ol.howto[data-howto="{name}"]')
    elements = howto.locator(".ui, .outcome")
    steps: list[Step] = []
    outcome = ""
    for i in range(elements.count()):
        element = elements.nth(i)
        if element.get_attribute("class") == "outcome":
            outcome = element.inner_text()
        else:
            steps.append(Step(element.get_attribute("data-ui") or "", element.inner_text()))
    assert steps and outcome, name
    return steps, outcome


def follow(page, steps: list[Step], zoom_user: str, fill_form=None) -> None:  # type: ignore[no-untyped-def]
    for step in steps:
        if step.kind == "link":
            page.get_by_role("link", name=step.label, exact=True).first.click()
        elif step.kind == "summary":
            summary = page.locator("summary", has_text=step.label).first
            if summary.locator("xpath=..").get_attribute("open") is None:
                summary.click()
        elif step.kind == "tab":
            page.get_by_role("tab", name=step.label, exact=True).click()
        elif step.kind == "choice":
            page.get_by_role("radio", name=step.label).check()
        elif step.kind == "zoom-user":
            page.wait_for_url(re.compile(r"/oauth/authorize"))
            page.get_by_label(re.compile(zoom_user)).check()
        elif step.kind == "button":
            if fill_form is not None and step.label == "Schedule session":
                fill_form(page)
            page.get_by_role("button", name=step.label, exact=True).click()
        else:
            raise AssertionError(f"the guide names a step this test cannot do: {step}")
        page.wait_for_load_state()


def test_connecting_personally_as_the_guide_says(live_server, new_page, shot, consultant, zoom_server):  # type: ignore[no-untyped-def]  # noqa: F811
    base = live_server.url
    page = new_page()
    log_in(page, base, consultant.email)
    steps, outcome = read_howto(page, base, "personal")
    assert [s.label for s in steps] == [
        "Settings",
        "Zoom",
        "Personal",
        "Connect with Zoom",
        "sign in",
        "Allow",
    ]
    page.goto(f"{base}/")
    follow(page, steps, "Carla Consultant")
    panel = page.locator("#zoom-personal")
    assert panel.locator(".badge-ok", has_text=outcome).is_visible()
    assert panel.locator(".zoom-email").inner_text() == "carla@zoom.acme.test"
    assert ZoomConnection.objects.get().member == consultant
    shot(page, "zoom-guide-01-personal-followed")


def test_connecting_the_organisation_as_the_guide_says(live_server, new_page, owner, zoom_server):  # type: ignore[no-untyped-def]  # noqa: F811
    base = live_server.url
    page = new_page()
    log_in(page, base, owner.email)
    steps, outcome = read_howto(page, base, "organization")
    page.goto(f"{base}/")
    follow(page, steps, "Olivia Owner")
    panel = page.locator("#zoom-organization")
    assert panel.locator(".badge-ok", has_text=outcome).is_visible()
    connection = ZoomConnection.objects.get()
    assert (connection.kind, connection.admin_mode) == ("organization", "read_write")


def test_connecting_on_first_use_as_the_guide_says(
    live_server,
    new_page,
    shot,
    consultant,
    lesson,
    zoom_server,  # noqa: F811
):  # type: ignore[no-untyped-def]
    base = live_server.url
    page = new_page()
    log_in(page, base, consultant.email)
    steps, outcome = read_howto(page, base, "first-use")
    day = timezone.localdate() + dt.timedelta(days=3)

    def fill_form(page) -> None:  # type: ignore[no-untyped-def]
        page.get_by_label("Title", exact=True).fill("Algebra with Zoom")
        page.get_by_label("Date", exact=True).fill(day.isoformat())
        page.get_by_label("Start time", exact=True).fill("15:00")
        page.get_by_label("Online", exact=True).check()
        page.get_by_label("Online meeting").select_option("zoom")

    page.goto(f"{base}/")
    follow(page, steps, "Carla Consultant", fill_form)
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    session = Session.objects.get(title="Algebra with Zoom")
    assert session.provider == "zoom"
    run_worker_until_idle()
    page.reload()
    assert page.locator("strong", has_text=re.compile(f"^{outcome}$")).is_visible()
    assert page.get_by_role("link", name="Open Zoom").is_visible()
    shot(page, "zoom-guide-02-first-use-followed")
