"""The limit the API is measured against: a WSGI app that replays the project's own SQL.

For each path it knows, it runs the statements the project ran for that request (captured by
benchmarks/api.py as the same user, token and permission lookups included) on one psycopg
connection per worker and answers the rows as JSON with orjson. No ORM, no serializers, no
templates: what is left of a request when only the database work and JSON remain.

Served by gunicorn, like the project: ``gunicorn --chdir benchmarks raw_server:application``
with ``RAW_SERVER_PLAN`` naming the JSON file of {path: [sql, ...]} and ``RAW_SERVER_DSN`` the
database.
"""

from __future__ import annotations

import json
import os

import orjson
import psycopg

_plan: dict[str, list[str]] | None = None
_connection: psycopg.Connection | None = None


def _load() -> tuple[dict[str, list[str]], psycopg.Connection]:
    global _plan, _connection
    if _plan is None:
        with open(os.environ["RAW_SERVER_PLAN"], encoding="utf-8") as plan:
            _plan = json.load(plan)
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["RAW_SERVER_DSN"], autocommit=True)
    return _plan, _connection


def application(environ, start_response):
    """Replay the statements planned for this path (with its query string) and answer JSON."""
    plan, connection = _load()
    key = environ.get("PATH_INFO", "") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
    statements = plan.get(key)
    if statements is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail": "not planned"}']
    results = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql.encode("utf-8"))
            if cursor.description is not None:
                results.append(cursor.fetchall())
    body = orjson.dumps(results, default=str)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
