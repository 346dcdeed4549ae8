"""The organisation's Zoom meeting policy page."""

import html
import re

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.integrations.zoom.meetings.policy import policy_of, zoom_settings
from sessiondesk.integrations.zoom.models import MeetingPolicy
from tests.conftest import login

URL = "/integrations/zoom/meeting-policy/"


def test_it_requires_login(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_it_requires_an_admin(client, consultant, staff) -> None:  # type: ignore[no-untyped-def]
    for member in (consultant, staff):
        login(client, member)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"waiting_room": "", "auto_recording": "cloud"}).status_code == 403
    assert MeetingPolicy.objects.count() == 0


def test_it_shows_zooms_safe_defaults(client, admin) -> None:  # type: ignore[no-untyped-def]
    login(client, admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert zoom_settings(policy_of(admin.org)) == {
        "waiting_room": True,
        "join_before_host": False,
        "auto_recording": "none",
    }
    assert "Zoom meeting policy" in response.content.decode()


def test_an_admin_changes_the_policy(client, admin) -> None:  # type: ignore[no-untyped-def]
    login(client, admin)
    response = client.post(
        URL, {"join_before_host": "on", "auto_recording": "cloud", "when_deleted_in_zoom": "recreate"}
    )
    assert response.status_code == 302
    policy = MeetingPolicy.objects.get(org=admin.org)
    assert (policy.waiting_room, policy.join_before_host, policy.auto_recording) == (False, True, "cloud")
    assert AuditEntry.objects.filter(action="zoom.meeting_policy_changed").count() == 1


def test_an_unknown_recording_choice_is_refused(client, admin) -> None:  # type: ignore[no-untyped-def]
    login(client, admin)
    response = client.post(URL, {"waiting_room": "on", "auto_recording": "everywhere"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert MeetingPolicy.objects.count() == 0


def test_it_shows_each_choice_labelled_in_its_group(client, admin) -> None:  # type: ignore[no-untyped-def]
    login(client, admin)
    body = html.unescape(client.get(URL).content.decode())
    groups = re.findall(
        r'<fieldset class="choice-group">\s*<legend>([^<]+)</legend>(.*?)</fieldset>', body, re.S
    )
    label = r'<label class="check" for="(id_\w+)"><input type="(checkbox|radio)" ([^>]*)>\s*<span class="choice-text">([^<]+)'
    choices = {
        legend: [
            (for_id, kind, "checked" in attrs, text)
            for for_id, kind, attrs, text in re.findall(label, inside)
        ]
        for legend, inside in groups
    }
    assert choices == {
        "Joining": [
            ("id_personal_links", "checkbox", True, "Give every participant their own link"),
            ("id_waiting_room", "checkbox", True, "Waiting room"),
            ("id_join_before_host", "checkbox", False, "Participants may join before the host"),
        ],
        "Record automatically": [
            ("id_auto_recording_0", "radio", True, "No recording"),
            ("id_auto_recording_1", "radio", False, "On the host's computer"),
            ("id_auto_recording_2", "radio", False, "In the Zoom cloud"),
        ],
        "When someone deletes a session's meeting inside Zoom": [
            ("id_when_deleted_in_zoom_0", "radio", True, "Recreate it and send attendees the new link"),
            ("id_when_deleted_in_zoom_1", "radio", False, "Flag the session for someone to decide"),
        ],
    }
    assert "Participants wait until the host admits each of them." in body
