import datetime as dt
import html as html_module
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import AuditEntry
from sessiondesk.accounts.views.audit_log import PAGE_SIZE
from sessiondesk.integrations.zoom.models import ZoomConnection
from sessiondesk.scheduling.actions import SessionChanges, update_session
from tests.conftest import login
from tests.support.sessions import make_session


def sentences(html: str) -> list[str]:
    """The entries' sentences, oldest first."""
    return re.findall(r'<p class="audit-sentence">(.*?)</p>', html)[::-1]


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
    assert "When (America/New York)" in content
    assert "Wed 1 Jul 2026, 11:30:00" in content
    assert sentences(content) == ["Adam Admin changed Carla Consultant&#x27;s role from consultant to staff."]
    assert "<dt>From</dt><dd>consultant</dd><dt>To</dt><dd>staff</dd>" in content
    assert "<dt>Recorded as</dt><dd><code>member.role_changed</code> · Carla Consultant" in content


def test_it_writes_each_entry_as_a_sentence(client, owner, admin, consultant, lesson):
    AuditEntry.objects.all().delete()
    session = make_session(consultant, lesson, title="Lesson")
    session = update_session(session, SessionChanges(title="Algebra"), actor=consultant)
    audit.record(owner.org, owner, "zoom.connected", owner, kind="organization", admin_mode="read_write")
    audit.record(owner.org, consultant, "zoom.connected", consultant, kind="personal", admin_mode="")
    renamed = {"name": ["Acme", "Acme Tutors"], "timezone": ["America/New_York", "Europe/Paris"]}
    audit.record(owner.org, owner, "organization.updated", owner.org, **renamed)
    audit.record(owner.org, admin, "member.deactivated", consultant, sessions_flagged=2)
    audit.record(owner.org, consultant, "session.rescheduled", session, start="2026-07-01T15:30:00+00:00")
    connection = ZoomConnection.objects.create(
        org=owner.org, member=consultant, kind="personal", zoom_user_id="zu-carla", zoom_email="c@zoom.test"
    )
    audit.record(owner.org, None, "zoom.needs_reconnect", connection, error="Invalid Token!")
    audit.record(owner.org, admin, "backup.exported", None, files=["a.json", "b.json"], note="")
    login(client, admin)

    html = client.get("/audit/").content.decode()

    assert sentences(html) == [
        "Carla Consultant renamed the session “Algebra”.",
        "Olivia Owner connected the organisation&#x27;s Zoom account, with read/write access to its Zoom users.",
        "Carla Consultant connected their own Zoom account.",
        "Olivia Owner changed the organisation&#x27;s name to “Acme Tutors” and time zone to Europe/Paris.",
        "Adam Admin deactivated Carla Consultant; 2 upcoming sessions need another host.",
        "Carla Consultant moved the session “Algebra” to Wed 1 Jul 2026, 11:30.",
        "A Zoom connection stopped working and needs to be connected again.",
        "Adam Admin: exported (Backups).",
    ]
    assert "<dt>Fields</dt><dd>title</dd><dt>Scope</dt><dd>this</dd>" in html
    assert (
        "<dt>Name</dt><dd>Acme → Acme Tutors</dd><dt>Time zone</dt><dd>America/New_York → Europe/Paris</dd>"
        in html
    )
    assert "<dt>Files</dt><dd>a.json, b.json</dd>" in html
    assert "<dt>Error</dt><dd>Invalid Token!</dd>" in html
    assert html.count("<dt>Admin mode</dt>") == 1  # the personal connection's empty one is left out
    assert "<dt>Admin mode</dt><dd>read_write</dd>" in html
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    for internal in ("[&#x27;", "zoomconnection", "<dt>Note</dt>", "<span"):
        assert internal not in table, internal
    assert html.count('<details class="small">') == 8


def test_it_filters_by_action_and_member(client, owner, admin, consultant):
    audit.record(owner.org, admin, "member.deactivated", consultant, sessions_flagged=0)
    audit.record(owner.org, owner, "member.reactivated", consultant)
    login(client, admin)

    by_action = client.get("/audit/", {"action": "member.deactivated"})
    by_member = client.get("/audit/", {"member": owner.pk})

    assert [e.action for e in by_action.context["page"].items] == ["member.deactivated"]
    assert (
        '<option value="member.deactivated" selected>Members: deactivated</option>'
        in by_action.content.decode()
    )
    assert [e.action for e in by_member.context["page"].items] == [
        "member.reactivated",
        "organization.created",
    ]


def test_it_paginates(client, admin):
    AuditEntry.objects.all().delete()
    for i in range(PAGE_SIZE + 3):
        audit.record(admin.org, admin, "test.event", None, n=i)
    login(client, admin)

    first = client.get("/audit/")
    second = client.get("/audit/" + _link(first, "next"))

    assert [e.detail["n"] for e in first.context["page"].items] == list(range(PAGE_SIZE + 2, 2, -1))
    assert [e.detail["n"] for e in second.context["page"].items] == [2, 1, 0]
    assert 'rel="next"' not in second.content.decode()
    newer = client.get("/audit/" + _link(second, "prev"))
    assert [e.detail["n"] for e in newer.context["page"].items] == list(range(PAGE_SIZE + 2, 2, -1))


def test_it_keeps_the_filters_across_pages(client, admin, consultant):
    for i in range(PAGE_SIZE + 1):
        audit.record(admin.org, admin, "test.event", None, n=i)
        audit.record(admin.org, consultant, "test.event", None, n=i)
    login(client, admin)

    first = client.get("/audit/", {"action": "test.event", "member": consultant.pk})
    next_link = _link(first, "next")
    second = client.get("/audit/" + next_link)

    assert next_link.startswith(f"?action=test.event&member={consultant.pk}&after=")
    assert [(e.actor, e.detail["n"]) for e in second.context["page"].items] == [(consultant, 0)]
    assert f'name="member" value="{consultant.pk}" checked' in second.content.decode()


def test_it_makes_as_many_queries_for_a_long_log_as_for_a_short_one(client, admin):
    login(client, admin)
    with CaptureQueriesContext(connection) as short:
        client.get("/audit/")
    for i in range(3 * PAGE_SIZE):
        audit.record(admin.org, admin, "member.added", admin, role="admin", n=i)
    with CaptureQueriesContext(connection) as long:
        response = client.get("/audit/")
    with CaptureQueriesContext(connection) as later:
        client.get("/audit/" + _link(response, "next"))
    assert len(long.captured_queries) == len(short.captured_queries)
    assert len(later.captured_queries) == len(short.captured_queries)


def test_it_lists_no_one_but_the_chosen_person_in_the_who_filter(client, admin, consultant, staff):
    login(client, admin)
    html = client.get("/audit/", {"member": consultant.pk}).content.decode()
    assert f'name="member" value="{consultant.pk}" checked' in html
    assert "Sam Staff" not in html
    found = client.get("/audit/", {"member_q": "sam", "picker": "member"}).content.decode()
    assert f'name="member" value="{staff.pk}">' in found


def test_it_never_shows_another_organisations_entries(client, admin, outsider):
    audit.record(outsider.org, outsider, "secret.rival_thing", outsider)
    login(client, admin)

    response = client.get("/audit/")

    assert b"secret.rival_thing" not in response.content
    assert b"Rita Rival" not in response.content
    assert client.get("/audit/", {"member": outsider.pk}).context["page"].items == []


def _link(response, rel: str) -> str:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    assert match is not None, f"no {rel} link"
    return html_module.unescape(match.group(1))
