"""``/healthz`` and ``/readyz``: for the load balancer, the orchestrator and the operator.

Both answer JSON without authentication and without data. ``/healthz`` says the process
answers (it touches no database: a liveness probe must not restart workers because the
database is down). ``/readyz`` says whether this process can serve: the database reachable,
every migration applied, the cache reachable; 503 when one is not.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATHS = {"/healthz", "/readyz"}
# Migrations do not un-apply themselves while a process runs: once all are applied, say so
# without loading the migration graph on every probe.
_migrations_applied = False


def _check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")
    _migrations_applied = True


def _check_cache() -> None:
    # A read reaches the cache's server (Redis or the table) without writing anything, so a
    # read-only database is still "ready" to serve reads.
    cache.get("readyz-probe")


CHECKS = {"database": _check_database, "migrations": _check_migrations, "cache": _check_cache}


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every readiness check; returns (all passed, {check: "ok" or "failed"})."""
    results = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results["database"] != "ok":
            # They cannot be read without the database; say so rather than fail twice.
            results[name] = "unknown"
            continue
        try:
            check()
        except Exception as exc:  # any failure of a probe means "not ready", whatever its kind
            logger.warning("Readiness check %s failed: %s", name, exc)
            results[name] = "failed"
        else:
            results[name] = "ok"
    return all(value == "ok" for value in results.values()), results


class HealthMiddleware:
    """Answers the two probe paths before any other middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in HEALTH_PATHS:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            response = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if request.path == "/healthz":
            response = JsonResponse({"status": "ok"})
        else:
            ready, checks = readiness()
            response = JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                                    status=200 if ready else 503)
            if not ready:
                response["Retry-After"] = "5"
        # A probe must see the present, never a cached answer.
        response["Cache-Control"] = "no-store"
        return response
