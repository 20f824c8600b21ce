"""How the OpenAPI schema describes session authentication (imported when the app is ready):
as Django's session cookie, which it is — the second factor is part of signing in."""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "apps.access.authentication.VerifiedSessionAuthentication"
