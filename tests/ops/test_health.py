"""The probes: /healthz answers while the process lives; /readyz needs the database and a live worker."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from sessiondesk.worker.loop import Worker
from sessiondesk.worker.models import WorkerHeartbeat


def test_it_answers_healthz_without_login_or_database(client) -> None:
    # No database mark: any query would fail this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_it_is_not_ready_before_any_worker_has_run(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": "ok",
            "worker": "no worker has ever written a heartbeat: start `sessiondesk worker`",
        },
    }


@pytest.mark.django_db(transaction=True)
def test_it_is_ready_once_a_worker_has_written_its_heartbeat(client, settings) -> None:
    settings.WORKER_POLL_SECONDS = 0.01
    Worker(once=True).run()
    assert WorkerHeartbeat.objects.count() == 1
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "worker": "ok"}}


@pytest.mark.django_db
def test_it_is_not_ready_when_the_newest_heartbeat_is_too_old(client, settings) -> None:
    settings.WORKER_HEARTBEAT_MAX_AGE = 30
    WorkerHeartbeat.objects.create(name="w1:1", seen_at=timezone.now() - dt.timedelta(seconds=95))
    WorkerHeartbeat.objects.create(name="w2:2", seen_at=timezone.now() - dt.timedelta(seconds=31))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "worker": (
            "no worker has reported for 31 s: none is running, it cannot reach the database, "
            "or one job has kept it busy that long (the worker's log says which)"
        ),
    }


@pytest.mark.django_db
def test_it_is_not_ready_when_the_database_does_not_answer(client, monkeypatch) -> None:
    from django.db import DatabaseError

    def refuse(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    WorkerHeartbeat.objects.create(name="w1:1", seen_at=timezone.now())
    # The database itself going away: every cursor fails, as with a stopped server.
    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": "database unreachable: DatabaseError",
            "worker": "unknown: the database is unreachable",
        },
    }


def test_it_refuses_other_methods_on_the_probes(client) -> None:
    assert client.post("/healthz").status_code == 405
