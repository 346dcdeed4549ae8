"""Single-flight refresh: many callers need the token at the moment it expires; Zoom sees one refresh."""

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection as db

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import tokens
from sessiondesk.integrations.zoom.models import ConnectionStatus, ZoomConnection, ZoomTokenSet
from tests.integrations.zoom.token_fixtures import (  # noqa: F401
    emu_fixture,
    expire,
    token_calls,
    token_emulator_fixture,
)
from tests.support.zoom import connect
from zoom_emulator.app import EmulatorApp
from zoom_emulator.server import make_server

pytestmark = pytest.mark.django_db(transaction=True)

CHILD = Path(__file__).with_name("race_child.py")


def race(connection_id: int, threads: int) -> tuple[list[str], list[str]]:
    barrier = threading.Barrier(threads)
    served: list[str] = []
    errors: list[str] = []

    def one() -> None:
        try:
            connection = ZoomConnection.objects.get(pk=connection_id)
            barrier.wait()
            served.append(tokens.access_token(connection))
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            db.close()

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return served, errors


def test_it_refreshes_once_under_contention_from_many_threads(emu: httpx.Client, consultant: Member) -> None:
    connection = connect(emu, consultant, "carla@acme.test")
    expire(emu, connection)

    served, errors = race(connection.pk, 16)

    assert errors == []
    assert len(served) == 16
    stored = ZoomTokenSet.objects.get(connection=connection)
    assert set(served) == {stored.access_token}
    assert [c["status"] for c in token_calls(emu)] == [200]
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE


@pytest.fixture
def loopback_zoom(token_emulator: EmulatorApp, emu: httpx.Client) -> Iterator[str]:
    server = make_server(token_emulator, "127.0.0.1", 0, threads=16).start()
    try:
        with client.use_transport(None):
            yield server.url
    finally:
        server.close()


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "sessiondesk.lib.postgresql",
    reason="PostgreSQL only",
)
def test_it_refreshes_once_under_contention_from_several_processes(
    emu: httpx.Client, loopback_zoom: str, consultant: Member, settings: Any
) -> None:
    settings.ZOOM_OAUTH_URL, settings.ZOOM_API_URL = loopback_zoom, loopback_zoom + "/v2"
    connection = connect(emu, consultant, "carla@acme.test")
    expire(emu, connection)
    db_settings = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sessiondesk.settings",
        "DATABASE_URL": f"postgres://{db_settings['USER']}@{db_settings['HOST']}:{db_settings['PORT']}/{db_settings['NAME']}",
        "ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
        "ZOOM_OAUTH_URL": loopback_zoom,
        "ZOOM_API_URL": loopback_zoom + "/v2",
        "LOG_LEVEL": "WARNING",
    }
    start_at = time.time() + 3
    children = [
        subprocess.Popen(
            [sys.executable, str(CHILD), str(connection.pk), "8", str(start_at)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    stored = ZoomTokenSet.objects.get(connection=connection)
    assert [r["errors"] for r in results] == [[], [], [], []]
    assert sum(r["served"] for r in results) == 32
    assert {t for r in results for t in r["tokens"]} == {stored.access_token}
    assert [c["status"] for c in token_calls(emu)] == [200]
