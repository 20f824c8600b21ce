"""/healthz and /readyz: no authentication, no data, JSON; /readyz checks what serving needs."""

import pytest
from django.db import OperationalError

from apps.core import health


def test_healthz_answers_without_touching_the_database(client, django_assert_max_num_queries):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz", HTTP_HOST="10.0.0.5")  # a probe's address, not in ALLOWED_HOSTS
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_database_migrations_and_cache(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_cannot_be_reached(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(health.cache, "get", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "cache": "failed"}


@pytest.mark.django_db
def test_readyz_is_503_with_unapplied_migrations(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("app", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failed"


@pytest.mark.django_db
def test_readyz_is_503_without_the_database(client, monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed", "migrations": "unknown", "cache": "ok"}


def test_the_probes_answer_only_reads(client):
    response = client.post("/readyz")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
