"""Staff pages on a phone (390 px) and the owner's menu on laptops (1,024 to 1,280 px), in Chromium: nothing
scrolls sideways, even with a 200-character unbroken client name and member name on the page; the
menu folds behind "Menu" and opens, with scripts and without."""

import re
from collections.abc import Iterator

import pytest

from sessiondesk.accounts.actions import add_member
from sessiondesk.accounts.models import Role
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.notifications.models import MailboxMessage
from sessiondesk.notifications.sender import send_due
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import Calendar, Client, Session
from tests.conftest import PASSWORD
from tests.e2e.test_first_booking import MAILBOX, log_in
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    synced_fixture,
    unpaced,
)
from tests.scheduling.public_support import at, day_in, make_calendar

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = 390
LONG_CLIENT = "Bartholomew" * 18 + "XY"  # 200 characters, no space to break at
LONG_MEMBER = "Maximiliana" * 18 + "QZ"
LONG_EMAIL = "b" * 120 + "@example.test"


@pytest.fixture
def long_names(org, owner, lesson, synced) -> Iterator[dict[str, object]]:
    """A member and a client with 200-character unbroken names, a booking between them (its emails in
    the mailbox, its audit entry), and the synced Zoom account's users, one of them long-named too."""
    assert len(LONG_CLIENT) == len(LONG_MEMBER) == 200
    member = add_member(
        org, email="maximiliana@acme.test", name=LONG_MEMBER, role=Role.CONSULTANT, password=PASSWORD
    )
    calendar = make_calendar(org, lesson, [member], slug="maximiliana", is_public=True)
    session = actions.book_public(
        calendar,
        start=at(day_in(3), 10),
        name=LONG_CLIENT,
        email=LONG_EMAIL,
        timezone_name="Asia/Tokyo",
    )
    zoom_user = DirectoryUser.objects.filter(org=org).order_by("pk").first()
    assert zoom_user is not None
    zoom_user.first_name, zoom_user.last_name = LONG_MEMBER[:64], LONG_CLIENT[:64]
    zoom_user.save()
    yield {"session": session, "client": session.clients.get(), "calendar": calendar, "zoom_user": zoom_user}


def staff_pages(names: dict[str, object]) -> dict[str, str]:
    session, client, calendar, zoom_user = (
        names["session"],
        names["client"],
        names["calendar"],
        names["zoom_user"],
    )
    assert isinstance(session, Session) and isinstance(client, Client)
    assert isinstance(calendar, Calendar) and isinstance(zoom_user, DirectoryUser)
    return {
        "sessions": "/",
        "week": "/sessions/week/",
        "schedule": "/sessions/new/",
        "session": f"/sessions/{session.pk}/",
        "session-edit": f"/sessions/{session.pk}/edit/",
        "clients": "/clients/",
        "client": f"/clients/{client.pk}/",
        "session-types": "/session-types/",
        "calendars": "/calendars/",
        "calendar": f"/calendars/{calendar.pk}/",
        "availability": "/availability/",
        "members": "/members/",
        "settings": "/settings/",
        "settings-zoom-personal": "/settings/?tab=zoom-personal#meeting-preferences",
        "settings-zoom-organization": "/settings/?tab=zoom-organization#meeting-preferences",
        "zoom-users": "/integrations/zoom/users/",
        "zoom-user": f"/integrations/zoom/users/{zoom_user.pk}/",
        "integrations": "/integrations/zoom/health/",
        "meeting-policy": "/integrations/zoom/meeting-policy/",
        "audit-log": "/audit/",
        "attendance": "/attendance/",
        "mailbox": "/dev/mailbox/",
        "mailbox-message": f"/dev/mailbox/{MailboxMessage.objects.get(to=LONG_EMAIL).pk}/",
        "session-reschedule": f"/sessions/{session.pk}/reschedule/",
        "client-new": "/clients/new/",
        "client-edit": f"/clients/{client.pk}/edit/",
        "calendar-new": "/calendars/new/",
        "calendar-edit": f"/calendars/{calendar.pk}/edit/",
        "session-type-new": "/session-types/new/",
    }


