import datetime as dt
import re

from django.utils import timezone

from sessiondesk.accounts.models import AuditEntry, Invitation, Member, Role, User
from sessiondesk.notifications.models import OutboundEmail
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "tutor-of-the-year-7"


def _invite(client, email="nina@example.test", name="Nina New", role=Role.CONSULTANT):
    return client.post("/members/invite/", {"email": email, "name": name, "role": role})


def _accept_path(email: OutboundEmail) -> str:
    match = re.search(r"https?://[^/\s]+(/invite/[\w-]+/)", email.body_text)
    assert match, email.body_text
    return match.group(1)


def _sign_up(client, path, **overrides):
    data = {
        "name": "Nina New",
        "timezone": "Europe/Berlin",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(path, data)


def test_it_requires_login_to_invite(client, owner):
    response = _invite(client)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert Invitation.objects.count() == 0


def test_it_requires_an_admin_to_invite(client, staff):
    login(client, staff)

    assert _invite(client).status_code == 403
    assert Invitation.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_it_invites_by_email_with_an_accept_link(client, admin):
    login(client, admin)
    before = timezone.now()

    response = _invite(client, email="Nina@Example.test")

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.org, invitation.email, invitation.name, invitation.role, invitation.invited_by) == (
        admin.org,
        "nina@example.test",
        "Nina New",
        "consultant",
        admin,
    )
    assert before + dt.timedelta(days=7) <= invitation.expires_at <= timezone.now() + dt.timedelta(days=7)
    email = OutboundEmail.objects.get()
    assert (email.kind, email.to, email.org) == ("invitation", "nina@example.test", admin.org)
    assert email.subject == "Adam Admin invited you to Acme Tutoring on SessionDesk"
    assert _accept_path(email) == f"/invite/{invitation.token}/"
    entry = AuditEntry.objects.get(action="invitation.created")
    assert (entry.actor, entry.object_id, entry.detail) == (
        admin,
        str(invitation.pk),
        {"email": "nina@example.test", "role": "consultant"},
    )


def test_it_lists_pending_invitations(client, admin):
    login(client, admin)
    _invite(client)

    response = client.get("/members/")

    assert b"nina@example.test" in response.content
    assert b"Revoke" in response.content


def test_it_refuses_to_invite_an_existing_member(client, admin, consultant):
    login(client, admin)

    response = _invite(client, email="carla@acme.test")

    assert response.status_code == 400
    assert b"carla@acme.test is already a member of Acme Tutoring." in response.content
    assert Invitation.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_it_refuses_a_malformed_email_with_400(client, admin):
    login(client, admin)

    response = _invite(client, email="nina-at-example")

    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert Invitation.objects.count() == 0


def test_it_lets_only_owners_invite_owners(client, admin):
    login(client, admin)

    response = _invite(client, role=Role.OWNER)

    assert response.status_code == 400
    assert b"Only an owner can invite another owner." in response.content
    assert Invitation.objects.count() == 0


def test_it_replaces_a_pending_invitation_to_the_same_address(client, admin):
    login(client, admin)
    _invite(client)
    _invite(client, role=Role.STAFF)

    first, second = Invitation.objects.order_by("id")
    assert first.state == "revoked"
    assert (second.state, second.role) == ("pending", "staff")
    assert OutboundEmail.objects.count() == 2


def test_a_new_person_accepts_and_is_logged_in(client, admin):
    login(client, admin)
    _invite(client)
    path = _accept_path(OutboundEmail.objects.get())
    client.logout()

    page = client.get(path)
    assert page.status_code == 200
    assert b"Join Acme Tutoring" in page.content
    response = _sign_up(client, path)

    assert response.status_code == 302
    assert response["Location"] == "/"
    member = Member.objects.get(user__email="nina@example.test")
    assert (member.org, member.role, member.is_active) == (admin.org, "consultant", True)
    assert (member.user.name, member.user.timezone) == ("Nina New", "Europe/Berlin")
    assert member.user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(member.user.pk)
    assert Invitation.objects.get().state == "accepted"
    entry = AuditEntry.objects.get(action="invitation.accepted")
    assert (entry.actor, entry.detail) == (member, {"email": "nina@example.test", "role": "consultant"})


