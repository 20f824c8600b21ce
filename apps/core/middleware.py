"""A database that is down, unreachable or read-only gets a 503 answer, not a 500.

Such a failure is not the request's fault nor a bug: the client should retry shortly. The API
answers a problem (``application/problem+json``), the admin a plain page, both with
``Retry-After``. Once the database is back, Django's per-request connection check
(``close_old_connections``) drops the broken connection and the next request reconnects, so
the service recovers by itself.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.core.api.problems import PROBLEM_MEDIA_TYPE, problem

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLSTATE 25006, "read_only_sql_transaction": PostgreSQL refusing a write on a replica or
# with default_transaction_read_only (psycopg raises it as an InternalError).
READ_ONLY_SQLSTATE = "25006"


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot serve us now (down, busy or read-only)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DatabaseError):
        cause = exc.__cause__
        return getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE or "readonly database" in str(exc)
    return False


UNAVAILABLE_TEXT = gettext_noop(
    "The database cannot be reached for the moment. Nothing you sent was saved; "
    "go back and try again in a few seconds."
)


def database_unavailable_response(request) -> HttpResponse:
    """The 503 answer: problem details under /api/, a short page elsewhere."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            problem(503, _("The database is unavailable for the moment; retry shortly."), "service_unavailable"),
            status=503,
            content_type=PROBLEM_MEDIA_TYPE,
        )
    else:
        response = HttpResponse(
            f"<!doctype html><title>{_('Unavailable')}</title><h1>{_('Casetracker is unavailable')}</h1>"
            f"<p>{_(UNAVAILABLE_TEXT)}</p>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a view's database-unavailable error into the 503 answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        # A warning, not an error with a traceback: the outage is logged once per request, and
        # the cause (connection refused, read-only) is in the message.
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)
