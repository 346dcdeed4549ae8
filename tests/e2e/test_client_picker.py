"""Schedule a session with the pickers in Chromium: type part of a name, pick from at most twenty
matches, add a new client without leaving the form, and schedule."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from sessiondesk.accounts.models import AuditEntry, User
from sessiondesk.scheduling.models import Client, Session
from tests.e2e.test_first_booking import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_schedules_with_a_picked_client_and_a_new_one(live_server, new_page, shot, staff, consultant, org):
    Client.objects.bulk_create(
        Client(org=org, name=f"Pupil {n:02}", email=f"pupil{n:02}@example.test") for n in range(30)
    )
    stu = Client.objects.create(org=org, name="Stu Student", email="stu@example.test")
    base = live_server.url
    page = new_page()
    log_in(page, base, staff.email)
    page.goto(f"{base}/sessions/new/")
    assert page.locator("input[name=clients]").count() == 0  # no client is listed before searching

    page.get_by_label("Title", exact=True).fill("Physics")
    day = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time").fill("10:00")

    page.get_by_label("Consultant", exact=True).fill("carl")
    page.get_by_role("option", name=re.compile("Carla Consultant")).click()
    assert page.locator("input[name=consultant]:checked").get_attribute("value") == str(consultant.pk)

    clients = page.get_by_label("Clients attending")
    clients.fill("pupil")
    options = page.locator("#id_clients-results [role=option]:not(.picker-add)")
    options.first.wait_for()
    assert options.count() == 20
    assert page.locator("#id_clients-results .picker-more").is_visible()

    clients.fill("stu stu")
    page.get_by_role("option", name=re.compile("Stu Student")).wait_for()
    assert options.count() == 1
    shot(page, "picker-01-matches")
    clients.press("Enter")
    assert page.locator(f"input[name=clients][value='{stu.pk}']").is_checked()

    clients.fill("Nina New")
    page.get_by_role("option", name="New client “Nina New”…").click()
    page.get_by_label("Email", exact=True).fill("stu@example.test")
    page.get_by_role("button", name="Add client").click()
    page.get_by_text("Another client in your organisation already uses this email address.").wait_for()
    assert not Client.objects.filter(name="Nina New").exists()
    page.get_by_label("Email", exact=True).fill("nina@example.test")
    page.get_by_role("button", name="Add client").click()
    page.locator(".picker-option", has_text="Nina New").wait_for()
    nina = Client.objects.get(org=org, email="nina@example.test")
    assert page.locator(f"input[name=clients][value='{nina.pk}']").is_checked()
    shot(page, "picker-02-chosen")

    page.get_by_label("In person").check()
    page.get_by_role("button", name="Schedule session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    session = Session.objects.get()
    assert (session.title, session.consultant) == ("Physics", consultant)
    assert sorted(c.name for c in session.clients.all()) == ["Nina New", "Stu Student"]
    assert AuditEntry.objects.filter(action="client.created", actor=staff).count() == 1


def test_it_filters_the_booked_sessions_by_a_picked_client(
    live_server, new_page, staff, consultant, lesson, org
):
    stu = Client.objects.create(org=org, name="Stu Student", email="stu@example.test")
    ada = Client.objects.create(org=org, name="Ada Other", email="ada@example.test")
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    for title, who, hours in [("Stu's lesson", stu, 0), ("Ada's lesson", ada, 2)]:
        session = Session.objects.create(
            org=org,
            title=title,
            session_type=lesson,
            consultant=consultant,
            start=start + dt.timedelta(hours=hours),
            end=start + dt.timedelta(hours=hours + 1),
        )
        session.clients.add(who)
    base = live_server.url
    page = new_page()
    log_in(page, base, staff.email)
    assert page.locator(".session-table tbody tr").count() == 2
    page.get_by_label("Client", exact=True).fill("ada")
    page.get_by_role("option", name=re.compile("Ada Other")).click()
    page.wait_for_url(re.compile(rf"client={ada.pk}"))
    page.locator(".session-table tbody tr").nth(1).wait_for(state="detached")
    assert page.locator(".session-table tbody tr").all_inner_texts()[0].startswith("Ada's lesson")


def test_the_time_zone_picker_searches_and_shows_each_zones_clock(live_server, new_page, consultant):
    base = live_server.url
    page = new_page()
    log_in(page, base, consultant.email)
    page.goto(f"{base}/settings/")
    select = page.locator("#profile_timezone")
    assert select.input_value() == "America/New_York"
    page.get_by_label("Search time zones").first.fill("kolk")
    assert select.input_value() == "Asia/Kolkata"
    visible = select.locator("option:not([hidden])").all_inner_texts()
    assert len(visible) == 1 and re.fullmatch(r"Asia/Kolkata · \d\d:\d\d \(UTC\+05:30\)", visible[0])
    page.get_by_role("button", name=re.compile("save profile", re.I)).click()
    page.wait_for_url(re.compile(r"/settings/"))
    assert User.objects.get(pk=consultant.user.pk).timezone == "Asia/Kolkata"
