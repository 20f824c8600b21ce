"""Rate limits per API token (or per user for browser sessions)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from apps.tokens.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Each token has its own budget, so one noisy integration cannot starve the others."""

    scope = "token"

    def get_rate(self):
        # Read at request time (not import time) so that settings overrides take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
