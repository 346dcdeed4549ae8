"""PostgreSQL on the same machine, reached through its Unix socket (docs/deploy.md): `sessiondesk serve`
books through the API with ``DATABASE_URL`` naming the socket's folder, and its connections to the
database are socket connections, not TCP.

Runs only when the suite runs on PostgreSQL and the server has a socket on this machine."""

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.db import connection

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.models import Client, Session, SessionType
from tests.ops.served import serve
from tests.ops.test_database_restart import booking

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's Unix socket"),
    pytest.mark.django_db(transaction=True),
]


def socket_folder() -> Path | None:
    """The folder of the database server's socket on this machine, or None (a server elsewhere)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW unix_socket_directories")
        folders = cursor.fetchone()[0]
        cursor.execute("SHOW port")
        port = cursor.fetchone()[0]
    for folder in (Path(f.strip()) for f in folders.split(",") if f.strip()):
        if (folder / f".s.PGSQL.{port}").exists():
            return folder
    return None


def backends() -> dict[int, tuple[str | None, int | None]]:
    """This database's other client connections by server process: their address and port (None
    and -1: the socket)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, host(client_addr), client_port FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return {pid: (address, port) for pid, address, port in cursor.fetchall()}


def test_serve_books_through_the_socket(  # type: ignore[no-untyped-def]
    tmp_path, staff: Member, consultant: Member, lesson: SessionType, student: Client
) -> None:
    folder = socket_folder()
    if folder is None:
        pytest.skip("the database server has no Unix socket on this machine")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{quote(str(folder), safe='')}:{db['PORT'] or 5432}/{db['NAME']}"
    book = booking(staff, consultant, lesson, student)
    start = dt.datetime.fromisoformat(book["json"]["start"])
    args = ("--no-collectstatic", "--workers", "1", "--threads", "2")
    before = backends()  # connections of this test process's other threads, if any
    with serve(tmp_path, *args, DATABASE_URL=url) as (base, _):
        response = httpx.post(base + book["url"], json=book["json"], headers=book["headers"], timeout=10)
        assert response.status_code == 201, response.text
        # The web process keeps its connection between requests: it is still there, on the socket.
        seen = [where for pid, where in backends().items() if pid not in before]
    session = Session.objects.get()
    assert (session.pk, session.title, session.start) == (response.json()["id"], "Algebra", start)
    assert list(session.clients.all()) == [student]
    assert seen and all(port == -1 and address is None for address, port in seen), seen
