"""Lock-out and throttles hold across the shipped three gunicorn workers, and behind a proxy.

A real gunicorn with three worker processes serves the test database; every request comes on a
new connection, so the workers share the work. Counts that lived in each worker's memory would
let 3 × the limit through; in the shared cache they hold. PostgreSQL only: the SQLite test
database lives in this process's memory, where a server cannot reach it.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from apps.tokens.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def gunicorn():
    """Three workers on a free port of 127.0.0.1, serving the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database is in this process's memory: no server can share it")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings_dict = connection.settings_dict
    url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
           f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.multiprocess.server_settings",
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "casetracker.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--config", "/dev/null", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    time.sleep(1)  # all three workers booted, not just the first
    yield port
    process.terminate()
    process.wait(timeout=10)


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
    response = conn.getresponse()
    content = response.read().decode("utf-8", "replace")
    conn.close()
    return response, content


def login(port, username, password, forwarded_for="198.51.100.7"):
    response, page = request(port, "GET", "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"})
    return request(port, "POST", "/admin/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}",
        "X-Forwarded-For": forwarded_for,
    })


def test_five_wrong_passwords_lock_the_account_across_three_workers(gunicorn):
    user = UserFactory(is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    statuses = [login(gunicorn, user.username, "wrong")[0].status for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure is told it locked the account
    response, page = login(gunicorn, user.username, PASSWORD)
    assert response.status == 429 and "Sign-in is locked" in page


def test_the_token_limit_holds_across_three_workers(gunicorn):
    _record, key = api_token_create(user=UserFactory(is_superuser=True, is_staff=True), scope="read")
    statuses = [
        request(gunicorn, "GET", "/api/v1/organizations/", headers={"Authorization": f"Bearer {key}"})[0].status
        for _ in range(7)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429, 429]


def test_behind_the_proxy_one_client_guessing_locks_itself_out_not_everyone(gunicorn):
    user = UserFactory(is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    # One client (as the proxy reports it) tries five usernames: its address is locked ...
    guesses = [login(gunicorn, f"guess{n}", "wrong", forwarded_for="203.0.113.9")[0].status for n in range(5)]
    assert guesses[-1] == 429
    assert login(gunicorn, user.username, PASSWORD, forwarded_for="203.0.113.9")[0].status == 429
    # ... while another client behind the same proxy signs in.
    response, _page = login(gunicorn, user.username, PASSWORD, forwarded_for="198.51.100.8")
    assert response.status == 302
