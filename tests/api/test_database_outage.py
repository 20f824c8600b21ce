"""PostgreSQL away, back, and read-only: what a real server process answers.

PostgreSQL only: the outage is made by a TCP proxy between a gunicorn process and the test
database, which the test cuts and restores; the read-only database by PostgreSQL's own
read-only transactions. SQLite has neither a server to lose nor a read-only mode per
connection.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from apps.tokens.services import api_token_create
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: a server to cut off and read-only transactions"
)


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL until cut; while cut, closes every connection."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.forwarding = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # the listener was closed
                return
            if not self.forwarding:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, destination: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        """Drop every open connection and refuse new ones, as a database that went away."""
        self.forwarding = False
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.sockets.clear()

    def restore(self) -> None:
        self.forwarding = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def get(url: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def server_behind_proxy(transactional_db):
    """gunicorn (one worker, gunicorn.conf.py) on a free port, its database through the proxy."""
    database = connection.settings_dict
    proxy = CuttableProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    user = database["USER"] or "postgres"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.live_settings",
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{proxy.port}/{database['NAME']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "casetracker.wsgi:application"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base, proxy
    finally:
        server.terminate()
        server.wait(timeout=10)
        proxy.close()


def test_the_database_down_gives_503_and_the_service_recovers_by_itself(server_behind_proxy):
    base, proxy = server_behind_proxy
    _record, token = api_token_create(user=SuperuserFactory(), scope="read")
    assert get(f"{base}/api/v1/cases/", token)[0] == 200
    assert get(f"{base}/readyz")[0] == 200

    proxy.cut()
    status, headers, body = get(f"{base}/api/v1/cases/", token)
    assert status == 503, body
    assert headers["Content-Type"] == "application/problem+json" and headers["Retry-After"] == "5"
    assert b"service-unavailable" in body
    assert get(f"{base}/readyz")[0] == 503
    assert get(f"{base}/healthz")[0] == 200  # the process itself is fine: no restart wanted

    proxy.restore()
    # The broken persistent connection is checked and replaced: no request fails after recovery.
    assert get(f"{base}/api/v1/cases/", token)[0] == 200
    assert get(f"{base}/readyz")[0] == 200


@pytest.fixture
def read_only_database(db):
    """From here on the test's transaction is read-only, as on a replica.

    ``SET TRANSACTION READ ONLY`` is what ``default_transaction_read_only = on`` gives every
    new transaction; the test's own transaction has begun already, so it is set on that one.
    """

    def switch():
        with connection.cursor() as cursor:
            # Foreign keys written so far are checked now, while writing is allowed; the
            # teardown's own check would otherwise need a write lock in a read-only transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET TRANSACTION READ ONLY")

    return switch


def test_a_read_only_database_serves_reads_and_token_use_fails_soft(api_client, kim, read_only_database, caplog):
    _record, token = api_token_create(user=SuperuserFactory(), scope="read")
    read_only_database()
    response = api_client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert "Could not record the use of API token" in caplog.text


def test_a_protected_read_that_cannot_be_logged_is_refused(api_client, kim, read_only_database):
    _record, token = api_token_create(user=SuperuserFactory(), scope="read")
    read_only_database()
    response = api_client.get(
        f"/api/v1/individuals/{kim['person'].public_id}/", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Secret Legal Name" not in response.content.decode()
