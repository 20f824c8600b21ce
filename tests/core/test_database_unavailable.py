"""The database down or read-only: 503 answers with Retry-After, never a 500."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError

from apps.tokens.services import api_token_create
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every token lookup fails as it does when PostgreSQL has gone away."""
    from apps.tokens import authentication

    def down(*, token):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr(authentication, "api_token_authenticate", down)


def test_an_api_request_gets_a_503_problem_with_retry_after(api_client, database_down):
    response = api_client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer ct_whatever")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json()["type"] == "urn:casetracker:problem:service-unavailable"


def test_the_admin_gets_a_plain_503_page(client, monkeypatch):
    from django.contrib.admin import sites

    def down(self, request):
        raise InterfaceError("connection already closed")

    # Called on every admin request (the views themselves are bound when the URLs are built).
    monkeypatch.setattr(sites.AdminSite, "has_permission", down)
    client.force_login(SuperuserFactory())
    response = client.get("/admin/auth/user/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert b"Casetracker is unavailable" in response.content


def test_other_database_errors_stay_errors(api_client, monkeypatch):
    from django.db import ProgrammingError

    from apps.core.middleware import is_database_unavailable

    assert not is_database_unavailable(ProgrammingError("syntax error"))
    assert is_database_unavailable(OperationalError("database is locked"))


def test_token_use_is_recorded_at_most_once_a_minute_and_fails_soft(api_client, monkeypatch, caplog):
    from django.db.models import QuerySet

    _record, token = api_token_create(user=SuperuserFactory(), scope="read")

    def read_only(self, **kwargs):
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(QuerySet, "update", read_only)
    response = api_client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert "Could not record the use of API token" in caplog.text


def settings_with(database_url: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_gives_up_connecting_after_2_seconds():
    assert settings_with("postgres://u@127.0.0.1:5432/x")["connect_timeout"] == 2


def test_sqlite_waits_for_the_write_lock_in_wal_mode():
    options = settings_with("sqlite:////tmp/casetracker-settings-test.sqlite3")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert "PRAGMA synchronous=NORMAL" in options["init_command"]
