"""What every endpoint of the REST API shares.

- errors: one format everywhere, RFC 9457 problem details (``application/problem+json``);
- authorization: the token's scope, then Django's model permissions (view perms for reads);
- pagination: numbered pages for short lists, cursors for the lists that grow without limit;
- fields: partial dates (text in, object out) and public identifiers (UUIDs, never row ids);
- the OpenAPI schema class that documents the error responses of every operation.

The router itself lives in ``casetracker/api_urls.py``: it imports every app's views, which
import this module. The parser and permission classes named in ``REST_FRAMEWORK`` live in
``casetracker/api_policies.py`` (with the pagination classes), because DRF imports them while its own views module loads.
"""

from __future__ import annotations

from collections import defaultdict
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.views import defaults
from django_countries import countries
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from apps.access.api import HistoryMixin, ScopedChoicesMixin
from apps.access.scoping import check_can_write
from apps.core.partial_dates import PartialDate, Precision, parse_partial_date
from casetracker.api_policies import CursorPagination, PageNumberPagination  # noqa: F401 (re-exported)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:casetracker:problem:"


# -- errors ---------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    """The request is valid but the stored data forbid it (e.g. deleting a quoted source)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with stored data."
    default_code = "conflict"


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error response."""

    type = serializers.CharField(help_text="A URI naming the kind of problem, e.g. urn:casetracker:problem:conflict.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Only on 400: each invalid field (dotted path for nested fields, "
            "`non_field_errors` for the request as a whole) with the reasons."
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


def problem(status_code: int, detail: str, code: str, errors: dict | None = None) -> dict:
    body = {
        "type": PROBLEM_TYPE_PREFIX + code.replace("_", "-"),
        "title": HTTPStatus(status_code).phrase,
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
    if isinstance(exc, ProtectedError | RestrictedError):
        names = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects if hasattr(obj, "_meta")})
        exc = Conflict(f"It is still referred to by other records ({', '.join(names) or 'records'}).")
    elif isinstance(exc, DjangoValidationError):
        if getattr(exc, "code", None) == "protected":
            exc = Conflict(" ".join(exc.messages))
        else:
            exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, IntegrityError):
        # The database refused a write that validation let through (usually a race with
        # another writer): the client's data clash with what is stored, it is not our crash.
        exc = Conflict("The change conflicts with data stored in the meantime; reload and retry.")
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
        detail = "The request has invalid fields: " + ", ".join(errors) + "."
    elif isinstance(exc, exceptions.ParseError):
        detail = str(exc.detail)
        errors = {"non_field_errors": [detail]}
    elif isinstance(exc.detail, dict | list):
        detail = _first_message(exc.detail)
    else:
        detail = str(exc.detail)
    response.data = problem(response.status_code, detail, code, errors)
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


def _is_api_path(request) -> bool:
    return request.path.startswith("/api/")


def handler404(request, exception):
    if _is_api_path(request):
        return JsonResponse(
            problem(404, "Nothing is found at this address.", "not_found"),
            status=404,
            content_type=PROBLEM_MEDIA_TYPE,
        )
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _is_api_path(request):
        return JsonResponse(
            problem(500, "The server failed; the error has been logged.", "server_error"),
            status=500,
            content_type=PROBLEM_MEDIA_TYPE,
        )
    return defaults.server_error(request)


# -- fields ---------------------------------------------------------------------------------

# ISO 3166 codes and names, one enum in the schema for every country field.
COUNTRY_CHOICES = list(countries)



class PartialDateField(serializers.Field):
    """A partial date: written as text ("spring 2013"), read as an object with both forms.

    ``{"value": "2013-spring", "display": "spring 2013", "start": "2013-03-01",
    "end": "2013-05-31", "precision": "season", "approximate": false}``. An object with a
    ``value`` key is also accepted, so what a client read can be sent back unchanged.
    """

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data):
        if isinstance(data, dict) and "value" in data:
            data = data["value"]
        if not isinstance(data, str):
            self.fail("invalid", message="Write the date as text, e.g. 1997, spring 2013 or 14 Nov 2014.")
        try:
            return parse_partial_date(data)
        except DjangoValidationError as exc:
            self.fail("invalid", message=" ".join(exc.messages))

    def to_representation(self, value: PartialDate):
        return partial_date_json(value)


def partial_date_json(value: PartialDate | None) -> dict | None:
    if value is None:
        return None
    return {
        "value": value.isoformat(),
        "display": str(value),
        "start": value.start.isoformat(),
        "end": value.end.isoformat(),
        "precision": value.precision,
        "approximate": value.approximate,
    }


PARTIAL_DATE_OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "value": {"type": "string", "description": "Machine form: 1997, 2013-spring, 2016-01, 2014-11-14, ~1980."},
        "display": {"type": "string", "description": "As people write it: spring 2013, c. 1980."},
        "start": {"type": "string", "format": "date", "description": "First day of the period."},
        "end": {"type": "string", "format": "date", "description": "Last day of the period."},
        "precision": {"type": "string", "enum": list(Precision.values)},
        "approximate": {"type": "boolean"},
    },
    "required": ["value", "display", "start", "end", "precision", "approximate"],
}


class PartialDateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "casetracker.api.PartialDateField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {
                "type": "string",
                "description": (
                    "A partial date as text: 1997, spring 2013, 2013-spring, January 2016, 2016-01, "
                    "14 Nov 2014, 2014-11-14; prefix c. or ~ when approximate."
                ),
                "example": "spring 2013",
            }
        return dict(PARTIAL_DATE_OUTPUT_SCHEMA)


class PublicIdField(ScopedChoicesMixin, serializers.SlugRelatedField):
    """A related record named by its public UUID (never by its row id).

    Writable choices are the records the user may write to (apps.access.scoping): another
    organization's record is "does not exist" here as on its detail URL.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "public_id")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:
            # Not a UUID at all: the same answer as a UUID that names nothing.
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)


class PublicIdFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "casetracker.api.PublicIdField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "uuid"}


# -- views ------------------------------------------------------------------------------------


class PublicIdViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Records addressed by their public UUID: /api/v1/<resource>/<uuid>/, and its /history/."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS:
            # Visible is not writable: a case shared with a partner is theirs to read only.
            check_can_write(self.request.user, obj)
        return obj


# -- writes without a dedicated service -------------------------------------------------------


@transaction.atomic
# -- OpenAPI ----------------------------------------------------------------------------------


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.tokens.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "`manage.py create_api_token USERNAME --scope read|write` prints a token.",
        }


ERROR_DESCRIPTIONS = {
    400: "Invalid request: each invalid field is listed in `errors`.",
    401: "No valid credentials: send `Authorization: Bearer <token>`.",
    403: "Authenticated, but the token's scope or the user's permissions do not allow this.",
    404: "No such record (or not visible to you), or an invalid page/cursor.",
    409: "Refused because of stored data, e.g. deleting a source that is still quoted.",
    415: "The body must be JSON (`Content-Type: application/json`).",
    429: "Too many requests for this token; retry after the `Retry-After` seconds.",
}


class ProblemAutoSchema(AutoSchema):
    """Documents the problem-details responses each operation can really return."""

    def _error_codes(self) -> list[int]:
        codes = [400, 401, 403, 429]
        if "{" in self.path or self._is_list_view():
            codes.append(404)  # a missing record, or a page/cursor past the end
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append(409)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(response=ProblemSerializer, description=ERROR_DESCRIPTIONS[code]),
                    str(code),
                    [PROBLEM_MEDIA_TYPE],
                    direction,
                )
        return responses

