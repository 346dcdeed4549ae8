"""Nobody sees or changes another organisation's data: every page and API endpoint that names an
object is tried by the owner of another organisation and by an anonymous visitor."""

import datetime as dt
import re

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from sessiondesk.accounts.invitations import invite
from sessiondesk.accounts.models import AuditEntry
from sessiondesk.accounts.tokens import create_token
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import ZoomConnection
from sessiondesk.notifications.models import MailboxMessage
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import Calendar, DateOverride, Session, SessionStatus, SessionType
from sessiondesk.transfer.models import ImportRun
from sessiondesk.worker.models import WorkerHeartbeat
from tests.conftest import login
from tests.scheduling.conftest import future
from tests.support.worker import run_worker_until_idle

ID = re.compile(r"<(?:int:)?(\w+)>")
# Which object each route's id names, by the route's leading words.
OBJECT_BY_PREFIX = [
    ("members/invitations/", "invitation"),
    ("members/<int:member_id>/availability/overrides/", "override"),
    ("members/", "member"),
    ("settings/tokens/", "token"),
    ("sessions/", "session"),
    ("clients/", "client"),
    ("session-types/", "session_type"),
    ("calendars/", "calendar"),
    ("availability/overrides/", "override"),
    ("dev/mailbox/", "mail"),
    ("integrations/zoom/data/delete/", "member"),
    ("integrations/zoom/links/", "zoom_link"),
    ("integrations/zoom/users/", "directory_user"),  # Zoom directory
    ("api/v1/zoom/users/", "directory_user"),  # Zoom directory
    ("api/v1/sessions/", "session"),
    ("api/v1/calendars/", "calendar"),
    ("api/v1/clients/", "client"),
    ("import/", "import_run"),
]


def routes() -> list[tuple[str, str]]:
    def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name or ""

    return sorted({(route, name) for route, name in walk(get_resolver().url_patterns) if ID.search(route)})


OBJECT_ROUTES = [
    (route, name)
    for route, name in routes()
    if not route.startswith(("book/", "manage/", "portal/", "invite/", "password-reset/", "api/v1/docs/"))
    and "(?P<" not in route  # the API's catch-all JSON 404
]


@pytest.fixture
def acme(org, owner, consultant, student, lesson, settings):
    settings.MAILERS = {"default": {"BACKEND": "sessiondesk.notifications.mailbox.MailboxBackend"}}
    calendar = Calendar.objects.create(org=org, name="Maths", slug="maths", session_type=lesson)
    calendar.members.set([consultant])
    # A worker is running, as in any deployment: /readyz answers 200 like every other probe.
    WorkerHeartbeat.objects.create(name="worker-1", seen_at=timezone.now())
    start = future(4, 10)
    session = actions.schedule_session(
        org,
        actions.SessionDraft(
            title="Algebra",
            start=start,
            end=start + dt.timedelta(hours=1),
            session_type=lesson,
            consultant=consultant,
            clients=[student],
        ),
        actor=owner,
    )
    run_worker_until_idle("emails")
    override = DateOverride.objects.create(member=consultant, date=start.date())
    token, _ = create_token(consultant, "laptop")
    zoom_link = ZoomConnection.objects.create(
        org=org,
        member=consultant,
        kind="personal",
        zoom_user_id="zu-carla",
        zoom_account_id="za-acme",
        zoom_email="carla@zoom.test",
    )
    # Zoom directory
    directory_user = DirectoryUser.objects.create(
        org=org,
        zoom_account_id="za-acme",
        zoom_user_id="zu-carla",
        email="carla@zoom.test",
        member=consultant,
    )
    invitation = invite(owner, email="new@acme.test", name="New Person", role="consultant")
    run_worker_until_idle("emails")
    import_run = ImportRun.objects.create(
        org=org, created_by=owner, kind="clients", filename="clients.csv", content="name,email\n"
    )
    return {
        "session": session,
        "client": student,
        "session_type": lesson,
        "calendar": calendar,
        "member": consultant,
        "override": override,
        "token": token,
        "invitation": invitation,
        "zoom_link": zoom_link,
        "directory_user": directory_user,
        "mail": MailboxMessage.objects.filter(org=org).first(),
        "import_run": import_run,
    }


