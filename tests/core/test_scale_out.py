"""Scale-out settings: sessions in Redis, the optional replica and pool, static files by WhiteNoise.

Each settings test starts a fresh interpreter with the environment an operator would set.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'session': s.SESSION_ENGINE, 'routers': s.DATABASE_ROUTERS, "
    "'databases': {k: {'host': v.get('HOST'), 'name': v.get('NAME'), 'age': v.get('CONN_MAX_AGE'), "
    "'pool': v.get('OPTIONS', {}).get('pool'), 'mirror': v.get('TEST', {}).get('MIRROR')} "
    "for k, v in s.DATABASES.items()}}))"
)


def run_with(env: dict, code: str = PRINT) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_URL", "DJANGO_"))}
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "casetracker.settings", "SECRET_KEY": "x", "SALT_KEY": "y", **env}
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def values(env: dict) -> dict:
    result = run_with(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sessions_live_in_the_shared_cache_and_the_database_when_redis_is_set():
    assert (
        values({"REDIS_URL": "redis://127.0.0.1:6379/13"})["session"]
        == "django.contrib.sessions.backends.cached_db"
    )
    assert values({})["session"] == "django.contrib.sessions.backends.db"


def test_a_replica_url_adds_the_replica_and_its_router():
    found = values(
        {
            "DATABASE_URL": "postgres://app@primary:5432/ct",
            "DATABASE_REPLICA_URL": "postgres://app@replica:5432/ct",
        }
    )
    assert found["routers"] == ["apps.core.db_router.PrimaryReplicaRouter"]
    assert found["databases"]["replica"]["host"] == "replica"
    assert found["databases"]["replica"]["mirror"] == "default"
    assert values({"DATABASE_URL": "postgres://app@primary:5432/ct"})["routers"] == []


def test_database_pool_turns_on_psycopgs_pool_for_every_database():
    found = values(
        {
            "DATABASE_URL": "postgres://app@primary:5432/ct",
            "DATABASE_REPLICA_URL": "postgres://app@replica:5432/ct",
            "DATABASE_POOL": "3:12",
        }
    )
    for alias in ("default", "replica"):
        assert found["databases"][alias]["pool"] == {"min_size": 3, "max_size": 12, "timeout": 10.0}
        assert found["databases"][alias]["age"] == 0
    assert (
        values({"DATABASE_URL": "postgres://app@h/ct", "DATABASE_POOL": "1"})["databases"]["default"]["pool"][
            "max_size"
        ]
        == 8
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_POOL": "1"}, "DATABASE_POOL works with PostgreSQL only"),
        ({"DATABASE_URL": "postgres://app@h/ct", "DATABASE_POOL": "many"}, "DATABASE_POOL is 1 or min:max"),
    ],
)
def test_database_pool_refuses_what_it_cannot_do(env, message):
    result = run_with(env)
    assert result.returncode != 0 and message in result.stderr


@pytest.mark.django_db
def test_a_pooled_server_process_reaches_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's pool is for PostgreSQL (DATABASE_URL=postgres://…)")
    params = connection.settings_dict
    url = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
    code = (
        "import django; django.setup(); from django.db import connection; "
        "[connection.cursor().execute('SELECT 1') or connection.close() for _ in range(5)]; "
        "print(type(connection.pool).__name__, connection.pool.get_stats()['pool_max'])"
    )
    result = run_with({"DATABASE_URL": url, "DATABASE_POOL": "1:2"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ConnectionPool", "2"]


def test_whitenoise_serves_the_static_files_itself(client):
    # Finders stand in for the collected folder the image has (Dockerfile: collectstatic).
    with override_settings(WHITENOISE_USE_FINDERS=True):
        response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert type(response).__module__.startswith("whitenoise")
    assert b"".join(response.streaming_content).startswith(b"/*")
