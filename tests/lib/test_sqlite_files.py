"""The SQLite database and the files beside it (-wal, -shm, the writers' -lock) are readable by their
owner only, whatever the umask, like the keys in the instance folder.

Each test opens its own connection to a database file of its own, so it runs the same whichever
database the rest of the suite uses."""

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from sessiondesk.lib.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _common_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def connect(name: Path) -> DatabaseWrapper:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "sessiondesk.lib.sqlite",
                "NAME": str(name),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
            }
        }
    )
    db = handler["default"]
    assert isinstance(db, DatabaseWrapper)
    return db


def write(db: DatabaseWrapper) -> None:
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS event (id INTEGER PRIMARY KEY, what TEXT NOT NULL)")
        cursor.execute("INSERT INTO event (what) VALUES ('booked')")


def modes(folder: Path) -> dict[str, str]:
    return {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in sorted(folder.iterdir())}


def test_it_creates_the_database_and_every_file_beside_it_for_its_owner_only(  # type: ignore[no-untyped-def]
    tmp_path: Path, django_db_blocker
) -> None:
    db = connect(tmp_path / "desk.sqlite3")
    with django_db_blocker.unblock():
        write(db)
        try:
            # While the connection is open: closing the last one removes the -wal and -shm.
            assert modes(tmp_path) == {
                "desk.sqlite3": "0o600",
                "desk.sqlite3-lock": "0o600",
                "desk.sqlite3-shm": "0o600",
                "desk.sqlite3-wal": "0o600",
            }
        finally:
            db.close()


def test_it_tightens_files_an_earlier_version_left_readable_by_everyone(  # type: ignore[no-untyped-def]
    tmp_path: Path, django_db_blocker
) -> None:
    name = tmp_path / "desk.sqlite3"
    earlier = sqlite3.connect(name)  # SQLite's own default: 0644 under this umask
    earlier.execute("PRAGMA journal_mode=WAL")
    earlier.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, what TEXT NOT NULL)")
    earlier.commit()
    os.close(os.open(f"{name}-lock", os.O_RDWR | os.O_CREAT, 0o644))
    assert set(modes(tmp_path).values()) == {"0o644"}
    db = connect(name)
    with django_db_blocker.unblock():
        try:
            write(db)
            assert modes(tmp_path) == {
                "desk.sqlite3": "0o600",
                "desk.sqlite3-lock": "0o600",
                "desk.sqlite3-shm": "0o600",
                "desk.sqlite3-wal": "0o600",
            }
        finally:
            db.close()
            earlier.close()


def test_closing_a_connection_gives_the_planner_statistics_of_the_tables_it_read(  # type: ignore[no-untyped-def]
    tmp_path: Path, django_db_blocker
) -> None:
    db = connect(tmp_path / "db.sqlite3")
    with django_db_blocker.unblock():
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE session (id INTEGER PRIMARY KEY, org INTEGER, start TEXT)")
            cursor.execute("CREATE INDEX session_org ON session (org, start)")
            rows = [(n % 3, str(n)) for n in range(300)]
            cursor.executemany("INSERT INTO session (org, start) VALUES (?, ?)", rows)
        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM session WHERE org = 1")
        db.close()
    with sqlite3.connect(tmp_path / "db.sqlite3") as plain:
        assert plain.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall() == [
            ("session", "session_org", "300 100 1")
        ]
