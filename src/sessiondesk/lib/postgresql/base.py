"""Django's PostgreSQL backend, with a health check that asks the server only when it has spoken.

Connections are kept between requests and checked before a request uses one again
(``CONN_HEALTH_CHECKS``, settings), so that a connection a database restart ended is replaced
instead of failing the request. Django checks by running ``SELECT 1``: a round trip to the server
before every request's first query, which cost a booking a tenth of its database CPU. A server that
ends a connection (a restart, ``pg_terminate_backend``, a pooler closing it) says so on the socket:
it sends its reason and closes, and the socket becomes readable. Between queries the server sends
nothing else unasked to a connection that listens for no notifications. So the check looks at the
socket first, without waiting: nothing to read, the connection is as the last query left it; if
there is something, Django's ``SELECT 1`` decides as before. A connection that listens for
notifications (the worker's wake-up) gets the full check whenever one arrived.
"""

import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


def _quiet(fd: int) -> bool:
    """Whether nothing has arrived on the socket ``fd`` since the last query's answer was read."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection: Any = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            if connection.info.transaction_status == TransactionStatus.IDLE and _quiet(connection.fileno()):
                return True
        except (OSError, ValueError):
            return False
        return bool(super().is_usable())