def test_no_staff_page_scrolls_sideways_on_a_phone(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, settings, owner, long_names
):
    settings.DEV_MAILBOX, settings.MAILERS = True, MAILBOX
    assert send_due(limit=20) == 2  # the booking's emails, into the mailbox
    page = new_page(width=PHONE, height=844)
    log_in(page, live_server.url, owner.email)
    widths, long_shown = {}, {}
    for name, path in staff_pages(long_names).items():
        answer = page.goto(live_server.url + path)
        assert answer is not None and answer.status == 200, (name, answer and answer.status)
        page.wait_for_load_state("load")
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        text = page.locator("main").inner_text()
        long_shown[name] = any(
            long in text for long in (LONG_CLIENT, LONG_MEMBER, LONG_MEMBER[:64], LONG_EMAIL)
        )
        shot(page, f"phone-{name}")

    assert {name: width for name, width in widths.items() if width > PHONE} == {}
    page.set_viewport_size({"width": 1280, "height": 900})
    wide = {}
    for name in ("sessions", "session", "clients", "client", "members", "zoom-users", "audit-log", "mailbox"):
        page.goto(live_server.url + staff_pages(long_names)[name])
        wide[name] = page.evaluate("document.documentElement.scrollWidth")
    assert wide == dict.fromkeys(wide, 1280)
    # The long names were there to be wrapped on the pages that list people.
    assert {n for n, shown in long_shown.items() if shown} >= {
        "sessions",
        "session",
        "clients",
        "client",
        "calendar",
        "members",
        "zoom-users",
        "zoom-user",
        "audit-log",
        "mailbox",
        "mailbox-message",
        "client-edit",
    }


# The one-word table headings, badges, buttons in tables and time zones on a page that the browser
# drew over more than one line.
ONE_WORD = "main th, main .badge, main td button, main td .btn, main td.keep-words"
BROKEN_WORDS = """[...document.querySelectorAll(ONE_WORD)].filter(element => {
    const text = element.innerText.trim();
    if (!text || /\\s/.test(text) || !element.getClientRects().length) return false;
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map(line => Math.round(line.top))).size > 1;
}).map(element => element.innerText.trim())""".replace("ONE_WORD", repr(ONE_WORD))


def test_headings_and_badges_keep_their_words_whole_in_narrow_columns(  # type: ignore[no-untyped-def]
    live_server, new_page, settings, owner, long_names
):
    """The page lets long words wrap anywhere (nothing scrolls sideways), which once let a narrow
    column break "Received" and "Scheduled" in the middle, and "Change", "Deactivate" and
    "America/New York" on the members' page."""
    settings.DEV_MAILBOX, settings.MAILERS = True, MAILBOX
    assert send_due(limit=20) == 2
    page = new_page(width=900, height=900)
    log_in(page, live_server.url, owner.email)
    broken, seen = {}, set()
    for name in staff_pages(long_names):
        page.goto(live_server.url + staff_pages(long_names)[name])
        broken[name] = page.evaluate(BROKEN_WORDS)
        seen.update(page.locator(ONE_WORD).all_inner_texts())
    assert {name: words for name, words in broken.items() if words} == {}
    # What was checked: headings, badges, a member's role button and time zone, a calendar's kind.
    checked = {text.strip() for text in seen}
    assert {"Received", "Scheduled", "Status", "Change", "America/New York", "Personal"} <= checked


def test_the_phone_menu_opens_and_leads_to_every_page(live_server, new_page, shot, owner):  # type: ignore[no-untyped-def]
    page = new_page(width=PHONE, height=844)
    log_in(page, live_server.url, owner.email)
    settings_link = page.get_by_role("link", name="Settings")
    assert settings_link.is_visible() is False  # folded away

    page.get_by_text("Menu", exact=True).click()
    assert settings_link.is_visible() is True
    assert page.get_by_role("link", name="Audit log").is_visible() is False  # inside Admin, still closed
    page.get_by_text("Admin", exact=True).click()
    shot(page, "phone-menu-open")
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url(re.compile(r"/audit/$"))
    assert page.get_by_role("link", name="Settings").is_visible() is False  # a new page starts folded


