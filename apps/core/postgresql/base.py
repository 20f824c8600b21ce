"""Django's PostgreSQL backend, whose health check asks the socket before the server.

With ``CONN_HEALTH_CHECKS`` a kept connection is checked once per request before its first
query, so that after the database restarted the request reconnects instead of failing.
Django checks with ``SELECT 1``: a round trip to the server on every request, one statement
in seven of a case's detail and the only one the raw limit of ``benchmarks/api.py`` does not
make (issue 12, detail and timeline).

Between requests a kept connection is idle: the server sends it nothing unless the session
ends — a restart, ``pg_terminate_backend``, an idle timeout, a proxy or the network closing
it — and then it sends its reason or closes the socket, which makes the socket readable. So
an idle connection whose socket has nothing to read, and which psycopg does not already know
to be closed or broken, is usable as it stands; only one with something to read (or whose
socket cannot be asked) gets Django's ``SELECT 1``. The one case this lets through is a peer
that vanished without closing (a host powered off, a silent network drop): ``SELECT 1``
would have met it as a failed send too late to help, or waited for the TCP timeout; here the
request's first query meets it, the request answers 503 (apps/core/middleware.py) and the
connection, marked by the error, is closed at the request's end.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

# Windows has no poll: there the server is asked, as Django does.
_CAN_POLL = hasattr(select, "poll")


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        idle = pgconn.status == pq.ConnStatus.OK and pgconn.transaction_status == pq.TransactionStatus.IDLE
        # Not idle between requests (a transaction left open, a query under way), or the
        # server said something (or closed) while the connection sat idle: ask the server.
        if not (idle and _CAN_POLL) or _socket_has_news(pgconn):
            return super().is_usable()
        return True


def _socket_has_news(pgconn) -> bool:
    """Whether anything waits on the connection's socket: data, the peer's close, an error."""
    try:
        # poll, not select: a worker may hold more than select's 1,024 descriptors. poll
        # reports an error, the peer's close and a closed descriptor without being asked.
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, psycopg.OperationalError):
        return True
