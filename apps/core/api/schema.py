"""The OpenAPI schema class: every operation documents the problem responses it can return."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from apps.core.api.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from apps.core.api.problems import PROBLEM_MEDIA_TYPE, ProblemSerializer

ERROR_DESCRIPTIONS = {
    400: "Invalid request: each invalid field is listed in `errors`.",
    401: "No valid credentials: send `Authorization: Bearer <token>`.",
    403: "Authenticated, but the token's scope or the user's permissions do not allow this.",
    404: "No such record (or not visible to you), or an invalid page/cursor.",
    409: (
        "Refused because of stored data, e.g. deleting a source that is still quoted; or the "
        "first request with this `Idempotency-Key` is still being processed (retry shortly)."
    ),
    412: (
        "`If-Match` names another version: the record changed since you read it. The `ETag` "
        "header is the current version: GET the record, apply your change again, send that ETag."
    ),
    415: "The body must be JSON (`Content-Type: application/json`).",
    422: "This `Idempotency-Key` was already used for a different request (body or address).",
    428: "`If-Match` is missing: send the `ETag` of the version you read.",
    429: "Too many requests for this token; retry after the `Retry-After` seconds.",
}

EXPORT_FORMAT = OpenApiParameter(
    "format",
    {"type": "string", "enum": ["json", "csv", "xlsx"]},
    OpenApiParameter.QUERY,
    required=False,
    description=(
        "`csv` or `xlsx`: the whole list (every page, with these filters and this ordering) as a "
        "file, one row per record, nested fields as dotted columns, lists joined with `; `, and "
        "the record's `version`. CSV is streamed (UTF-8 with a byte order mark). An XLSX of more "
        "than `EXPORT_XLSX_SYNC_ROWS` rows (5000 by default) is made by a job: `202` with the job "
        "(`Location: /api/v1/jobs/{id}/`), whose `result` is the file. Each export is written to "
        "the access log. Another value is a `400` naming `format`."
    ),
)
# The 202 answer of a large XLSX export: the job (GET /api/v1/jobs/{id}/ documents it whole).
EXPORT_JOB_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "url": {"type": "string"},
        "kind": {"type": "string", "enum": ["list_export"]},
        "state": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
        "progress": {"type": "integer"},
    },
    "required": ["id", "url", "kind", "state"],
}


ETAG_DESCRIPTION = (
    'The record\'s version, `"<id>-<version>"`: send it back in `If-Match` to change or '
    "delete the record. The same for every viewer."
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "The `ETag` of the version you read (from its GET, or the answer to your last write). "
        "Missing: 428. Another version: 412, nothing is written."
    ),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    # A printable ASCII value of 1 to 255 characters (the schema states its length only).
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value (e.g. a UUID) per new request. A retry with the same key and the same "
        "body gets the first answer again and writes nothing; the same key with another body "
        "is a 422, and while the first request runs, a 409. Keys are per user, kept 24 hours."
    ),
)


class ProblemAutoSchema(AutoSchema):
    """Documents the problem-details responses each operation can really return, and the
    headers of versioned writes (ETag, If-Match) and safe retries (Idempotency-Key)."""

    def _is_versioned(self) -> bool:
        return hasattr(self.view, "check_if_match")

    def _is_conditional(self) -> bool:
        # PUT, PATCH and DELETE of the record the URL names (the views' update/destroy).
        return self._is_versioned() and self.method in ("PUT", "PATCH", "DELETE") and "{" in self.path

    def _has_etag(self) -> bool:
        if not self._is_versioned() or self.method == "DELETE":
            return False
        if self.method == "GET":
            return getattr(self.view, "action", None) == "retrieve"
        return self.method in ("PUT", "PATCH") or self._is_conditional() or self.method == "POST"

    def _is_export(self) -> bool:
        # The lists of apps.core.api.exports.ExportMixin (every list of records).
        return self.method == "GET" and hasattr(self.view, "export_formats") and self._is_list_view()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_export():
            parameters.append(EXPORT_FORMAT)
        if self._is_conditional():
            parameters.append(IF_MATCH)
        if self.method == "POST" and hasattr(self.view, "_idempotency_claim"):
            parameters.append(IDEMPOTENCY_KEY)
        if self._has_etag():
            parameters.append(
                OpenApiParameter(
                    "ETag", str, OpenApiParameter.HEADER, response=[200, 201], description=ETAG_DESCRIPTION
                )
            )
        if self.method == "POST" and self._is_versioned():
            parameters.append(
                OpenApiParameter(
                    "Location",
                    str,
                    OpenApiParameter.HEADER,
                    response=[201],
                    description="The address of the record created (absent for a proceeding's event).",
                )
            )
        if self._is_conditional():
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    str,
                    OpenApiParameter.HEADER,
                    response=[412],
                    description="The record's current version.",
                )
            )
        return parameters

    def _error_codes(self) -> list[int]:
        codes = [400, 401, 403, 429]
        if "{" in self.path or self._is_list_view():
            codes.append(404)  # a missing record, or a page/cursor past the end
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append(409)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        if self._is_conditional():
            codes += [412, 428]
        if self.method == "POST" and hasattr(self.view, "_idempotency_claim"):
            codes.append(422)
        return sorted(codes)

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
        if self._is_export() and "200" in responses:
            content = responses["200"].setdefault("content", {})
            content[CSV_MEDIA_TYPE] = {"schema": {"type": "string"}}
            content[XLSX_MEDIA_TYPE] = {"schema": {"type": "string", "format": "binary"}}
            responses["202"] = {
                "description": "A large XLSX export is being made by a job; GET its `url` until it succeeded.",
                "content": {"application/json": {"schema": EXPORT_JOB_SCHEMA}},
            }
        return responses
