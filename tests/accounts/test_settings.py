import pytest

from sessiondesk.accounts import settings_cards
from sessiondesk.accounts.models import ApiToken, AuditEntry, Organization, User
from sessiondesk.accounts.tokens import authenticate, create_token
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "lighthouse-keeper-88"


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/settings/"),
        ("post", "/settings/profile/"),
        ("post", "/settings/password/"),
        ("post", "/settings/organization/"),
        ("post", "/settings/tokens/"),
        ("post", "/settings/tokens/1/revoke/"),
    ],
)
def test_it_requires_login(client, db, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_every_member_sees_their_profile_but_not_the_organisation(client, consultant):
    login(client, consultant)

    response = client.get("/settings/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Your profile" in content
    assert 'value="Carla Consultant"' in content
    assert '<option value="Europe/Paris">Europe/Paris · ' in content
    assert "Save organisation" not in content
    assert "You have no API tokens." in content


def test_admins_see_the_organisation(client, admin):
    login(client, admin)

    assert "Save organisation" in client.get("/settings/").content.decode()


def test_it_saves_the_profile_and_audits_the_change(client, consultant):
    login(client, consultant)

    response = client.post("/settings/profile/", {"name": "Carla C.", "timezone": "Europe/Paris"})

    assert response.status_code == 302
    user = User.objects.get(pk=consultant.user.pk)
    assert (user.name, user.timezone) == ("Carla C.", "Europe/Paris")
    entry = AuditEntry.objects.get(action="member.profile_updated")
    assert (entry.actor, entry.detail) == (
        consultant,
        {"name": ["Carla Consultant", "Carla C."], "timezone": ["America/New_York", "Europe/Paris"]},
    )


def test_an_unchanged_profile_writes_no_audit_entry(client, consultant):
    login(client, consultant)

    client.post("/settings/profile/", {"name": "Carla Consultant", "timezone": "America/New_York"})

    assert AuditEntry.objects.filter(action="member.profile_updated").count() == 0


def test_an_unknown_time_zone_is_refused_with_400_and_nothing_saved(client, consultant):
    login(client, consultant)

    response = client.post("/settings/profile/", {"name": "Carla C.", "timezone": "Mars/Olympus"})

    assert response.status_code == 400
    assert "Unknown time zone &#x27;Mars/Olympus&#x27;; pick one from the list." in response.content.decode()
    user = User.objects.get(pk=consultant.user.pk)
    assert (user.name, user.timezone) == ("Carla Consultant", "America/New_York")
    assert AuditEntry.objects.filter(action="member.profile_updated").count() == 0


def test_it_changes_the_password_and_keeps_the_session(client, consultant):
    login(client, consultant)

    response = client.post(
        "/settings/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=consultant.user.pk).check_password(NEW_PASSWORD)
    assert client.get("/settings/").status_code == 200
    assert AuditEntry.objects.filter(action="member.password_changed", actor=consultant).count() == 1


def test_a_wrong_old_password_is_refused_with_400(client, consultant):
    login(client, consultant)

    response = client.post(
        "/settings/password/",
        {"old_password": "not-it-at-all", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert "Your old password was entered incorrectly." in response.content.decode()
    assert User.objects.get(pk=consultant.user.pk).check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="member.password_changed").count() == 0


def test_admins_change_the_organisation_and_it_is_audited(client, admin):
    login(client, admin)

    response = client.post("/settings/organization/", {"name": "Acme Learning", "timezone": "Europe/London"})

    assert response.status_code == 302
    org = Organization.objects.get(pk=admin.org_id)
    assert (org.name, org.timezone, org.slug) == ("Acme Learning", "Europe/London", "acme")
    entry = AuditEntry.objects.get(action="organization.updated")
    assert (entry.actor, entry.object_id, entry.detail) == (
        admin,
        str(org.pk),
        {"name": ["Acme Tutoring", "Acme Learning"], "timezone": ["America/New_York", "Europe/London"]},
    )


@pytest.mark.parametrize("who", ["consultant", "staff"])
def test_the_organisation_requires_an_admin(client, request, who):
    login(client, request.getfixturevalue(who))

    response = client.post("/settings/organization/", {"name": "Hijacked", "timezone": "UTC"})

    assert response.status_code == 403
    assert Organization.objects.get(slug="acme").name == "Acme Tutoring"


def test_a_bad_organisation_time_zone_is_refused_with_400(client, admin):
    login(client, admin)

    response = client.post("/settings/organization/", {"name": "Acme Learning", "timezone": "Nowhere"})

    assert response.status_code == 400
    assert (Organization.objects.get(slug="acme").name) == "Acme Tutoring"
    assert AuditEntry.objects.filter(action="organization.updated").count() == 0


def test_it_creates_a_token_and_shows_it_once(client, consultant):
    login(client, consultant)

    response = client.post("/settings/tokens/", {"name": "Reporting script"})

    assert response.status_code == 200
    raw = response.context["new_token_raw"]
    assert raw in response.content.decode()
    assert "it will not be shown again" in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.member, token.name) == (consultant, "Reporting script")
    again = client.get("/settings/").content.decode()
    assert raw not in again
    assert f"{token.prefix}…" in again
    assert "Never" in again
    assert authenticate(raw) == consultant


def test_a_token_needs_a_name(client, consultant):
    login(client, consultant)

    response = client.post("/settings/tokens/", {"name": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_it_revokes_a_token(client, consultant):
    token, raw = create_token(consultant, "CLI")
    login(client, consultant)

    response = client.post(f"/settings/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert ApiToken.objects.count() == 0
    assert authenticate(raw) is None


def test_nobody_revokes_someone_elses_token(client, consultant, admin, outsider):
    token, raw = create_token(consultant, "CLI")

    for other in (admin, outsider):
        login(client, other)
        assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert authenticate(raw) == consultant


def test_it_shows_cards_registered_by_other_apps(client, consultant, monkeypatch):
    monkeypatch.setattr(settings_cards, "_registry", [])
    settings_cards.register("accounts/_test_card.html", lambda request: None)
    login(client, consultant)

    response = client.get("/settings/")

    assert response.status_code == 200
    assert response.context["extra_cards"] == []