def url_for(route: str, objects: dict) -> str:
    kind = next(kind for prefix, kind in OBJECT_BY_PREFIX if route.startswith(prefix))

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "member_id":
            return str(objects["member"].pk)
        if name == "index":
            return "0"
        return str(objects[kind].pk)

    return "/" + ID.sub(value, route)


def requests_for(url: str) -> list[tuple[str, dict]]:
    """GET and POST for pages; for the API also well-formed JSON bodies, so that a refusal comes from
    the object lookup and not from body validation."""
    if not url.startswith("/api/"):
        return [("get", {}), ("post", {})]
    start = future(6, 9).isoformat()
    body = {"start": start} if url.endswith("/reschedule") else {}
    field = "title" if url.startswith("/api/v1/sessions/") else "name"
    return [
        ("get", {}),
        ("post", {"data": body, "content_type": "application/json"}),
        ("patch", {"data": {field: "Taken over"}, "content_type": "application/json"}),
    ]


def snapshot(objects: dict) -> tuple:
    session = Session.objects.get(pk=objects["session"].pk)
    return (
        session.status,
        session.title,
        session.start,
        session.consultant_id,
        objects["client"].__class__.objects.get(pk=objects["client"].pk).name,
        Calendar.objects.get(pk=objects["calendar"].pk).name,
        SessionType.objects.get(pk=objects["session_type"].pk).name,
        DateOverride.objects.filter(pk=objects["override"].pk).count(),
        objects["token"].__class__.objects.filter(pk=objects["token"].pk).count(),
        objects["member"].__class__.objects.get(pk=objects["member"].pk).role,
        MailboxMessage.objects.filter(org=objects["session"].org).count(),
        list(ZoomConnection.objects.filter(pk=objects["zoom_link"].pk).values_list("status", "zoom_user_id")),
        list(
            DirectoryUser.objects.filter(pk=objects["directory_user"].pk).values_list("member_id", "role_id")
        ),
        ImportRun.objects.get(pk=objects["import_run"].pk).state,
    )


def test_every_object_route_is_covered():
    for route, _ in OBJECT_ROUTES:
        assert any(route.startswith(prefix) for prefix, _ in OBJECT_BY_PREFIX), route


def test_another_organisation_gets_403_or_404_everywhere(client, acme, outsider, settings):
    settings.DEV_MAILBOX = True
    login(client, outsider)
    _, raw = create_token(outsider, "rival")
    before = snapshot(acme)
    audits = AuditEntry.objects.filter(org=acme["session"].org).count()
    answered = {}
    for route, name in OBJECT_ROUTES:
        url = url_for(route, acme)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if url.startswith("/api/") else {}
        for method, body in requests_for(url):
            response = getattr(client, method)(url, **body, **headers)
            answered[(name, method)] = response.status_code
            assert response.status_code in (403, 404, 405), (name, method, url, response.status_code)
            assert b"Algebra" not in response.content and b"stu@example.test" not in response.content
    assert snapshot(acme) == before
    assert AuditEntry.objects.filter(org=acme["session"].org).count() == audits
    assert acme["session"].status == SessionStatus.SCHEDULED
    assert len(answered) >= 2 * len(OBJECT_ROUTES)


def test_anonymous_visitors_are_sent_to_log_in_or_refused(acme, settings):
    settings.DEV_MAILBOX = True
    anonymous = HttpClient()
    before = snapshot(acme)
    for route, name in OBJECT_ROUTES:
        url = url_for(route, acme)
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            if url.startswith("/api/"):
                assert response.status_code in (401, 405), (name, method, response.status_code)
            else:
                assert response.status_code in (302, 405), (name, method, response.status_code)
                if response.status_code == 302:
                    assert response["Location"].startswith("/login/"), (name, response["Location"])
            assert b"Algebra" not in response.content
    assert snapshot(acme) == before


