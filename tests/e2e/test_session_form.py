"""The session form's "Where" and the session type form's default meeting in Chromium: only the fields
that apply show, and all of them without scripts."""

import pytest

from tests.e2e.test_first_booking import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIELDS = ("provider", "custom_meeting_url", "location")


def _shown(page) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {name: page.locator(f".field-{name}").is_visible() for name in FIELDS}


def test_where_shows_only_the_fields_that_apply(live_server, new_page, owner):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sessions/new/")
    platform = page.get_by_label("Online meeting")
    offered = platform.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert "custom" in offered

    assert page.get_by_label("Online", exact=True).is_checked()
    first, first_platform = _shown(page), platform.input_value()
    platform.select_option("custom")
    custom = _shown(page)
    page.get_by_label("In person").check()
    in_person = _shown(page)
    page.get_by_label("Online", exact=True).check()
    online_again = _shown(page)

    assert first == {
        "provider": True,
        "custom_meeting_url": first_platform == "custom",
        "location": False,
    }
    assert custom == {"provider": True, "custom_meeting_url": True, "location": False}
    assert in_person == {"provider": False, "custom_meeting_url": False, "location": True}
    assert online_again == custom


def test_a_field_with_an_error_stays_shown(live_server, new_page, owner):  # type: ignore[no-untyped-def]
    """A custom link that is not an address is refused; going back to the form, its field shows with
    the error even though the platform is no longer "Custom link" once changed."""
    page = new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sessions/new/")
    page.get_by_label("Title").fill("Trial")
    page.get_by_label("Online meeting").select_option("custom")
    page.get_by_label("Meeting link").fill("not a link")
    page.get_by_role("button", name="Schedule session").click()
    page.wait_for_load_state("networkidle")

    assert page.locator(".field-custom_meeting_url.has-error").is_visible()
    page.get_by_label("Online meeting").select_option("none")
    assert page.locator(".field-custom_meeting_url").is_visible()


def test_without_scripts_every_field_shows(live_server, new_page, owner):  # type: ignore[no-untyped-def]
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/sessions/new/")
    assert _shown(page) == dict.fromkeys(FIELDS, True)


def test_a_session_types_default_meeting_shows_only_while_it_is_online(  # type: ignore[no-untyped-def]
    live_server, new_page, owner, lesson
):
    page = new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/session-types/{lesson.pk}/edit/")
    online, meeting = page.get_by_label("Online session"), page.get_by_label("Default meeting")
    shown = [meeting.is_visible()]
    online.uncheck()
    shown.append(meeting.is_visible())
    online.check()
    shown.append(meeting.is_visible())
    online.uncheck()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{live_server.url}/session-types/")

    assert shown == [True, False, True]
    lesson.refresh_from_db()
    assert (lesson.is_online, lesson.default_provider) == (False, "none")
    page.goto(f"{live_server.url}/session-types/{lesson.pk}/edit/")
    assert page.get_by_label("Default meeting").is_visible() is False


def test_the_meeting_link_in_meeting_preferences_shows_only_for_custom_link(  # type: ignore[no-untyped-def]
    live_server, new_page, consultant
):
    page = new_page()
    log_in(page, live_server.url, consultant.email)
    page.goto(f"{live_server.url}/settings/")
    link = page.get_by_label("Your meeting link")
    shown = [link.is_visible()]
    page.get_by_label("Custom link").check()
    shown.append(link.is_visible())
    page.get_by_role(
        "button", name="Save preferences"
    ).click()  # no link given: refused, shown with its error
    page.wait_for_load_state()
    shown.append(page.get_by_label("Your meeting link").is_visible())
    error = page.locator(".field-custom_url .errorlist").inner_text()
    page.get_by_label("Your meeting link").fill("https://meet.example.test/carla")
    page.get_by_role("button", name="Save preferences").click()
    page.wait_for_load_state()
    shown.append(page.get_by_label("Your meeting link").is_visible())
    page.get_by_label("Zoom", exact=True).check()
    shown.append(page.get_by_label("Your meeting link").is_visible())

    assert shown == [False, True, True, True, False]
    assert error == "Enter the meeting link to use with “Custom link”."
    assert page.get_by_label("Your meeting link").input_value() == "https://meet.example.test/carla"
