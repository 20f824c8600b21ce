"""The OpenAPI schema class: every operation documents the problem responses it can return."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from apps.core.api.problems import PROBLEM_MEDIA_TYPE, ProblemSerializer

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
