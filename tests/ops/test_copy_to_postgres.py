"""`sessiondesk copy-to-postgres`: a seeded database copied into a throw-away PostgreSQL database."""

import datetime as dt
import io
import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from sessiondesk.ops.copydb import copy_models
from sessiondesk.ops.demo import seed_demo
from sessiondesk.worker.models import WorkerHeartbeat
from tests.ops.served import database_url

PG_SERVER = os.environ.get("SESSIONDESK_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")

pytestmark = pytest.mark.django_db(transaction=True)


def _reachable() -> bool:
    try:
        psycopg.connect(PG_SERVER, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.fixture
def target() -> object:
    if not _reachable():
        pytest.skip("PostgreSQL is not reachable")
    name = f"sd_copy_target_{os.getpid()}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = PG_SERVER.rsplit("/", 1)[0] + "/" + name
    yield url
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_copy(url: str) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it: another process, reading this test's database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
        "SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "sessiondesk.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "sessiondesk", "copy-to-postgres", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def source_counts() -> dict[str, int]:
    return {m._meta.db_table: m._base_manager.count() for m in copy_models()}


def target_count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]


def test_it_copies_every_row_keeps_secrets_and_timestamps_and_resets_sequences(target: str, owner) -> None:  # type: ignore[no-untyped-def]
    org = seed_demo()
    member = org.members.filter(role="consultant").order_by("id").first()
    assert member is not None
    zoom = ZoomConnection.objects.create(
        org=org,
        member=member,
        kind="personal",
        zoom_user_id="zu-1",
        zoom_account_id="za-1",
        zoom_email="carla@zoom.example.test",
    )
    ZoomTokenSet.objects.create(
        connection=zoom,
        access_token="access-secret-1",
        refresh_token="refresh-secret-1",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    old = timezone.now() - dt.timedelta(days=30)
    ZoomConnection.objects.filter(pk=zoom.pk).update(updated_at=old)
    WorkerHeartbeat.objects.create(name="old-worker:1", seen_at=old)
    before = source_counts()
    assert before["scheduling_session"] == 11 and before["accounts_member"] == 5

    done = run_copy(target)

    assert done.returncode == 0, done.stderr
    assert (
        f"Copied {sum(before.values())} row(s) in {len(before)} tables; every count matches." in done.stdout
    )
    for table, count in before.items():
        assert target_count(target, table) == count, table
    with psycopg.connect(target) as conn:
        (updated_at,) = conn.execute(
            "SELECT updated_at FROM zoom_zoomconnection WHERE id = %s", [zoom.pk]
        ).fetchone()  # type: ignore[misc]
        assert updated_at == old
        (stored,) = conn.execute("SELECT access_token FROM zoom_zoomtokenset").fetchone()  # type: ignore[misc]
        assert "access-secret-1" not in stored  # still encrypted at rest
        # The sequences continue after the copied ids: a new row gets the next one.
        (highest,) = conn.execute("SELECT max(id) FROM scheduling_session").fetchone()  # type: ignore[misc]
        (next_id,) = conn.execute(
            "SELECT nextval(pg_get_serial_sequence('scheduling_session', 'id'))"
        ).fetchone()  # type: ignore[misc]
        assert next_id == highest + 1


def test_it_refuses_a_target_that_already_holds_data(target: str, owner) -> None:  # type: ignore[no-untyped-def]
    assert run_copy(target).returncode == 0
    again = run_copy(target)
    assert again.returncode == 1
    assert "CommandError: The target database already holds data (in accounts_" in again.stderr
    assert target_count(target, "accounts_organization") == 1


def test_it_refuses_a_target_that_is_not_postgresql(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        CommandError, match=r"^The target must be a PostgreSQL URL \(postgres://…\), not sqlite:…\.$"
    ):
        call_command("copy-to-postgres", "sqlite:///elsewhere.sqlite3", stdout=io.StringIO())
