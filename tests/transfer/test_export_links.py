"""Each list links its CSV download, carrying the filters on screen."""

from django.test import Client as HttpClient

from sessiondesk.accounts.models import Member
from tests.conftest import login


def test_the_lists_link_their_downloads_with_their_filters(client: HttpClient, owner: Member) -> None:
    login(client, owner)
    sessions = client.get("/?status=cancelled").content.decode()
    assert 'href="/sessions/export.csv?status=cancelled" download>Download CSV</a>' in sessions
    clients = client.get("/clients/?q=ann").content.decode()
    assert 'href="/clients/export.csv?q=ann" download>Download CSV</a>' in clients
    audit = client.get("/audit/?action=session.created").content.decode()
    assert 'href="/audit/export.csv?action=session.created" download>Download CSV</a>' in audit
    members = client.get("/members/").content.decode()
    assert 'href="/members/export.csv" download>Download CSV</a>' in members


def test_the_downloads_answer_with_csv(client: HttpClient, owner: Member) -> None:
    login(client, owner)
    for url in ("/sessions/export.csv?status=cancelled", "/clients/export.csv?q=ann", "/members/export.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/csv"), url