def test_the_menu_works_without_scripts(live_server, new_page, owner):  # type: ignore[no-untyped-def]
    page = new_page(width=PHONE, height=844, java_script_enabled=False)
    log_in(page, live_server.url, owner.email)
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Clients").click()
    page.wait_for_url(re.compile(r"/clients/$"))
    assert page.locator("h1").first.inner_text() == "Clients"


def test_the_owners_menu_is_one_row_on_a_laptop(live_server, new_page, shot, owner, settings):  # type: ignore[no-untyped-def]
    settings.DEV_MAILBOX = True
    page = new_page(width=1280, height=900)
    log_in(page, live_server.url, owner.email)
    items = page.locator(".mainnav > a, .mainnav > .navgroup > summary")
    tops = {round(box["y"]) for box in (items.nth(n).bounding_box() for n in range(items.count())) if box}
    labels = [items.nth(n).inner_text() for n in range(items.count())]

    assert labels == [
        "Sessions",
        "Calendar",
        "Clients",
        "Calendars",
        "Availability",
        "Admin",
        "Settings",
        "Mailbox",
    ]
    assert len(tops) == 1
    assert page.get_by_text("Menu", exact=True).is_visible() is False
    assert page.get_by_role("link", name="Members").is_visible() is False
    page.get_by_text("Admin", exact=True).click()
    shot(page, "laptop-admin-menu")
    assert page.get_by_role("link", name="Members").is_visible() is True
    page.mouse.click(1000, 600)  # a click elsewhere closes it
    assert page.get_by_role("link", name="Members").is_visible() is False


def test_the_owners_menu_stays_one_row_on_a_small_laptop_and_folds_below_it(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, owner, settings
):
    """Down to 1,024 px the eight links keep to one row (the name shown without the role); narrower,
    where they would take two rows (a tablet, a narrow window), the menu folds as on a phone."""
    settings.DEV_MAILBOX = True
    page = new_page(width=1024, height=800)
    log_in(page, live_server.url, owner.email)
    items = page.locator(".mainnav > a, .mainnav > .navgroup > summary")

    rows = {}
    for width in (1199, 1100, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        boxes = [items.nth(n).bounding_box() for n in range(items.count())]
        rows[width] = len({round(box["y"]) for box in boxes if box})
        assert page.locator(".whoami-name").inner_text() == "Olivia Owner"
    shot(page, "small-laptop-menu")
    assert rows == {1199: 1, 1100: 1, 1024: 1}
    assert items.count() == 8
    page.set_viewport_size({"width": 1200, "height": 800})
    assert page.locator(".whoami-name").inner_text() == "Olivia Owner · Owner"

    page.set_viewport_size({"width": 1023, "height": 800})
    assert page.get_by_role("link", name="Settings").is_visible() is False
    page.get_by_text("Menu", exact=True).click()
    assert page.get_by_role("link", name="Settings").is_visible() is True


# The selected option's text against the select's room for it (its width less its padding and
# Chromium's arrow), measured in the select's own font.
SELECT_ROOM = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = select.options[select.selectedIndex].text;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
  return {text, needs: context.measureText(text).width, room};
}"""


def test_the_settings_time_zones_show_their_whole_label_on_laptops(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, owner, org
):
    """The profile's and the organisation's time zone selects show the zone, its clock and its offset
    uncut from 1,024 to 1,440 px (three cards side by side left them about 230 px; two cards
    from about 1,060 px, one below)."""
    org.timezone = "America/Argentina/Buenos_Aires"
    org.save(update_fields=["timezone"])
    page = new_page(width=1280, height=900)
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/settings/")
    selects = page.locator("select[data-zone-select]")
    assert selects.count() == 2

    cut = {}
    for width in (1440, 1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        for n in range(2):
            seen = selects.nth(n).evaluate(SELECT_ROOM)
            if seen["needs"] > seen["room"]:
                cut[(width, seen["text"])] = round(seen["room"])
    shot(page, "settings-time-zones")
    assert [selects.nth(n).evaluate(SELECT_ROOM)["text"].split(" · ")[0] for n in range(2)] == [
        "America/New York",
        "America/Argentina/Buenos Aires",
    ]
    assert cut == {}
