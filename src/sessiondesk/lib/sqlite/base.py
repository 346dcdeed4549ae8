"""Django's SQLite backend, with writers queued on a lock file so the next one starts as soon as the
previous one commits.

Every transaction starts with ``BEGIN IMMEDIATE`` (settings), so writers wait for each other at
``BEGIN``. SQLite's own wait is a busy handler that sleeps in growing steps, up to 100 ms at a time,
whether or not the lock was freed meanwhile: under concurrent bookings most of the waiting was
sleeping past a free lock. Here a writer first takes an exclusive ``flock`` on ``<database>-lock``
and releases it at commit, rollback or close. The file lock is polled every 0.1 ms for the first
20 ms of a wait, then in steps growing to 2 ms: a booking holds it for about 2 ms, so the next writer
starts within a tenth of a millisecond of the last one's commit (polling every 0.5-2 ms left the lock
idle for 0.9 ms a handover on average), and a writer waiting out a long transaction polls no more
often than every 2 ms. Within one process the writers first queue on a thread lock for the same
file, which wakes the next one the moment it is released, so only one writer per process polls the
file lock: polling threads each took the interpreter's lock from the thread doing the work. A write
outside a transaction (``INSERT``/``UPDATE``/``DELETE`` in autocommit, such as a rate-limit count) is
its own transaction to SQLite, so it takes the file lock for that one statement.

SQLite's own checkpoints (copying the write-ahead log back into the database once it reaches 1,000
pages) are turned off: SQLite runs one inside the ``COMMIT`` that crosses the mark, while that writer
still heads the queue, so every writer waited for the copy. Instead each process checkpoints
(``PASSIVE``: it never waits for readers or writers) after every ``_CHECKPOINT_EVERY`` of its own
commits, once it has left the queue, and finishes that checkpoint at its next commit, before leaving
the queue: it copies the few frames committed meanwhile. SQLite writes the log from its beginning
again only when a writer begins with every frame copied back, and a checkpoint run with the queue
free is always overtaken by the next writer, so without the second step the log grew by every commit
for as long as writers kept coming (480 MB after 3,200 bookings in a benchmark). When SQLite starts
the log again it cuts its file back to ``_LOG_KEPT_BYTES`` (``journal_size_limit``), so a burst of
writes does not leave it large on disk. SQLite still checkpoints when the last connection closes.

The file lock only orders writers; SQLite's lock still guards the data. A writer that cannot get the
file lock within the connection's timeout goes on anyway, where SQLite's busy handler and its
"database is locked" error apply as before; so do other programs writing to the file.

The database and the files beside it are readable by their owner only, like the keys in the instance
folder. SQLite creates a database with mode 0644 (less the umask) and gives its ``-wal`` and ``-shm``
the database's mode whatever the umask, so the database is created 0600 before SQLite opens it.
Files an earlier version left readable by others are tightened on connecting.
"""

import contextlib
import fcntl
import functools
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.db.backends.sqlite3 import base

log = logging.getLogger(__name__)

_PAUSE = 0.0001
_SHORT_WAIT = 0.02  # polled every _PAUSE for this long, then in steps doubling up to _LONGEST_PAUSE
_LONGEST_PAUSE = 0.002
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")

# About as often as SQLite's own default (1,000 pages) at the 20 to 40 pages a booking writes.
_CHECKPOINT_EVERY = 50
_commits: dict[str, int] = {}  # write transactions committed by this process, per database file
# The log's file is cut back to this when SQLite starts it again, so one burst of writes (an import)
# does not leave it that large on disk; a day's steady bookings stay well below it between restarts.
_LOG_KEPT_BYTES = 32 * 1024 * 1024
_restart_due: set[str] = set()  # database files whose last checkpoint by this process is to be finished

_process_queues: dict[str, threading.Lock] = {}
_process_queues_guard = threading.Lock()


def _process_queue(path: str) -> threading.Lock:
    """The writers' queue inside this process for the database whose lock file is ``path``."""
    with _process_queues_guard:
        return _process_queues.setdefault(path, threading.Lock())


