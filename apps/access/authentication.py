"""The API's session authentication, aware of the second factor."""

from rest_framework.authentication import SessionAuthentication

from apps.access.two_factor import second_factor_pending
from apps.core import permission_cache


class VerifiedSessionAuthentication(SessionAuthentication):
    """Django's session, but a session that still owes its second factor counts as signed out:
    the admin sign-in is the only way to a session, and it is not finished until the code."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_pending(request._request.user):
            return None
        if result is not None:
            permission_cache.prime(result[0])  # the permission checks that follow read no table
        return result
