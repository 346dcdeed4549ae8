import datetime as dt

import pytest
from django.utils import timezone

from sessiondesk.accounts.models import AuditEntry, Member, Role
from sessiondesk.scheduling.models import Session, SessionStatus
from tests.conftest import login


def _session(member, lesson, *, hours_from_now, status=SessionStatus.SCHEDULED):
    start = timezone.now() + dt.timedelta(hours=hours_from_now)
    return Session.objects.create(
        org=member.org,
        title="Algebra",
        session_type=lesson,
        consultant=member,
        start=start,
        end=start + dt.timedelta(hours=1),
        status=status,
    )


def _role(client, member, role):
    return client.post(f"/members/{member.pk}/role/", {"role": role})


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/members/"),
        ("post", "/members/1/role/"),
        ("post", "/members/1/deactivate/"),
        ("post", "/members/1/reactivate/"),
    ],
)
def test_it_requires_login(client, db, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize("role", ["consultant", "staff"])
def test_it_requires_an_admin(client, org, consultant, staff, role):
    login(client, consultant if role == "consultant" else staff)

    assert client.get("/members/").status_code == 403
    assert _role(client, consultant, Role.ADMIN).status_code == 403
    assert client.post(f"/members/{consultant.pk}/deactivate/").status_code == 403
    assert Member.objects.get(pk=consultant.pk).role == "consultant"
    assert Member.objects.get(pk=consultant.pk).is_active


def test_it_lists_members_with_role_email_and_time_zone(client, admin, consultant2):
    login(client, admin)

    response = client.get("/members/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Dev Consultant" in content
    assert "dev@acme.test" in content
    assert "Europe/London" in content
    assert "Olivia Owner" in content
    assert "No invitations are waiting for an answer." in content


def test_it_does_not_list_other_organisations_members(client, admin, outsider):
    login(client, admin)

    assert b"Rita Rival" not in client.get("/members/").content


def test_it_changes_a_role_and_audits_it(client, admin, consultant):
    login(client, admin)

    response = _role(client, consultant, Role.STAFF)

    assert response.status_code == 302
    assert Member.objects.get(pk=consultant.pk).role == "staff"
    entry = AuditEntry.objects.get(action="member.role_changed")
    assert (entry.actor, entry.object_type, entry.object_id, entry.detail) == (
        admin,
        "member",
        str(consultant.pk),
        {"from": "consultant", "to": "staff"},
    )


def test_it_refuses_an_unknown_role_with_400(client, admin, consultant):
    login(client, admin)

    response = _role(client, consultant, "emperor")

    assert response.status_code == 400
    assert b"Pick one of the listed roles." in response.content
    assert Member.objects.get(pk=consultant.pk).role == "consultant"
    assert AuditEntry.objects.filter(action="member.role_changed").count() == 0


def test_an_admin_cannot_demote_an_owner(client, owner, admin):
    login(client, admin)

    response = _role(client, owner, Role.CONSULTANT)

    assert response.status_code == 400
    assert b"Only an owner can change an owner&#x27;s role." in response.content
    assert Member.objects.get(pk=owner.pk).role == "owner"


def test_an_admin_cannot_make_an_owner(client, admin, consultant):
    login(client, admin)

    response = _role(client, consultant, Role.OWNER)

    assert response.status_code == 400
    assert Member.objects.get(pk=consultant.pk).role == "consultant"


def test_the_last_owner_cannot_be_demoted(client, owner):
    login(client, owner)

    response = _role(client, owner, Role.ADMIN)

    assert response.status_code == 400
    assert b"Olivia Owner is the last owner of Acme Tutoring" in response.content
    assert Member.objects.get(pk=owner.pk).role == "owner"
    assert AuditEntry.objects.filter(action="member.role_changed").count() == 0


def test_an_owner_can_step_down_when_another_owner_exists(client, owner, admin):
    login(client, owner)
    assert _role(client, admin, Role.OWNER).status_code == 302

    response = _role(client, owner, Role.ADMIN)

    assert response.status_code == 302
    assert Member.objects.get(pk=owner.pk).role == "admin"
    assert Member.objects.filter(org=owner.org, role=Role.OWNER).count() == 1


def test_it_deactivates_a_member_and_flags_their_upcoming_sessions(
    client, admin, consultant, consultant2, lesson
):
    upcoming = _session(consultant, lesson, hours_from_now=24)
    past = _session(consultant, lesson, hours_from_now=-24)
    cancelled = _session(consultant, lesson, hours_from_now=48, status=SessionStatus.CANCELLED)
    someone_elses = _session(consultant2, lesson, hours_from_now=24)
    login(client, admin)

    response = client.post(f"/members/{consultant.pk}/deactivate/")

    assert response.status_code == 302
    assert Member.objects.get(pk=consultant.pk).is_active is False
    flags = dict(Session.objects.values_list("pk", "needs_reassignment"))
    assert flags == {upcoming.pk: True, past.pk: False, cancelled.pk: False, someone_elses.pk: False}
    assert Session.objects.count() == 4
    entry = AuditEntry.objects.get(action="member.deactivated")
    assert (entry.actor, entry.object_id, entry.detail) == (
        admin,
        str(consultant.pk),
        {"sessions_flagged": 1},
    )
    follow = client.get("/members/")
    assert "1 upcoming session(s) now need a new consultant." in follow.content.decode()


def test_a_deactivated_member_loses_access(client, admin, consultant):
    login(client, admin)
    client.post(f"/members/{consultant.pk}/deactivate/")
    login(client, consultant)

    assert client.get("/settings/").status_code == 403


def test_it_reactivates_a_member(client, admin, consultant):
    login(client, admin)
    client.post(f"/members/{consultant.pk}/deactivate/")

    response = client.post(f"/members/{consultant.pk}/reactivate/")

    assert response.status_code == 302
    assert Member.objects.get(pk=consultant.pk).is_active is True
    assert AuditEntry.objects.filter(action="member.reactivated", object_id=str(consultant.pk)).count() == 1


def test_nobody_can_deactivate_themselves(client, admin):
    login(client, admin)

    response = client.post(f"/members/{admin.pk}/deactivate/")

    assert response.status_code == 400
    assert b"You cannot deactivate yourself." in response.content
    assert Member.objects.get(pk=admin.pk).is_active is True


def test_an_admin_cannot_deactivate_the_owner(client, owner, admin):
    login(client, admin)

    response = client.post(f"/members/{owner.pk}/deactivate/")

    assert response.status_code == 400
    assert b"Only an owner can deactivate an owner." in response.content
    assert Member.objects.get(pk=owner.pk).is_active is True
    assert AuditEntry.objects.filter(action="member.deactivated").count() == 0


@pytest.mark.parametrize("action", ["role", "deactivate", "reactivate"])
def test_another_organisations_member_answers_404(client, admin, outsider, action):
    login(client, outsider)
    path = f"/members/{admin.pk}/{action}/"

    response = client.post(path, {"role": "consultant"})

    assert response.status_code == 404
    assert Member.objects.get(pk=admin.pk).role == "admin"
    assert Member.objects.get(pk=admin.pk).is_active is True
