"""A kept PostgreSQL connection is checked by its socket first (apps/core/postgresql/base.py).

PostgreSQL only: the check is the PostgreSQL backend's. Each test opens its own connection to
the test database beside the test's own (which sits inside the test's transaction) and looks
at it from a third, through ``pg_stat_activity``: the server's own record of the last
statement each session ran.
"""

from __future__ import annotations

import select

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's health check"),
    pytest.mark.django_db,
]


@pytest.fixture
def kept():
    """A connection as a server process keeps it between requests, health checks on."""
    wrapper = connections.create_connection("default")
    wrapper.health_check_enabled = True
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


@pytest.fixture
def observer():
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    wrapper.connection.autocommit = True
    yield wrapper.connection
    wrapper.close()


def last_statement(observer, pid: int) -> str:
    return observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def run(kept, sql: str):
    with kept.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_an_idle_kept_connection_is_usable_without_a_statement_sent(kept, observer):
    pid = run(kept, "SELECT pg_backend_pid() /* before the check */")
    assert kept.is_usable()
    kept.health_check_done = False
    kept.close_if_health_check_failed()
    assert kept.connection is not None
    # The server saw nothing after the statement before: no SELECT 1.
    assert last_statement(observer, pid) == "SELECT pg_backend_pid() /* before the check */"
    assert run(kept, "SELECT pg_backend_pid()") == pid


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(kept, observer):
    pid = run(kept, "SELECT pg_backend_pid()")
    assert observer.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0] is True
    # The server's goodbye reaches the socket within moments; wait for it (bounded).
    poller = select.poll()
    poller.register(kept.connection.pgconn.socket, select.POLLIN | select.POLLHUP)
    assert poller.poll(5000), "the server's close never reached the socket"

    assert kept.is_usable() is False
    kept.health_check_done = False
    kept.close_if_health_check_failed()
    assert kept.connection is None
    # The request's first query connects afresh, to a new session.
    assert run(kept, "SELECT pg_backend_pid()") != pid


def test_a_connection_that_sent_something_idle_is_asked_with_select_1(kept, observer):
    pid = run(kept, "SELECT pg_backend_pid()")
    # A notice that arrives while the connection sits idle (as a LISTEN would): the socket is
    # readable though the session is alive, so the server is asked, and answers.
    kept.connection.execute("LISTEN casetracker_health_check_test")
    observer.execute("NOTIFY casetracker_health_check_test")
    poller = select.poll()
    poller.register(kept.connection.pgconn.socket, select.POLLIN)
    assert poller.poll(5000), "the notification never reached the socket"

    assert kept.is_usable() is True
    assert last_statement(observer, pid) == "SELECT 1"


def test_a_connection_inside_a_transaction_is_asked_with_select_1(kept, observer):
    pid = run(kept, "SELECT pg_backend_pid()")
    kept.connection.execute("BEGIN")
    try:
        assert kept.is_usable() is True
        assert last_statement(observer, pid) == "SELECT 1"
    finally:
        kept.connection.execute("ROLLBACK")


def test_a_closed_connection_is_not_usable(kept):
    kept.connection.close()
    assert kept.is_usable() is False


def test_every_configured_postgresql_database_uses_the_socket_first_check():
    for alias in connections:
        if connections[alias].vendor == "postgresql":
            assert connections.settings[alias]["ENGINE"] == "apps.core.postgresql"
            assert type(connections[alias]).__module__ == "apps.core.postgresql.base"
