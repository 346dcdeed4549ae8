"""The time zone picker: one name per place, common ones first, each with its clock, older names
accepted and kept."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from sessiondesk.accounts.models import User
from sessiondesk.lib.zones import COMMON, ZoneField, listed_zones, zone_choices, zone_label, zone_name
from tests.conftest import login

NOON_UTC = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_it_lists_one_name_per_place_without_the_older_aliases():
    listed = set(listed_zones())
    for current in [
        "UTC",
        "America/New_York",
        "Europe/Oslo",
        "Asia/Kolkata",
        "Europe/Kyiv",
        "America/Argentina/Buenos_Aires",
    ]:
        assert current in listed, current
    for legacy in [
        "US/Eastern",
        "Asia/Calcutta",
        "Europe/Kiev",
        "EST5EDT",
        "Etc/GMT+5",
        "GB",
        "Canada/Pacific",
    ]:
        assert legacy not in listed, legacy


def test_it_puts_the_common_zones_first_and_each_zone_once():
    (common_label, common), (all_label, others) = zone_choices(NOON_UTC)
    assert (common_label, all_label) == ("Common time zones", "All time zones")
    assert [name for name, _ in common] == list(COMMON)
    names = [name for name, _ in common + others]
    assert len(names) == len(set(names)) == len(listed_zones())
    assert [name for name, _ in others] == sorted(name for name in listed_zones() if name not in COMMON)


def test_each_zone_shows_its_clock_and_offset():
    labels = dict(zone_choices(NOON_UTC)[0][1] + zone_choices(NOON_UTC)[1][1])
    assert labels["UTC"] == "UTC · 12:00 (UTC+00:00)"
    assert labels["America/New_York"] == "America/New York · 07:00 (UTC-05:00)"
    assert labels["Asia/Kolkata"] == "Asia/Kolkata · 17:30 (UTC+05:30)"
    assert labels["Pacific/Chatham"] == "Pacific/Chatham · 01:45 (UTC+13:45)"
    summer = dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert zone_label("Europe/London", summer) == "Europe/London · 13:00 (UTC+01:00)"


def test_the_field_accepts_an_older_name_and_refuses_an_unknown_one():
    field = ZoneField()
    assert field.clean("US/Eastern") == "US/Eastern"
    assert field.clean("Europe/Oslo") == "Europe/Oslo"
    with pytest.raises(ValidationError) as refused:
        field.clean("Mars/Olympus")
    assert refused.value.messages == ["Unknown time zone 'Mars/Olympus'; pick one from the list."]


def test_the_settings_page_keeps_a_stored_older_name_selected(client, consultant):
    User.objects.filter(pk=consultant.user.pk).update(timezone="US/Eastern")
    login(client, consultant)
    html = client.get("/settings/").content.decode()
    kept = re.search(
        r'<optgroup label="Your current setting">\s*<option value="US/Eastern" selected>([^<]+)</option>',
        html,
    )
    assert kept is not None
    assert kept.group(1).startswith("US/Eastern · ") and kept.group(1).endswith(", an older name (kept)")
    assert html.count('value="US/Eastern"') == 1
    assert "data-zone-select" in html
    response = client.post("/settings/profile/", {"name": "Carla", "timezone": "US/Eastern"})
    assert response.status_code == 302
    assert User.objects.get(pk=consultant.user.pk).timezone == "US/Eastern"


def test_the_settings_page_offers_no_older_name_otherwise(client, consultant):
    login(client, consultant)
    html = client.get("/settings/").content.decode()
    assert "Your current setting" not in html
    assert 'value="US/Eastern"' not in html and 'value="EST5EDT"' not in html
    assert '<option value="America/New_York" selected>America/New York · ' in html
    assert html.index('<optgroup label="Common time zones">') < html.index(
        '<optgroup label="All time zones">'
    )


def test_a_zone_is_named_as_people_read_it():
    assert [zone_name(name) for name in ("America/New_York", "America/Argentina/Buenos_Aires", "UTC")] == [
        "America/New York",
        "America/Argentina/Buenos Aires",
        "UTC",
    ]