def test_it_rejects_a_weak_password_and_unknown_time_zone_with_400(client, admin):
    login(client, admin)
    _invite(client)
    path = _accept_path(OutboundEmail.objects.get())
    client.logout()

    response = _sign_up(client, path, timezone="Mars/Olympus", new_password1="short", new_password2="short")

    assert response.status_code == 400
    content = response.content.decode()
    assert "Unknown time zone &#x27;Mars/Olympus&#x27;; pick one from the list." in content
    assert "This password is too short." in content
    assert User.objects.filter(email="nina@example.test").count() == 0
    assert Invitation.objects.get().state == "pending"


def test_a_used_link_cannot_be_used_again(client, admin):
    login(client, admin)
    _invite(client)
    path = _accept_path(OutboundEmail.objects.get())
    client.logout()
    _sign_up(client, path)
    client.logout()

    response = _sign_up(client, path, name="Someone Else")

    assert response.status_code == 410
    assert b"This invitation has already been used." in response.content
    assert Member.objects.filter(user__email="nina@example.test").count() == 1
    assert User.objects.get(email="nina@example.test").name == "Nina New"


def test_an_expired_link_shows_a_clear_message(client, admin):
    login(client, admin)
    _invite(client)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    path = _accept_path(OutboundEmail.objects.get())
    client.logout()

    response = _sign_up(client, path)

    assert response.status_code == 410
    assert b"This invitation has expired." in response.content
    assert User.objects.filter(email="nina@example.test").count() == 0


def test_a_revoked_link_shows_a_clear_message(client, admin):
    login(client, admin)
    _invite(client)
    invitation = Invitation.objects.get()
    assert client.post(f"/members/invitations/{invitation.pk}/revoke/").status_code == 302
    client.logout()

    response = client.get(f"/invite/{invitation.token}/")

    assert response.status_code == 410
    assert b"This invitation was withdrawn by the organisation." in response.content
    entry = AuditEntry.objects.get(action="invitation.revoked")
    assert (entry.actor, entry.object_id, entry.detail) == (
        admin,
        str(invitation.pk),
        {"email": "nina@example.test"},
    )


def test_an_unknown_link_answers_404(client, db):
    response = client.get("/invite/not-a-real-token/")

    assert response.status_code == 404
    assert b"This invitation link is not valid." in response.content


def test_someone_with_an_account_logs_in_to_accept(client, admin, outsider):
    login(client, admin)
    _invite(client, email="rita@rival.test", role=Role.STAFF)
    path = _accept_path(OutboundEmail.objects.get())
    client.logout()

    page = client.get(path)
    assert b"Log in to accept" in page.content
    assert client.post(path).status_code == 200
    assert Member.objects.filter(user=outsider.user).count() == 1

    login(client, outsider)
    response = client.post(path)

    assert response.status_code == 302
    joined = Member.objects.get(org=admin.org, user=outsider.user)
    assert joined.role == "staff"
    assert Member.objects.filter(user=outsider.user).count() == 2
    assert outsider.user.check_password(PASSWORD)


def test_someone_logged_in_as_another_person_is_told_to_log_out(client, admin, consultant):
    login(client, admin)
    _invite(client)
    path = _accept_path(OutboundEmail.objects.get())
    login(client, consultant)

    response = _sign_up(client, path)

    assert response.status_code == 200
    assert b"You are logged in as <strong>carla@acme.test</strong>" in response.content
    assert User.objects.filter(email="nina@example.test").count() == 0
    assert Invitation.objects.get().state == "pending"


def test_it_requires_an_admin_to_revoke(client, admin, staff):
    login(client, admin)
    _invite(client)
    invitation = Invitation.objects.get()
    login(client, staff)

    assert client.post(f"/members/invitations/{invitation.pk}/revoke/").status_code == 403
    assert Invitation.objects.get().state == "pending"


def test_another_organisation_cannot_revoke(client, admin, outsider):
    login(client, admin)
    _invite(client)
    invitation = Invitation.objects.get()
    login(client, outsider)

    assert client.post(f"/members/invitations/{invitation.pk}/revoke/").status_code == 404
    assert Invitation.objects.get().state == "pending"
