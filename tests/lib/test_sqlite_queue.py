"""The SQLite backend's writers' queue: a writer waits on the lock file, starts when the previous one
commits or rolls back, and never depends on the file lock for correctness.

Each test opens its own connections to a database file of its own, so it runs the same whichever
database the rest of the suite uses."""

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from sessiondesk.lib.sqlite.base import DatabaseWrapper


@pytest.fixture
def open_db(tmp_path: Path, django_db_blocker) -> Iterator[Callable[..., DatabaseWrapper]]:  # type: ignore[no-untyped-def]
    name = str(tmp_path / "queue.sqlite3")
    opened: list[DatabaseWrapper] = []

    def open_db(timeout: float = 20) -> DatabaseWrapper:
        handler = ConnectionHandler(
            {
                "default": {
                    "ENGINE": "sessiondesk.lib.sqlite",
                    "NAME": name,
                    "OPTIONS": {
                        "transaction_mode": "IMMEDIATE",
                        "timeout": timeout,
                        "init_command": "PRAGMA journal_mode=WAL;",
                    },
                }
            }
        )
        db = handler["default"]
        assert isinstance(db, DatabaseWrapper)
        db.inc_thread_sharing()
        opened.append(db)
        return db

    with django_db_blocker.unblock():
        setup = open_db()
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, what TEXT NOT NULL)")
        yield open_db
        for db in opened:
            db.close()


def begin(db: DatabaseWrapper) -> None:
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(db: DatabaseWrapper, *, commit: bool = True) -> None:
    db.commit() if commit else db.rollback()
    db.set_autocommit(True)


def insert(db: DatabaseWrapper, what: str) -> None:
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO event (what) VALUES (%s)", [what])


