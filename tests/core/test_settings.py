"""The settings module is driven by the environment; each test starts a fresh interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'host': db.get('HOST'), 'hosts': s.ALLOWED_HOSTS, 'tz': s.USE_TZ}))"
)


def run_with(env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {
        "SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
    }}
    clean["DJANGO_SETTINGS_MODULE"] = "casetracker.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_with({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_without_a_documents_key_when_debug_is_off():
    result = run_with({"SECRET_KEY": "s" * 50, "DOCUMENTS_KEY": ""})
    assert result.returncode != 0
    assert "DOCUMENTS_KEY is not set" in result.stderr


def test_it_refuses_an_empty_secret_key_when_debug_is_off():
    result = run_with({"SECRET_KEY": "", "DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_set_and_sqlite_is_the_default_database():
    result = run_with({"SECRET_KEY": "a-real-secret-from-the-environment"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["tz"] is True
    assert values["hosts"] == []


def test_a_development_key_is_used_only_with_debug_on():
    result = run_with({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is True


def test_database_url_selects_postgresql_through_psycopg():
    result = run_with({
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://caseworker@db.internal:5432/casetracker",
        "ALLOWED_HOSTS": "cases.example.org, api.example.org",
    })
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    # Django's PostgreSQL backend with the socket-first health check (apps/core/postgresql).
    assert values["engine"] == "apps.core.postgresql"
    assert (values["name"], values["host"]) == ("casetracker", "db.internal")
    assert values["hosts"] == ["cases.example.org", "api.example.org"]


def test_manage_py_says_why_it_refuses_to_start():
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "manage.py: SECRET_KEY is not set. Set SECRET_KEY in the environment "
        "(or DEBUG=1 for local development only)."
    )
