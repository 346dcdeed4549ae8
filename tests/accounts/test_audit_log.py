import datetime as dt

import pytest

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import AuditEntry
from sessiondesk.accounts.views.audit_log import PAGE_SIZE
from tests.conftest import login


def test_it_requires_login(client, db):
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/audit/"


@pytest.mark.parametrize("who", ["consultant", "staff"])
def test_it_requires_an_admin(client, request, who):
    login(client, request.getfixturevalue(who))

    assert client.get("/audit/").status_code == 403


def test_it_shows_who_did_what_in_the_viewers_time_zone(client, admin, consultant):
    AuditEntry.objects.all().delete()
    entry = audit.record(
        admin.org, admin, "member.role_changed", consultant, **{"from": "consultant", "to": "staff"}
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC))
    login(client, admin)

    response = client.get("/audit/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "When (America/New_York)" in content
    assert "Wed 1 Jul 2026, 11:30:00" in content
    assert "Adam Admin" in content
    assert "member.role_changed" in content
    assert "Carla Consultant" in content
    assert "consultant → staff" not in content  # a dict detail shows key by key
    assert "from:</span> consultant" in content


def test_it_filters_by_action_and_member(client, owner, admin, consultant):
    audit.record(owner.org, admin, "member.deactivated", consultant, sessions_flagged=0)
    audit.record(owner.org, owner, "member.reactivated", consultant)
    login(client, admin)

    by_action = client.get("/audit/", {"action": "member.deactivated"})
    by_member = client.get("/audit/", {"member": owner.pk})

    assert [e.action for e in by_action.context["page"].object_list] == ["member.deactivated"]
    assert [e.action for e in by_member.context["page"].object_list] == [
        "member.reactivated",
        "organization.created",
    ]


def test_it_paginates(client, admin):
    AuditEntry.objects.all().delete()
    for i in range(PAGE_SIZE + 3):
        audit.record(admin.org, admin, "test.event", None, n=i)
    login(client, admin)

    first = client.get("/audit/")
    second = client.get("/audit/", {"page": 2})

    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 3
    assert "Page 2 of 2" in second.content.decode()


def test_it_never_shows_another_organisations_entries(client, admin, outsider):
    audit.record(outsider.org, outsider, "secret.rival_thing", outsider)
    login(client, admin)

    response = client.get("/audit/")

    assert b"secret.rival_thing" not in response.content
    assert b"Rita Rival" not in response.content
    assert client.get("/audit/", {"member": outsider.pk}).context["page"].paginator.count == 0