def events(db: DatabaseWrapper) -> list[str]:
    with db.cursor() as cursor:
        cursor.execute("SELECT what FROM event ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def lock_is_free(db: DatabaseWrapper) -> bool:
    fd = os.open(str(db.settings_dict["NAME"]) + "-lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def hold_queue(db: DatabaseWrapper) -> int:
    fd = os.open(str(db.settings_dict["NAME"]) + "-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def in_thread(work: Callable[[], None]) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


def writer(db: DatabaseWrapper, what: str) -> Callable[[], None]:
    """A transaction that writes ``what``, to run in a thread of its own."""

    def write() -> None:
        begin(db)
        insert(db, what)
        end(db)

    return write


def test_a_second_transaction_starts_only_when_the_first_commits(open_db) -> None:  # type: ignore[no-untyped-def]
    first, second = open_db(), open_db()
    begin(first)
    insert(first, "first")
    assert not lock_is_free(first)

    def write_second() -> None:
        begin(second)
        insert(second, "second")
        end(second)

    thread, done = in_thread(write_second)
    assert not done.wait(0.3), "the second writer began while the first held the queue"
    end(first)
    thread.join(5)
    assert done.is_set()
    assert events(first) == ["first", "second"]
    assert lock_is_free(first)


def test_a_write_outside_a_transaction_waits_its_turn_too(open_db) -> None:  # type: ignore[no-untyped-def]
    """The queue is held (by a file lock alone, so SQLite's lock is free): an autocommit write still
    waits for it."""
    db = open_db()
    fd = hold_queue(db)
    thread, done = in_thread(lambda: insert(db, "autocommit"))
    try:
        assert not done.wait(0.3), "the write went ahead of the queue"
    finally:
        os.close(fd)
    thread.join(5)
    assert done.is_set()
    assert events(db) == ["autocommit"]
    assert lock_is_free(db)


def test_rollback_and_close_let_the_next_writer_in(open_db) -> None:  # type: ignore[no-untyped-def]
    db = open_db()
    begin(db)
    insert(db, "undone")
    end(db, commit=False)
    assert lock_is_free(db)
    begin(db)
    insert(db, "lost with the connection")
    db.close()
    assert lock_is_free(db)
    assert events(open_db()) == []


def test_a_stuck_lock_file_delays_but_never_blocks_a_writer(open_db) -> None:  # type: ignore[no-untyped-def]
    """Something holds the file lock but not SQLite's: after the connection's timeout the writer goes
    on without the queue, and SQLite's own lock keeps the write safe."""
    db = open_db(timeout=0.3)
    fd = hold_queue(db)
    try:
        began = time.monotonic()
        begin(db)
        insert(db, "written anyway")
        end(db)
        assert time.monotonic() - began >= 0.3
    finally:
        os.close(fd)
    assert events(db) == ["written anyway"]


def test_writers_of_one_process_wait_for_each_other_without_polling_the_lock_file(
    open_db, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Only the writer at the head of a process's queue tries the file lock; the others sleep on the
    process's own lock until it commits, then start in turn."""
    first = open_db()
    begin(first)
    insert(first, "first")
    attempts: list[str] = []
    real_flock = fcntl.flock

    def counted_flock(fd: int, operation: int) -> None:
        attempts.append(threading.current_thread().name)
        real_flock(fd, operation)

    monkeypatch.setattr("sessiondesk.lib.sqlite.base.fcntl.flock", counted_flock)
    waiting = [open_db() for _ in range(3)]
    started = [in_thread(writer(db, f"waiting {i}")) for i, db in enumerate(waiting)]
    assert not any(done.wait(0.3) for _, done in started)
    assert attempts == []
    end(first)
    for thread, done in started:
        thread.join(5)
        assert done.is_set()
    assert sorted(events(first)) == ["first", "waiting 0", "waiting 1", "waiting 2"]
    assert lock_is_free(first)


def test_a_stuck_lock_file_lets_every_writer_of_the_process_go_on_in_turn(open_db) -> None:  # type: ignore[no-untyped-def]
    """A writer that gave up waiting for the file lock leaves the process's queue too, so the writers
    behind it are not held past their own timeout."""
    first, second = open_db(timeout=0.3), open_db(timeout=0.3)
    fd = hold_queue(first)
    try:
        thread, done = in_thread(writer(second, "second"))
        begin(first)
        insert(first, "first")
        end(first)
        thread.join(5)
        assert done.is_set()
    finally:
        os.close(fd)
    assert sorted(events(first)) == ["first", "second"]
    third = open_db()
    begin(third)
    assert not lock_is_free(third), "the queue was left held by a writer that gave up"
    end(third)
    assert lock_is_free(third)


def test_a_writer_polls_the_file_lock_often_at_first_then_less_often(open_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The next writer starts within a tenth of a millisecond of the last one's commit; a writer
    waiting out a long transaction backs off to one look every 2 ms."""
    from sessiondesk.lib.sqlite import base

    db = open_db()
    pauses: list[tuple[float, float]] = []  # (when, pause)
    real_sleep = time.sleep

    def recorded_sleep(seconds: float) -> None:
        pauses.append((time.monotonic(), seconds))
        real_sleep(seconds)

    monkeypatch.setattr(base.time, "sleep", recorded_sleep)
    fd = hold_queue(db)
    release = threading.Timer(0.1, os.close, args=(fd,))
    release.start()
    try:
        begin(db)
        insert(db, "after a 100 ms wait")
        end(db)
    finally:
        release.join()
    assert events(db) == ["after a 100 ms wait"]
    assert (base._PAUSE, base._SHORT_WAIT, base._LONGEST_PAUSE) == (0.0001, 0.02, 0.002)
    first = pauses[0][0]
    assert {pause for at, pause in pauses if at - first < 0.01} == {base._PAUSE}
    assert pauses[-1][1] == base._LONGEST_PAUSE
    assert [pause for _, pause in pauses] == sorted(pause for _, pause in pauses)


def test_the_write_ahead_log_is_copied_back_after_the_writer_leaves_the_queue(open_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite's own checkpoint would run inside the COMMIT that crosses its mark, with every other
    writer waiting; here each process checkpoints after every so many of its commits, with the queue
    already free, and copies what was committed meanwhile at its next commit, with the queue held."""
    from sessiondesk.lib.sqlite import base

    monkeypatch.setattr(base, "_CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(base, "_commits", {})
    db, other = open_db(), open_db()
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (0,)
    seen: list[tuple[str, bool]] = []  # (statement, whether the queue was free while it ran)
    for connection in (db, other):
        connection.ensure_connection()
        connection.connection.set_trace_callback(lambda sql: seen.append((sql, lock_is_free(db))))

    def checkpoints() -> list[bool]:
        return [free for sql, free in seen if "wal_checkpoint" in sql]

    writer(db, "one")()
    writer(db, "two")()
    assert checkpoints() == []
    insert(other, "three: a write outside a transaction, by another connection of this process")
    assert checkpoints() == [True]
    begin(db)
    insert(db, "rolled back")
    end(db, commit=False)
    writer(other, "four")()
    assert checkpoints() == [True, False]
    writer(db, "five")()
    assert checkpoints() == [True, False]
    writer(db, "six")()
    assert checkpoints() == [True, False, True]
    assert len(events(db)) == 6


def test_the_write_ahead_log_is_started_again_while_writers_keep_coming(open_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite writes the log from its beginning again only when a writer begins with every frame
    copied back; a checkpoint run with the queue free is always overtaken by the next writer, and
    the log grew by every commit for as long as writers kept coming (480 MB after 3,200 bookings in
    a benchmark). The process finishes each checkpoint with the queue held at its next commit."""
    from sessiondesk.lib.sqlite import base

    monkeypatch.setattr(base, "_CHECKPOINT_EVERY", 5)
    monkeypatch.setattr(base, "_commits", {})
    writers = [open_db() for _ in range(4)]
    reader = open_db()
    wal = Path(str(reader.settings_dict["NAME"]) + "-wal")
    commits_each = 300
    stop = threading.Event()
    largest = 0

    def write(db: DatabaseWrapper, n: int) -> None:
        for k in range(commits_each):
            writer(db, f"{n}-{k}: " + "x" * 3000)()

    def read() -> None:
        # Short reads, as a page's are: a reader holds the log from its start only while it reads.
        # (Reading the whole table each time held it nearly always once the table had grown, and on
        # a slow machine the log then seldom found a moment to start again.)
        nonlocal largest
        while not stop.is_set():
            with reader.cursor() as cursor:
                cursor.execute("SELECT what FROM event ORDER BY id DESC LIMIT 1")
                cursor.fetchall()
            largest = max(largest, wal.stat().st_size if wal.exists() else 0)
            time.sleep(0.001)

    reading = threading.Thread(target=read)
    reading.start()
    threads = [threading.Thread(target=write, args=(db, n)) for n, db in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stop.set()
    reading.join(10)
    assert len(events(reader)) == 4 * commits_each
    # Each commit writes a row's page and the page above it: the log's size had it never started again.
    grown = 4 * commits_each * 2 * (4096 + 24)
    assert 0 < largest < grown / 4, (largest, grown)


def test_a_log_grown_by_a_burst_of_writes_is_cut_back_when_it_starts_again(open_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.lib.sqlite import base

    monkeypatch.setattr(base, "_LOG_KEPT_BYTES", 64 * 1024)
    monkeypatch.setattr(base, "_CHECKPOINT_EVERY", 2)
    monkeypatch.setattr(base, "_commits", {})
    db = open_db()
    wal = Path(str(db.settings_dict["NAME"]) + "-wal")
    begin(db)
    for k in range(200):
        insert(db, f"{k}: " + "x" * 3000)
    end(db)
    burst = wal.stat().st_size
    assert burst > 600_000
    for what in ("checkpointed with the queue free", "checkpoint finished", "log started again"):
        writer(db, what)()
    assert wal.stat().st_size <= 64 * 1024
    assert len(events(db)) == 203
