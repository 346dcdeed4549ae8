import datetime as dt

import pytest
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.scheduling.models import AvailabilityRule, DateOverride
from tests.conftest import login

DASH = "\N{EN DASH}"

NEXT_YEAR = dt.date.today().year + 1


def rules(member) -> list[str]:
    return [str(rule) for rule in AvailabilityRule.objects.filter(member=member)]


def week(**days) -> dict:
    """POST data: week(day0=[("09:00", "12:00")]) -> day0-start / day0-end lists."""
    data: dict[str, list[str]] = {}
    for key, windows in days.items():
        data[f"{key}-start"] = [start for start, _end in windows]
        data[f"{key}-end"] = [end for _start, end in windows]
    return data


@pytest.fixture
def carla_hours(consultant):
    AvailabilityRule.objects.create(member=consultant, weekday=0, start_time=dt.time(9), end_time=dt.time(17))
    return consultant


# --- gating ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["availability_edit", "availability_window_row"])
def test_it_requires_login(client, org, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_editing_someone_elses_availability_requires_login(client, consultant):
    response = client.post(
        reverse("member_availability", args=[consultant.pk]), week(day0=[("09:00", "10:00")])
    )
    assert response.status_code == 302
    assert rules(consultant) == []


def test_a_consultant_cannot_edit_someone_elses_availability(client, consultant, consultant2):
    login(client, consultant)
    url = reverse("member_availability", args=[consultant2.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, week(day0=[("09:00", "10:00")])).status_code == 403
    add = reverse("member_override_add", args=[consultant2.pk])
    assert client.post(add, {"date": f"{NEXT_YEAR}-01-04", "mode": "day_off"}).status_code == 403
    assert rules(consultant2) == []
    assert DateOverride.objects.count() == 0


def test_a_member_of_another_organisation_gets_404(client, outsider, carla_hours):
    login(client, outsider)
    url = reverse("member_availability", args=[carla_hours.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, week(day0=[("10:00", "11:00")])).status_code == 404
    assert rules(carla_hours) == [f"Monday 09:00{DASH}17:00"]
    override = DateOverride.objects.create(member=carla_hours, date=dt.date(NEXT_YEAR, 1, 4))
    assert (
        client.post(reverse("member_override_delete", args=[carla_hours.pk, override.pk])).status_code == 404
    )
    assert client.post(reverse("override_delete", args=[override.pk])).status_code == 404
    assert DateOverride.objects.count() == 1


@pytest.mark.parametrize("role", ["owner", "admin", "staff"])
def test_managers_edit_a_members_availability(client, request, consultant2, role):
    actor = request.getfixturevalue(role)
    login(client, actor)
    url = reverse("member_availability", args=[consultant2.pk])
    page = client.get(url).content.decode()
    assert "Dev Consultant's availability" in page
    assert "<strong>Europe/London</strong>" in page
    response = client.post(url, week(day1=[("08:00", "12:00")]))
    assert response.status_code == 302
    assert response["Location"] == url
    assert rules(consultant2) == [f"Tuesday 08:00{DASH}12:00"]
    assert AuditEntry.objects.get(action="availability.updated").actor == actor


# --- weekly hours ---------------------------------------------------------------------------------------


def test_the_page_names_the_members_own_time_zone(client, consultant2):
    login(client, consultant2)
    page = client.get(reverse("availability_edit")).content.decode()
    assert "All times on this page are in <strong>Europe/London</strong>, your time zone." in page


def test_it_saves_several_windows_a_day_and_replaces_the_old_ones(client, carla_hours):
    login(client, carla_hours)
    data = week(day0=[("13:00", "17:00"), ("09:00", "12:00")], day4=[("10:00", "11:30")])
    response = client.post(reverse("availability_edit"), data, follow=True)
    assert rules(carla_hours) == [
        f"Monday 09:00{DASH}12:00",
        f"Monday 13:00{DASH}17:00",
        f"Friday 10:00{DASH}11:30",
    ]
    assert "Your weekly hours were saved." in response.content.decode()


def test_blank_rows_are_ignored_and_an_empty_week_clears_the_hours(client, carla_hours):
    login(client, carla_hours)
    assert client.post(reverse("availability_edit"), week(day2=[("", "")])).status_code == 302
    assert rules(carla_hours) == []


def test_saving_the_same_hours_writes_nothing(client, carla_hours):
    login(client, carla_hours)
    response = client.post(reverse("availability_edit"), week(day0=[("09:00", "17:00")]), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert AuditEntry.objects.filter(action="availability.updated").count() == 0


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ([("12:00", "09:00")], "The end must be after the start."),
        ([("09:00", "09:00")], "The end must be after the start."),
        ([("09:00", "")], "Enter both a start and an end time."),
        ([("9am", "5pm")], "Enter times like 09:00 or 17:30."),
        ([("09:00", "12:00"), ("11:00", "13:00")], f"Overlaps with 09:00{DASH}12:00 on the same day."),
        (
            [("09:00", "17:00"), ("10:00", "11:00"), ("12:00", "13:00")],
            f"Overlaps with 09:00{DASH}17:00 on the same day.",
        ),
    ],
)
def test_it_refuses_bad_windows_and_saves_nothing(client, carla_hours, windows, message):
    login(client, carla_hours)
    data = {**week(day0=windows), **week(day3=[("10:00", "11:00")])}
    response = client.post(reverse("availability_edit"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Nothing was saved: fix the times marked below." in page
    assert rules(carla_hours) == [f"Monday 09:00{DASH}17:00"]
    assert AuditEntry.objects.filter(action="availability.updated").count() == 0
    assert 'name="day3-start" value="10:00"' in page  # what was typed comes back


def test_the_add_hours_button_returns_an_empty_row_for_that_day(client, consultant):
    login(client, consultant)
    response = client.get(reverse("availability_window_row"), {"day": 4})
    assert response.status_code == 200
    assert 'name="day4-start" value=""' in response.content.decode()
    assert client.get(reverse("availability_window_row"), {"day": 9}).status_code == 400
    assert client.get(reverse("availability_window_row"), {"day": "x"}).status_code == 400


# --- date overrides -------------------------------------------------------------------------------------


def test_it_adds_and_removes_a_day_off(client, consultant):
    login(client, consultant)
    date = dt.date(NEXT_YEAR, 3, 8)
    response = client.post(
        reverse("override_add"), {"date": date.isoformat(), "mode": "day_off"}, follow=True
    )
    override = DateOverride.objects.get(member=consultant)
    assert (override.date, override.start_time, override.end_time) == (date, None, None)
    assert f"Date override saved: {date:%A %d %B %Y}, unavailable all day." in response.content.decode()
    response = client.post(reverse("override_delete", args=[override.pk]), follow=True)
    assert DateOverride.objects.count() == 0
    assert "Date override removed" in response.content.decode()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="availability.override")] == [
        "availability.override_removed",
        "availability.override_added",
    ]


def test_it_adds_special_hours_and_a_second_window_that_day(client, consultant):
    login(client, consultant)
    date = f"{NEXT_YEAR}-03-08"
    for start, end in [("14:00", "16:00"), ("18:00", "19:00")]:
        data = {"date": date, "mode": "hours", "start_time": start, "end_time": end}
        assert client.post(reverse("override_add"), data).status_code == 302
    assert [(o.start_time, o.end_time) for o in DateOverride.objects.all()] == [
        (dt.time(14), dt.time(16)),
        (dt.time(18), dt.time(19)),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2020-01-06", "mode": "day_off"}, "That date has passed; pick today or a later date."),
        ({"date": "not a date", "mode": "day_off"}, "Enter a valid date."),
        (
            {"date": f"{NEXT_YEAR}-03-08", "mode": "hours", "start_time": "14:00"},
            "Enter both a start and an end time for the special hours.",
        ),
        (
            {"date": f"{NEXT_YEAR}-03-08", "mode": "hours", "start_time": "16:00", "end_time": "14:00"},
            "The end must be after the start.",
        ),
        ({"date": f"{NEXT_YEAR}-03-08", "mode": "sometimes"}, "Select a valid choice."),
    ],
)
def test_it_refuses_a_bad_override_and_saves_nothing(client, consultant, data, message):
    login(client, consultant)
    response = client.post(reverse("override_add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert DateOverride.objects.count() == 0


@pytest.mark.parametrize(
    ("existing", "data", "message"),
    [
        ((None, None), {"mode": "hours", "start_time": "10:00", "end_time": "11:00"}, "is already a day off"),
        ((dt.time(9), dt.time(12)), {"mode": "day_off"}, "already has special hours"),
        (
            (dt.time(9), dt.time(12)),
            {"mode": "hours", "start_time": "11:00", "end_time": "13:00"},
            f"Overlaps with 09:00{DASH}12:00 on that date.",
        ),
    ],
)
def test_it_refuses_an_override_clashing_with_one_saved(client, consultant, existing, data, message):
    date = dt.date(NEXT_YEAR, 3, 8)
    DateOverride.objects.create(member=consultant, date=date, start_time=existing[0], end_time=existing[1])
    login(client, consultant)
    response = client.post(reverse("override_add"), {"date": date.isoformat(), **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert DateOverride.objects.count() == 1


def test_a_member_cannot_remove_someone_elses_override(client, consultant, consultant2):
    override = DateOverride.objects.create(member=consultant2, date=dt.date(NEXT_YEAR, 3, 8))
    login(client, consultant)
    assert client.post(reverse("override_delete", args=[override.pk])).status_code == 404
    assert DateOverride.objects.count() == 1


def test_an_admin_manages_a_members_overrides(client, admin, consultant2):
    login(client, admin)
    add = reverse("member_override_add", args=[consultant2.pk])
    response = client.post(add, {"date": f"{NEXT_YEAR}-03-08", "mode": "day_off"})
    assert response["Location"] == reverse("member_availability", args=[consultant2.pk])
    override = DateOverride.objects.get(member=consultant2)
    assert (
        client.post(reverse("member_override_delete", args=[consultant2.pk, override.pk])).status_code == 302
    )
    assert DateOverride.objects.count() == 0


def test_past_overrides_are_not_listed(client, consultant):
    DateOverride.objects.create(member=consultant, date=dt.date(2020, 1, 6))
    DateOverride.objects.create(member=consultant, date=dt.date(NEXT_YEAR, 1, 4))
    login(client, consultant)
    overrides = client.get(reverse("availability_edit")).context["overrides"]
    assert [label for label, _url in overrides] == [
        f"{dt.date(NEXT_YEAR, 1, 4):%A %d %B %Y}, unavailable all day"
    ]
