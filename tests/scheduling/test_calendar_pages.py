import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.scheduling.models import AvailabilityRule, Calendar, CalendarKind, Provider, SessionType
from tests.conftest import login


def form_data(lesson, members, **changes):
    data = {
        "name": "Maths tutoring",
        "slug": "",
        "kind": CalendarKind.PERSONAL,
        "members": [m.pk for m in members],
        "session_type": lesson.pk,
        "description": "Weekly maths help",
        "is_public": "on",
        "buffer_before_minutes": 5,
        "buffer_after_minutes": 10,
        "min_notice_minutes": 120,
        "max_days_ahead": 30,
        "slot_interval_minutes": 30,
        "custom_meeting_url": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def team(org, lesson, consultant, consultant2):
    calendar = Calendar.objects.create(
        org=org, name="Team", slug="team", kind=CalendarKind.ROUND_ROBIN, session_type=lesson
    )
    calendar.members.set([consultant, consultant2])
    return calendar


@pytest.fixture
def devs(org, lesson, consultant2):
    calendar = Calendar.objects.create(org=org, name="Dev's hour", slug="dev", session_type=lesson)
    calendar.members.set([consultant2])
    return calendar


# --- gating ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["calendar_list", "calendar_create"])
def test_it_requires_login(client, org, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


@pytest.mark.parametrize("name", ["calendar_detail", "calendar_edit"])
def test_object_pages_require_login(client, team, name):
    assert client.get(reverse(name, args=[team.pk])).status_code == 302


@pytest.mark.parametrize("name", ["calendar_detail", "calendar_edit"])
def test_a_member_of_another_organisation_gets_404(client, outsider, team, lesson, name):
    login(client, outsider)
    assert client.get(reverse(name, args=[team.pk])).status_code == 404
    response = client.post(reverse("calendar_edit", args=[team.pk]), form_data(lesson, [], name="Stolen"))
    assert response.status_code == 404
    assert Calendar.objects.get(pk=team.pk).name == "Team"


def test_the_list_hides_other_organisations_calendars(client, outsider, team):
    login(client, outsider)
    assert list(client.get(reverse("calendar_list")).context["rows"]) == []


def test_a_consultant_sees_and_edits_only_calendars_they_are_on(client, consultant, team, devs, lesson):
    login(client, consultant)
    rows = client.get(reverse("calendar_list")).context["rows"]
    assert [calendar.name for calendar, _url in rows] == ["Team"]
    assert client.get(reverse("calendar_detail", args=[devs.pk])).status_code == 403
    response = client.post(reverse("calendar_edit", args=[devs.pk]), form_data(lesson, [], name="Mine now"))
    assert response.status_code == 403
    assert Calendar.objects.get(pk=devs.pk).name == "Dev's hour"


@pytest.mark.parametrize("role", ["owner", "admin", "staff"])
def test_managers_see_and_edit_every_calendar(client, request, team, devs, role):
    login(client, request.getfixturevalue(role))
    rows = client.get(reverse("calendar_list")).context["rows"]
    assert [calendar.name for calendar, _url in rows] == ["Dev's hour", "Team"]
    assert client.get(reverse("calendar_edit", args=[devs.pk])).status_code == 200


# --- create ---------------------------------------------------------------------------------------------


def test_an_admin_creates_a_calendar_with_an_automatic_slug(client, org, admin, consultant, lesson):
    login(client, admin)
    response = client.post(reverse("calendar_create"), form_data(lesson, [consultant]), follow=True)
    calendar = Calendar.objects.get(org=org)
    assert (calendar.name, calendar.slug, calendar.kind) == ("Maths tutoring", "maths-tutoring", "personal")
    assert list(calendar.members.all()) == [consultant]
    assert (calendar.buffer_before_minutes, calendar.buffer_after_minutes, calendar.min_notice_minutes) == (
        5,
        10,
        120,
    )
    assert (calendar.max_days_ahead, calendar.slot_interval_minutes, calendar.is_public) == (30, 30, True)
    assert "The calendar “Maths tutoring” was created." in response.content.decode()
    assert AuditEntry.objects.filter(action="calendar.created", actor=admin).count() == 1


def test_slugs_stay_unique_within_the_organisation(client, org, admin, consultant, lesson):
    login(client, admin)
    client.post(reverse("calendar_create"), form_data(lesson, [consultant]))
    client.post(reverse("calendar_create"), form_data(lesson, [consultant]))
    assert sorted(Calendar.objects.values_list("slug", flat=True)) == ["maths-tutoring", "maths-tutoring-2"]


def test_a_slug_taken_in_the_organisation_is_refused(client, admin, consultant, lesson, team):
    login(client, admin)
    response = client.post(reverse("calendar_create"), form_data(lesson, [consultant], slug="team"))
    assert response.status_code == 400
    assert "Another calendar already uses this web address." in response.content.decode()
    assert Calendar.objects.count() == 1


def test_a_consultant_creates_a_personal_calendar_for_themselves_only(
    client, consultant, consultant2, lesson
):
    login(client, consultant)
    data = form_data(lesson, [consultant2], kind=CalendarKind.COLLECTIVE)
    assert client.post(reverse("calendar_create"), data).status_code == 302
    calendar = Calendar.objects.get()
    assert calendar.kind == CalendarKind.PERSONAL
    assert list(calendar.members.all()) == [consultant]


def test_a_consultant_edits_settings_but_not_the_team(client, consultant, consultant2, team, lesson):
    login(client, consultant)
    data = form_data(lesson, [consultant], name="Team maths", kind=CalendarKind.PERSONAL, slug="team")
    assert client.post(reverse("calendar_edit", args=[team.pk]), data).status_code == 302
    team.refresh_from_db()
    assert (team.name, team.kind) == ("Team maths", CalendarKind.ROUND_ROBIN)
    assert sorted(m.pk for m in team.members.all()) == sorted([consultant.pk, consultant2.pk])


@pytest.mark.parametrize(
    ("kind", "count", "message"),
    [
        (CalendarKind.PERSONAL, 2, "A personal calendar has exactly one host."),
        (CalendarKind.PERSONAL, 0, "This field is required."),
        (CalendarKind.COLLECTIVE, 1, "A collective calendar needs at least two members."),
    ],
)
def test_it_checks_the_number_of_members(
    client, admin, consultant, consultant2, lesson, kind, count, message
):
    login(client, admin)
    members = [consultant, consultant2][:count]
    response = client.post(reverse("calendar_create"), form_data(lesson, members, kind=kind))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Calendar.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slot_interval_minutes", 0, "Enter a number from 5 to 240."),
        ("max_days_ahead", 400, "Enter a number from 1 to 365."),
        ("buffer_before_minutes", -5, "Enter a number from 0 to 240."),
        ("min_notice_minutes", "soon", "Enter a whole number."),
        ("custom_meeting_url", "not a url", "Enter a valid URL."),
        ("name", "", "This field is required."),
        ("slug", "Not A Slug!", "Enter a valid “slug”"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client, admin, consultant, lesson, field, value, message):
    login(client, admin)
    response = client.post(reverse("calendar_create"), form_data(lesson, [consultant], **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Calendar.objects.count() == 0
    assert AuditEntry.objects.filter(action="calendar.created").count() == 0


def test_staff_and_other_organisations_members_cannot_be_hosts(client, admin, staff, outsider, lesson):
    login(client, admin)
    for member in (staff, outsider):
        response = client.post(reverse("calendar_create"), form_data(lesson, [member]))
        assert response.status_code == 400
        assert "Select a valid choice." in response.content.decode()
    assert Calendar.objects.count() == 0


def test_another_organisations_session_type_is_refused(client, admin, consultant, outsider):
    login(client, admin)
    rival_lesson = SessionType.objects.get(org=outsider.org, name="Lesson")
    response = client.post(reverse("calendar_create"), form_data(rival_lesson, [consultant]))
    assert response.status_code == 400
    assert Calendar.objects.count() == 0


def test_a_custom_link_session_type_needs_the_link(client, org, admin, consultant, lesson):
    lesson.default_provider = Provider.CUSTOM
    lesson.save()
    login(client, admin)
    response = client.post(reverse("calendar_create"), form_data(lesson, [consultant]))
    assert response.status_code == 400
    assert "Lesson sessions use a custom link: enter it here." in response.content.decode()
    ok = form_data(lesson, [consultant], custom_meeting_url="https://meet.example.test/carla")
    assert client.post(reverse("calendar_create"), ok).status_code == 302


# --- detail ---------------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_booking_url_and_the_next_slots_in_the_viewers_zone(
    client, org, owner, consultant2, devs
):
    """Dev works 09:00-10:00 London every day; the owner, in New York, sees 04:00 or 05:00."""
    for day in range(7):
        AvailabilityRule.objects.create(
            member=consultant2, weekday=day, start_time=dt.time(9), end_time=dt.time(10)
        )
    Calendar.objects.filter(pk=devs.pk).update(min_notice_minutes=0, max_days_ahead=3)
    login(client, owner)
    response = client.get(reverse("calendar_detail", args=[devs.pk]))
    page = response.content.decode()
    assert response.context["booking_url"].endswith("/book/acme/dev/")
    assert response.context["booking_url"] in page
    new_york, london = zoneinfo.ZoneInfo("America/New_York"), zoneinfo.ZoneInfo("Europe/London")
    slots = [slot for _day, day_slots in response.context["days"] for slot in day_slots]
    assert len(slots) in (3, 4)  # three days ahead: today's slot may have passed
    assert {f"{s.start.astimezone(london):%H:%M}" for s in slots} == {"09:00"}
    for slot in slots:
        assert f"<li>{slot.start.astimezone(new_york):%H:%M}</li>" in page
    assert "shown in your time zone, America/New York" in page


def test_the_detail_page_explains_an_empty_preview(client, owner, devs):
    login(client, owner)
    page = client.get(reverse("calendar_detail", args=[devs.pk])).content.decode()
    assert "No free times in the next 14 days." in page


def test_a_calendar_that_is_not_public_says_so(client, owner, devs):
    Calendar.objects.filter(pk=devs.pk).update(is_public=False)
    login(client, owner)
    page = client.get(reverse("calendar_detail", args=[devs.pk])).content.decode()
    assert "This calendar is not public" in page


def test_the_form_lists_no_member_but_the_chosen_ones(client, admin, consultant, consultant2, lesson):
    login(client, admin)
    html = client.get(reverse("calendar_create")).content.decode()
    assert 'type="checkbox" name="members"' not in html
    assert 'data-picker-url="/pick/hosts/"' in html
    data = {**form_data(lesson, [consultant]), "members_q": "dev", "picker": "members"}
    found = client.post(reverse("calendar_create"), data)
    page = found.content.decode()
    assert found.status_code == 200
    assert Calendar.objects.count() == 0
    assert f'type="checkbox" name="members" value="{consultant.pk}" checked' in page
    assert f'type="checkbox" name="members" value="{consultant2.pk}">' in page
    assert 'value="Maths tutoring"' in page


def test_the_edit_form_keeps_the_team_chosen(client, admin, consultant, consultant2, lesson):
    login(client, admin)
    client.post(reverse("calendar_create"), form_data(lesson, [consultant, consultant2], kind="round_robin"))
    calendar = Calendar.objects.get()
    html = client.get(reverse("calendar_edit", args=[calendar.pk])).content.decode()
    assert html.count('type="checkbox" name="members"') == 2
    assert f'name="members" value="{consultant.pk}" checked' in html
    assert f'name="members" value="{consultant2.pk}" checked' in html
