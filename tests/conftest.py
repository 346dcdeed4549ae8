"""The fixed cast every test can use: one organisation with each role, and an outsider elsewhere."""

import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.actions import add_member, create_organization
from sessiondesk.accounts.models import Member, Organization, Role
from sessiondesk.scheduling.models import Client, SessionType

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # The cast's passwords are hashed many times per test; the real hasher's cost buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _meeting_changes_due_at_once(settings):  # type: ignore[no-untyped-def]
    # Tests run the worker right after a change; the settle time for quick edits has its own tests.
    settings.MEETING_UPDATE_SETTLE_SECONDS = 0


@pytest.fixture
def org(owner: Member) -> Organization:
    return owner.org


@pytest.fixture
def owner(db: None) -> Member:
    return create_organization(
        name="Acme Tutoring",
        slug="acme",
        owner_email="olivia@acme.test",
        owner_name="Olivia Owner",
        password=PASSWORD,
    )


@pytest.fixture
def admin(org: Organization) -> Member:
    return add_member(org, email="adam@acme.test", name="Adam Admin", role=Role.ADMIN, password=PASSWORD)


@pytest.fixture
def consultant(org: Organization) -> Member:
    return add_member(
        org, email="carla@acme.test", name="Carla Consultant", role=Role.CONSULTANT, password=PASSWORD
    )


@pytest.fixture
def consultant2(org: Organization) -> Member:
    return add_member(
        org,
        email="dev@acme.test",
        name="Dev Consultant",
        role=Role.CONSULTANT,
        password=PASSWORD,
        timezone="Europe/London",
    )


@pytest.fixture
def staff(org: Organization) -> Member:
    return add_member(org, email="sam@acme.test", name="Sam Staff", role=Role.STAFF, password=PASSWORD)


@pytest.fixture
def outsider(db: None) -> Member:
    """The owner of another organisation: must never see Acme's data."""
    return create_organization(
        name="Rival Coaching",
        slug="rival",
        owner_email="rita@rival.test",
        owner_name="Rita Rival",
        password=PASSWORD,
    )


@pytest.fixture
def student(org: Organization) -> Client:
    return Client.objects.create(
        org=org, name="Stu Student", email="stu@example.test", timezone="Asia/Tokyo", phone="+1 555 0100"
    )


@pytest.fixture
def lesson(org: Organization) -> SessionType:
    return SessionType.objects.get(org=org, name="Lesson")


def login(client: HttpClient, member: Member) -> HttpClient:
    client.force_login(member.user)
    return client
