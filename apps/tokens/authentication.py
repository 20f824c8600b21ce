"""``Authorization: Bearer <token>`` for integrations."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from apps.core import permission_cache
from apps.tokens.services import api_token_authenticate


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Bearer <token>”."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The token contains invalid characters.")) from exc
        record = api_token_authenticate(token=token)
        if record is None:
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))
        permission_cache.prime(record.user)  # the permission checks that follow read no table
        return record.user, record

    def authenticate_header(self, request):
        # Its presence makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="api"'
