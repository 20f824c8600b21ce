"""Errors as RFC 9457 problem details, from DRF's exceptions and Django's own."""

from __future__ import annotations

import sys
from collections import defaultdict
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:casetracker:problem:"


class Conflict(exceptions.APIException):
    """The request is valid but the stored data forbid it (e.g. deleting a quoted source)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with stored data.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    """A body over one of the request limits (settings.DATA_UPLOAD_MAX_*)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is over the limit.")
    default_code = "too_large"


# Django raises these while reading a body, whatever its content type; left to Django they
# are an HTML 400 page.
BODY_LIMIT_ERRORS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _body_limit_detail(exc) -> str:
    # Numbers as the reader's language writes them ("5,242,880" in English, "5 242 880" in Russian).
    if isinstance(exc, RequestDataTooBig):
        return _("The request body is over the limit of %(size)s bytes.") % {
            "size": number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, force_grouping=True)
        }
    if isinstance(exc, TooManyFilesSent):
        return _("The request has more than %(count)s files.") % {
            "count": number_format(settings.DATA_UPLOAD_MAX_NUMBER_FILES, force_grouping=True)
        }
    return _("The request has more than %(count)s fields.") % {
        "count": number_format(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, force_grouping=True)
    }
class PreconditionRequired(exceptions.APIException):
    """A write to a record without ``If-Match`` (RFC 6585): it could overwrite unseen changes."""

    status_code = 428
    default_detail = gettext_lazy("Send If-Match with the record's ETag.")
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    """``If-Match`` names another version than the stored one; ``etag`` is the current one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The record changed since you read it.")
    default_code = "precondition_failed"

    def __init__(self, detail=None, *, etag: str | None = None):
        super().__init__(detail)
        self.etag = etag


class IdempotencyKeyReused(exceptions.APIException):
    """An ``Idempotency-Key`` sent again with another request (the httpapi draft's 422)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy("This Idempotency-Key was used for another request.")
    default_code = "idempotency_key_reused"


class IdempotencyKeyInFlight(exceptions.APIException):
    """The first request with this ``Idempotency-Key`` is still being processed (the draft's 409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("A request with this Idempotency-Key is still being processed.")
    default_code = "idempotency_key_in_flight"


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error response."""

    type = serializers.CharField(help_text=gettext_lazy("A URI naming the kind of problem, e.g. urn:casetracker:problem:conflict."))
    title = serializers.CharField(help_text=gettext_lazy("The HTTP status phrase."))
    status = serializers.IntegerField(help_text=gettext_lazy("The HTTP status code."))
    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, for a person to read."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            gettext_lazy("Only on 400: each invalid field (dotted path for nested fields, "
            "`non_field_errors` for the request as a whole) with the reasons.")
        ),
    )


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"field.0.sub": ["reason", …]}."""
    flat: dict[str, list[str]] = defaultdict(list)

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list | tuple):
            if all(not isinstance(item, dict | list | tuple) for item in node):
                flat[path or "non_field_errors"].extend(str(item) for item in node)
            else:
                for index, item in enumerate(node):
                    if item:
                        walk(item, f"{path}.{index}" if path else str(index))
        else:
            flat[path or "non_field_errors"].append(str(node))

    walk(detail, prefix)
    return dict(flat)


# The status phrases the API answers with, for the translation catalogue: a problem's title is
# the phrase in the reader's language (its ``type`` is what a program should compare).
STATUS_PHRASES = (
    gettext_noop("Bad Request"), gettext_noop("Unauthorized"), gettext_noop("Forbidden"),
    gettext_noop("Not Found"), gettext_noop("Method Not Allowed"), gettext_noop("Not Acceptable"),
    gettext_noop("Conflict"), gettext_noop("Precondition Failed"),
    gettext_noop("Request Entity Too Large"), gettext_noop("Content Too Large"),
    gettext_noop("Unsupported Media Type"), gettext_noop("Unprocessable Content"),
    gettext_noop("Unprocessable Entity"), gettext_noop("Precondition Required"),
    gettext_noop("Too Many Requests"), gettext_noop("Internal Server Error"),
    gettext_noop("Service Unavailable"),
)  # fmt: skip


def problem(status_code: int, detail: str, code: str, errors: dict | None = None) -> dict:
    body = {
        "type": PROBLEM_TYPE_PREFIX + code.replace("_", "-"),
        "title": _(HTTPStatus(status_code).phrase),
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def _first_message(detail) -> str:
    flat = flatten_errors(detail)
    for messages in flat.values():
        if messages:
            return messages[0]
    return ""


def problem_exception_handler(exc, context):
    """DRF's exception handler, extended to Django's own exceptions and shaped as problem details."""
    if isinstance(exc, BODY_LIMIT_ERRORS):
        exc = PayloadTooLarge(_body_limit_detail(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        names = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects if hasattr(obj, "_meta")})
        exc = Conflict(
            _("It is still referred to by other records (%(names)s).") % {"names": ", ".join(names) or _("records")}
        )
    elif isinstance(exc, DjangoValidationError):
        if getattr(exc, "code", None) == "protected":
            exc = Conflict(" ".join(exc.messages))
        else:
            exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, IntegrityError):
        # The database refused a write that validation let through (usually a race with
        # another writer): the client's data clash with what is stored, it is not our crash.
        exc = Conflict(_("The change conflicts with data stored in the meantime; reload and retry."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    code = getattr(exc, "default_code", "error")
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        code = "validation_error"
        errors = flatten_errors(exc.detail)
        detail = _("The request has invalid fields: %(fields)s.") % {"fields": ", ".join(errors)}
    elif isinstance(exc, exceptions.ParseError):
        detail = str(exc.detail)
        errors = {"non_field_errors": [detail]}
    elif isinstance(exc.detail, dict | list):
        detail = _first_message(exc.detail)
    else:
        detail = str(exc.detail)
    response.data = problem(response.status_code, detail, code, errors)
    response.content_type = PROBLEM_MEDIA_TYPE
    if getattr(exc, "etag", None):
        response["ETag"] = exc.etag  # a 412 says which version is current
    return response


def _is_api_path(request) -> bool:
    return request.path.startswith("/api/")


def handler400(request, exception):
    """A body over a limit read outside DRF (a middleware reading the form) is a 413 problem too."""
    if _is_api_path(request):
        if isinstance(exception, BODY_LIMIT_ERRORS):
            return JsonResponse(
                problem(413, _body_limit_detail(exception), "too_large"), status=413, content_type=PROBLEM_MEDIA_TYPE
            )
        return JsonResponse(
            problem(400, _("The request could not be read."), "bad_request"), status=400, content_type=PROBLEM_MEDIA_TYPE
        )
    return defaults.bad_request(request, exception)


def handler404(request, exception):
    if _is_api_path(request):
        return JsonResponse(
            problem(404, _("Nothing is found at this address."), "not_found"),
            status=404,
            content_type=PROBLEM_MEDIA_TYPE,
        )
    return defaults.page_not_found(request, exception)


def handler500(request):
    # Django calls this inside its except block. A database failure outside a view (a session
    # saved by its middleware, say) reaches here rather than DatabaseUnavailableMiddleware.
    from apps.core.middleware import database_unavailable_response, is_database_unavailable

    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return database_unavailable_response(request)
    if _is_api_path(request):
        return JsonResponse(
            problem(500, _("The server failed; the error has been logged."), "server_error"),
            status=500,
            content_type=PROBLEM_MEDIA_TYPE,
        )
    return defaults.server_error(request)
