"""Letting go: disconnect revokes at Zoom and deletes the tokens; a data deletion removes everything."""

import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.integrations.zoom import client as zoom_client
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from tests.conftest import login
from tests.integrations.zoom.conftest import connect_through_pages


def test_disconnect_revokes_at_zoom_and_deletes_the_tokens(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    old_access = ZoomTokenSet.objects.get().access_token
    with zoom.committing():
        response = client.post("/integrations/zoom/disconnect/personal/", follow=True)
    assert "Zoom is disconnected and SessionDesk no longer holds its access." in response.content.decode()
    revokes = zoom.requests(path="/oauth/revoke")
    assert [(r["status"], r["user_id"]) for r in revokes] == [(200, zoom.users["carla@zoom.acme.test"])]
    assert ZoomTokenSet.objects.count() == 0
    connection = ZoomConnection.objects.get()
    assert connection.status == "revoked"
    entry = AuditEntry.objects.get(action="zoom.disconnected")
    assert (entry.actor, entry.detail) == (consultant, {"kind": "personal"})
    with pytest.raises(ZoomError) as refused:
        zoom_client.get_me(old_access)
    assert (refused.value.status, refused.value.code) == (401, "124")


def test_disconnect_shows_connect_again(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    with zoom.committing():
        client.post("/integrations/zoom/disconnect/personal/")
    client.get("/settings/")  # shows and clears the confirmation messages
    text = client.get("/settings/").content.decode()
    assert "Connect with Zoom" in text
    assert "carla@zoom.acme.test" not in text


def test_only_admins_disconnect_the_organisation_account(client: HttpClient, admin, consultant, zoom) -> None:
    login(client, admin)
    connect_through_pages(client, zoom, "adam@zoom.acme.test", "organization")
    login(client, consultant)
    response = client.post("/integrations/zoom/disconnect/organization/", follow=True)
    assert "Only owners and admins can connect or remove" in response.content.decode()
    assert ZoomConnection.objects.get().status == "active"
    assert ZoomTokenSet.objects.count() == 1
    assert zoom.requests(path="/oauth/revoke") == []


def test_the_owner_disconnects_the_organisation_account_an_admin_connected(
    client: HttpClient, owner, admin, zoom
) -> None:
    login(client, admin)
    connect_through_pages(client, zoom, "adam@zoom.acme.test", "organization")
    login(client, owner)
    with zoom.committing():
        client.post("/integrations/zoom/disconnect/organization/")
    assert ZoomConnection.objects.get().status == "revoked"
    assert ZoomTokenSet.objects.count() == 0
    assert len(zoom.requests(path="/oauth/revoke")) == 1


def test_disconnect_requires_login(client: HttpClient, db, zoom) -> None:
    response = client.post("/integrations/zoom/disconnect/personal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_person_deletes_their_zoom_data(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    with zoom.committing():
        response = client.post("/integrations/zoom/data/delete/", follow=True)
    assert "Your Zoom data was deleted" in response.content.decode()
    assert ZoomConnection.objects.count() == 0
    assert ZoomTokenSet.objects.count() == 0
    assert len(zoom.requests(path="/oauth/revoke")) == 1
    actions = list(
        AuditEntry.objects.filter(action__startswith="zoom.data")
        .order_by("pk")
        .values_list("action", "detail")
    )
    assert actions == [("zoom.data_deletion_requested", {}), ("zoom.data_deleted", {"connections": 1})]
    # Nothing in the audit log keeps the Zoom identity either.
    assert not AuditEntry.objects.filter(object_repr__icontains="zoom.acme.test").exists()


def test_an_admin_deletes_a_members_zoom_data(client: HttpClient, admin, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    login(client, admin)
    with zoom.committing():
        response = client.post(f"/integrations/zoom/data/delete/{consultant.pk}/", follow=True)
    assert "Carla Consultant&#x27;s Zoom data was deleted." in response.content.decode()
    assert ZoomConnection.objects.count() == 0
    entry = AuditEntry.objects.get(action="zoom.data_deleted")
    assert (entry.actor, entry.object_id) == (admin, str(consultant.pk))


def test_deleting_a_members_zoom_data_requires_an_admin(
    client: HttpClient, consultant, consultant2, zoom
) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    login(client, consultant2)
    assert client.post(f"/integrations/zoom/data/delete/{consultant.pk}/").status_code == 403
    assert ZoomConnection.objects.count() == 1


def test_another_organisation_cannot_delete_a_members_zoom_data(
    client: HttpClient, consultant, outsider, zoom
) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    login(client, outsider)
    assert client.post(f"/integrations/zoom/data/delete/{consultant.pk}/").status_code == 404
    assert ZoomConnection.objects.count() == 1
