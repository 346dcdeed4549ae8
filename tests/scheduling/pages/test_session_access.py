"""Who may open which session page: login, roles, and other organisations."""

import pytest
from django.urls import reverse

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.models import Session, SessionStatus
from tests.conftest import login

LIST_PAGES = ["home", "session_week", "session_create", "calendar"]
SESSION_PAGES = ["session_detail", "session_edit", "session_reschedule"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_it_requires_login_for_the_list_pages(client, org, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("name", SESSION_PAGES)
def test_it_requires_login_for_the_session_pages(client, algebra, name):
    url = reverse(name, args=[algebra.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_it_requires_login_to_cancel_and_cancels_nothing(client, algebra):
    response = client.post(reverse("session_cancel", args=[algebra.pk]))
    assert response.status_code == 302
    assert Session.objects.get(pk=algebra.pk).status == SessionStatus.SCHEDULED


def test_it_requires_login_to_schedule_and_saves_nothing(client, lesson, consultant):
    response = client.post(reverse("session_create"), {"title": "Sneaky", "session_type": lesson.pk})
    assert response.status_code == 302
    assert Session.objects.count() == 0


@pytest.mark.parametrize("name", SESSION_PAGES)
def test_it_hides_a_session_of_another_organisation(client, algebra, outsider, name):
    login(client, outsider)
    assert client.get(reverse(name, args=[algebra.pk])).status_code == 404


def test_it_does_not_let_another_organisation_cancel(client, algebra, outsider):
    login(client, outsider)
    assert client.post(reverse("session_cancel", args=[algebra.pk])).status_code == 404
    assert Session.objects.get(pk=algebra.pk).status == SessionStatus.SCHEDULED


@pytest.mark.parametrize("name", SESSION_PAGES)
def test_it_forbids_a_consultant_a_colleagues_session(client, algebra, consultant2, name):
    login(client, consultant2)
    assert client.get(reverse(name, args=[algebra.pk])).status_code == 403


def test_it_forbids_a_consultant_to_cancel_a_colleagues_session(client, algebra, consultant2):
    login(client, consultant2)
    assert client.post(reverse("session_cancel", args=[algebra.pk])).status_code == 403
    assert Session.objects.get(pk=algebra.pk).status == SessionStatus.SCHEDULED


@pytest.mark.parametrize("name", SESSION_PAGES)
def test_it_lets_a_co_host_open_the_session(client, algebra, consultant2, name):
    algebra.co_hosts.add(consultant2)
    login(client, consultant2)
    assert client.get(reverse(name, args=[algebra.pk])).status_code == 200


@pytest.mark.parametrize("role", ["owner", "admin", "staff", "consultant"])
@pytest.mark.parametrize("name", [*SESSION_PAGES])
def test_it_opens_the_session_pages_for_each_role_that_may_see_it(client, algebra, request, role, name):
    member: Member = request.getfixturevalue(role)
    login(client, member)
    assert client.get(reverse(name, args=[algebra.pk])).status_code == 200


@pytest.mark.parametrize("role", ["owner", "admin", "staff", "consultant", "consultant2"])
@pytest.mark.parametrize("name", LIST_PAGES)
def test_it_opens_the_list_pages_for_every_role(client, request, role, name):
    login(client, request.getfixturevalue(role))
    assert client.get(reverse(name), follow=True).status_code == 200


def test_it_answers_a_get_on_cancel_with_405(client, algebra, staff):
    login(client, staff)
    assert client.get(reverse("session_cancel", args=[algebra.pk])).status_code == 405
    assert Session.objects.get(pk=algebra.pk).status == SessionStatus.SCHEDULED


def test_it_answers_404_for_a_session_that_does_not_exist(client, staff):
    login(client, staff)
    assert client.get(reverse("session_detail", args=[999999])).status_code == 404