def _create_private(path: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError:
        return  # there already, or SQLite says why it cannot open it
    os.close(fd)


def _tighten(path: str) -> None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return
    mode = stat.S_IMODE(found.st_mode)
    if found.st_uid != os.geteuid() or not mode & 0o077:
        return
    try:
        os.chmod(path, mode & 0o700)
    except OSError as exc:
        log.warning("could not make %s readable by its owner only: %s", path, exc)


class _Cursor(base.SQLiteCursorWrapper):
    """Takes the writers' queue for a write statement outside a transaction."""

    queue: "DatabaseWrapper"

    def _alone(self, query: str) -> bool:
        return not self.connection.in_transaction and query.lstrip()[:6].upper() in _WRITES

    def execute(self, query: str, params: Any = None) -> Any:
        if not self._alone(query):
            return super().execute(query, params)
        with self.queue.queued():
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        if not self._alone(query):
            return super().executemany(query, param_list)
        with self.queue.queued():
            return super().executemany(query, param_list)

    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is not None:
            return super().convert_query(query, param_names=param_names)
        return _qmark(query)


@functools.lru_cache(maxsize=1024)
def _qmark(query: str) -> str:
    """A statement's ``%s`` placeholders as SQLite's ``?``, worked out once per statement text: Django
    runs its regular expression over the whole statement on every execution, a few per cent of a
    booking's CPU (docs/performance.md, seventeenth round). The same few hundred statements run
    again and again; one whose text holds its values, or a list of ids of its own length, may
    push out an older one, which is then worked out again."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queued: threading.Lock | None = None  # this process's queue, while this connection heads it

    def _file_name(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return name

    def _queue_path(self) -> str | None:
        name = self._file_name()
        return None if name is None else name + "-lock"

    def get_new_connection(self, conn_params: Any) -> Any:
        name = self._file_name()
        if name is not None and not name.startswith("file:"):  # a URI names no file path as such
            _create_private(name)
            for suffix in ("", "-wal", "-shm", "-lock"):
                _tighten(name + suffix)
        connection = super().get_new_connection(conn_params)
        connection.execute("PRAGMA wal_autocheckpoint = 0")  # see the module's notes
        connection.execute(f"PRAGMA journal_size_limit = {_LOG_KEPT_BYTES}")
        return connection

    def _take_queue(self, any_mode: bool = False) -> None:
        if self._queued is not None or not (
            any_mode or getattr(self, "transaction_mode", None) in ("IMMEDIATE", "EXCLUSIVE")
        ):
            return
        path = self._queue_path()
        if path is None:
            return
        if self._queue_fd is None:
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        began = time.monotonic()
        deadline = began + timeout
        in_process = _process_queue(path)
        if not in_process.acquire(timeout=timeout):
            return
        pause = _PAUSE
        while True:
            try:
                fcntl.flock(self._queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                now = time.monotonic()
                if now >= deadline:
                    in_process.release()
                    return
                time.sleep(pause)
                if now - began >= _SHORT_WAIT:
                    pause = min(pause * 2, _LONGEST_PAUSE)
            else:
                self._queued = in_process
                return

    @contextlib.contextmanager
    def queued(self) -> Iterator[None]:
        if self._queued is not None:
            yield
            return
        self._take_queue(any_mode=True)
        try:
            yield
        except BaseException:
            self._leave_queue()
            raise
        self._leave_queue(committed=True)

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.queue = self
        return cursor

    def _leave_queue(self, *, committed: bool = False) -> None:
        if self._queued is not None and self._queue_fd is not None:
            try:
                if committed:
                    self._finish_checkpoint()
            finally:
                fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
                self._queued.release()
                self._queued = None
            if committed:
                self._count_commit()

    def _count_commit(self) -> None:
        """After every ``_CHECKPOINT_EVERY`` commits of this process, copy the write-ahead log back
        into the database, outside the queue, so other writers go on meanwhile."""
        path = self._queue_path()
        if path is None:
            return
        with _process_queues_guard:
            done = _commits.get(path, 0) + 1
            _commits[path] = done % _CHECKPOINT_EVERY
        if done >= _CHECKPOINT_EVERY and self._checkpoint():
            with _process_queues_guard:
                _restart_due.add(path)

    def _checkpoint(self) -> bool:
        """A ``PASSIVE`` checkpoint; whether it ran (not when another connection was checkpointing,
        which SQLite reports in its result, not as an error)."""
        if self.connection is None or self.connection.in_transaction:
            return False
        try:
            busy, _, _ = self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as error:
            log.debug("checkpoint skipped: %s", error)
            return False
        return not busy

    def _finish_checkpoint(self) -> None:
        """Heading the queue, just after a commit: copy back what was committed since this process's
        last checkpoint, so the log ends fully copied with no writer in between, and the next writer
        starts it again from its beginning."""
        path = self._queue_path()
        with _process_queues_guard:
            if path not in _restart_due:
                return
            _restart_due.discard(path)
        self._checkpoint()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_queue()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in the stubs
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self) -> Any:
        try:
            done = super()._commit()  # type: ignore[misc]
        except BaseException:
            self._leave_queue()
            raise
        self._leave_queue(committed=True)
        return done

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _optimize(self) -> None:
        """``PRAGMA optimize`` as SQLite advises for short-lived connections: it analyses a table
        whose statistics the planner lacked on this connection (once, then again only after the
        table has grown many times over), and costs nothing otherwise. Without statistics SQLite
        may join in the wrong order: a page filtering meeting links by organisation read every
        session of it, 250 ms at a year's sessions instead of 4. Never waits for the write lock:
        when another writer holds it, a later close tries again."""
        if self.connection is None or self.connection.in_transaction or self._file_name() is None:
            return
        try:
            self.connection.execute("PRAGMA busy_timeout = 0")
            self.connection.execute("PRAGMA optimize")
        except sqlite3.Error as error:
            log.debug("PRAGMA optimize skipped: %s", error)

    def _close(self) -> Any:
        self._optimize()
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
