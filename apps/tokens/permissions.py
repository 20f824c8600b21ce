"""The token's scope, named in settings.REST_FRAMEWORK (so: no import of DRF's views here)."""

from rest_framework import permissions

from apps.tokens.models import ApiToken


class TokenScopePermission(permissions.BasePermission):
    """A read-only token may only read."""

    message = "This API token is read-only; writing needs a token with the write scope."

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in permissions.SAFE_METHODS:
            return token.can_write
        return True
