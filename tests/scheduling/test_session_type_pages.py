import pytest
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.scheduling.models import Provider, SessionType
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_it_requires_login(client, org):
    response = client.get(reverse("session_type_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["consultant", "staff"])
def test_it_requires_an_admin(client, role, request):
    login(client, request.getfixturevalue(role))
    assert client.get(reverse("session_type_list")).status_code == 403
    assert (
        client.post(reverse("session_type_create"), {"name": "X", "duration_minutes": 30}).status_code == 403
    )
    assert not SessionType.objects.filter(name="X").exists()


def test_it_lists_the_seeded_types(client, admin):
    login(client, admin)
    response = client.get(reverse("session_type_list"))
    assert [t.name for t in response.context["types"]] == [
        "Consultation",
        "Interview",
        "Lesson",
        "Onboarding",
    ]


def test_it_creates_a_type_and_audits_it(client, admin, org):
    login(client, admin)
    response = client.post(
        reverse("session_type_create"),
        {"name": " Mock exam ", "duration_minutes": 90, "is_online": "on", "default_provider": "none"},
    )
    assert response.status_code == 302
    created = SessionType.objects.get(org=org, name="Mock exam")
    assert (created.duration_minutes, created.is_online, created.default_provider) == (
        90,
        True,
        Provider.NONE,
    )
    entry = AuditEntry.objects.get(action="session_type.created")
    assert (entry.actor, entry.object_id) == (admin, str(created.pk))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "lesson", "duration_minutes": 30}, "There is already a session type with that name."),
        ({"name": "Tiny", "duration_minutes": 2}, "A session lasts between 5 minutes and 12 hours."),
        ({"name": "Huge", "duration_minutes": 1000}, "A session lasts between 5 minutes and 12 hours."),
        (
            {"name": "Walk", "duration_minutes": 30, "default_provider": "custom", "is_online": "on"},
            "A custom link is set per session or per calendar; choose &#x27;No online meeting&#x27; here.",
        ),
        (
            {"name": "Zoom one", "duration_minutes": 30, "default_provider": "zoom", "is_online": "on"},
            "Select a valid choice. zoom is not one of the available choices.",
        ),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client, admin, org, data, message, settings):
    settings.ZOOM_ENABLED = False  # Zoom is offered only where it is set up
    login(client, admin)
    data.setdefault("default_provider", "none")
    response = client.post(reverse("session_type_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SessionType.objects.filter(org=org).count() == 4


def test_it_offers_zoom_as_the_default_where_zoom_is_set_up(client, admin, org):
    login(client, admin)
    data = {"name": "Zoom one", "duration_minutes": 30, "default_provider": "zoom", "is_online": "on"}
    assert client.post(reverse("session_type_create"), data).status_code == 302
    assert SessionType.objects.get(org=org, name="Zoom one").default_provider == "zoom"


def test_it_edits_a_type(client, admin, lesson):
    login(client, admin)
    response = client.post(
        reverse("session_type_edit", args=[lesson.pk]),
        {"name": "Lesson", "duration_minutes": 45, "is_online": "on", "default_provider": "none"},
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.duration_minutes == 45
    assert AuditEntry.objects.get(action="session_type.updated").detail == {"fields": ["duration_minutes"]}


def test_an_in_person_type_is_saved_with_no_meeting_whatever_the_meeting_field_says(client, admin, lesson):
    """Unticking "Online session" is enough: the default meeting it leaves behind (Zoom here, or a
    custom link, refused for an online type) is not a reason to refuse the form."""
    lesson.default_provider = Provider.ZOOM
    lesson.save(update_fields=["default_provider"])
    login(client, admin)
    for provider in ("zoom", "custom"):
        response = client.post(
            reverse("session_type_edit", args=[lesson.pk]),
            {"name": "Lesson", "duration_minutes": 60, "default_provider": provider},
        )
        assert response.status_code == 302
        lesson.refresh_from_db()
        assert (lesson.is_online, lesson.default_provider) == (False, Provider.NONE)
    entries = AuditEntry.objects.filter(action="session_type.updated").order_by("pk")
    assert [entry.detail for entry in entries] == [
        {"fields": ["default_provider", "is_online"]},
        {"fields": []},
    ]


def test_another_organisation_gets_404(client, outsider, lesson):
    login(client, outsider)
    assert client.get(reverse("session_type_edit", args=[lesson.pk])).status_code == 404
    response = client.post(
        reverse("session_type_edit", args=[lesson.pk]), {"name": "Taken", "duration_minutes": 5}
    )
    assert response.status_code == 404
    lesson.refresh_from_db()
    assert lesson.name == "Lesson"