# Every route, discovered from the URLconf ------------------------------------------------------------
# New routes are tried automatically: a page that answers an anonymous visitor must be listed in PUBLIC
# (and then still must not show anything private), every other one must send them to log in or refuse.

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# What anonymous visitors may open, by route name.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",  # needs the emailed token
    "public_booking",
    "public_booking_day",
    "public_booking_details",
    "manage_booking",  # the manage and portal pages need a signed token
    "booking_confirmed",
    "booking_invite",
    "manage_reschedule",
    "manage_reschedule_day",
    "manage_cancel",
    "client_portal",
    "zoom_webhook",  # answers only requests signed by Zoom
    "zoom_guide",  # the public Zoom guide: the instance's facts, nothing about any organisation
    "healthz",  # probes: "ok" or the failing dependency, nothing about any organisation
    "readyz",
    "api_docs_asset",
    "openapi-json",
    "openapi-view",
    "api-root",
    "",  # the API's JSON 404 for unknown endpoints
}
# Strings that only someone inside Acme may see.
PRIVATE = [
    b"Algebra",
    b"stu@example.test",
    b"Stu Student",
    b"carla@acme.test",
    b"olivia@acme.test",
    b"za-acme",
]


def all_routes() -> list[tuple[str, str]]:
    def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name or ""

    return sorted(set(walk(get_resolver().url_patterns)))


def fill(route: str, objects: dict) -> str:
    """A URL for any route: Acme's objects for ids, Acme's public calendar, junk for tokens."""
    if "(?P<rest>" in route:
        return "/api/v1/no-such-endpoint"
    if ID.search(route) and any(route.startswith(prefix) for prefix, _ in OBJECT_BY_PREFIX):
        route = url_for(route, objects)[1:]
    values = {
        "org_slug": objects["session"].org.slug,
        "calendar_slug": objects["calendar"].slug,
        "kind": "personal",
        "name": "swagger-ui.css",
    }
    return "/" + PARAM.sub(lambda m: values.get(m.group(2), "not-a-token"), route)


def leaked(response) -> list[bytes]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    seen = body + response.get("Location", "").encode()
    return [word for word in PRIVATE if word in seen]


def test_every_route_is_discovered():
    names = {name for _, name in all_routes()}
    assert {"login", "session_detail", "client_portal", "zoom_health", "get_session", "zoom_webhook"} <= names
    assert len(all_routes()) >= 90


def test_anonymous_visitors_get_nothing_from_any_route(acme, settings):
    settings.DEV_MAILBOX = True
    Calendar.objects.filter(pk=acme["calendar"].pk).update(is_public=True)
    before = snapshot(acme)
    answered = {}
    for route, name in all_routes():
        url = fill(route, acme)
        for method in ("get", "post"):
            response = getattr(HttpClient(), method)(url)
            status = response.status_code
            answered[(route, name, method)] = status
            assert not leaked(response), (name, method, url, leaked(response))
            assert status < 500, (name, method, url, status)
            if name in PUBLIC:
                continue
            if url.startswith("/api/"):
                assert status in (401, 403, 404, 405), (name, method, url, status)
            else:
                assert status in (302, 403, 404, 405), (name, method, url, status)
                if status == 302:
                    assert response["Location"].startswith("/login/?next="), (name, response["Location"])
    assert snapshot(acme) == before
    assert len(answered) == 2 * len(all_routes())


def test_another_organisation_sees_nothing_of_acme_on_any_route(client, acme, owner, outsider, settings):
    settings.DEV_MAILBOX = True
    login(client, owner)  # the words looked for are there for Acme's own people
    assert leaked(client.get(fill("sessions/<int:pk>/", acme))) == [
        b"Algebra",
        b"stu@example.test",
        b"Stu Student",
    ]
    _, raw = create_token(outsider, "rival")
    before = snapshot(acme)
    audits = AuditEntry.objects.filter(org=acme["session"].org).count()
    for route, name in all_routes():
        url = fill(route, acme)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if url.startswith("/api/") else {}
        for method in ("get", "post"):
            login(client, outsider)
            response = getattr(client, method)(url, **headers)
            assert not leaked(response), (name, method, url, leaked(response))
            assert response.status_code < 500, (name, method, url, response.status_code)
    assert snapshot(acme) == before
    assert AuditEntry.objects.filter(org=acme["session"].org).count() == audits
