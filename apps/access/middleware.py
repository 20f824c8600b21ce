"""Keep a half-signed-in session (password given, code not yet) out of everything but the
second-factor pages (apps/access/two_factor.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from apps.access.two_factor import has_second_factor, second_factor_pending

# Paths such a session may still reach: the code and enrolment pages, signing out, static
# files, the health probes, the language switch. The API answers such a session as signed out
# (apps.access.authentication), so it needs no redirect.
OPEN_PREFIXES = ("/admin/two-factor/", "/admin/logout/", "/admin/login/", "/static/", "/healthz", "/readyz", "/i18n/", "/api/")


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: send a session that still owes its second factor to the
    page that asks for the code, or to enrolment if the account has no authenticator yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_PREFIXES) and second_factor_pending(request.user):
            name = "two_factor_verify" if has_second_factor(request.user) else "two_factor_enrol"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
