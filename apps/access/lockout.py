"""Login lock-out, by django-axes: the parts that are ours.

Axes counts failed sign-ins in the shared cache (the database cache, or Redis when
``REDIS_URL`` is set), per username and per client address, so every server process sees the
same counts. After ``LOGIN_THROTTLE_LIMIT`` failures either one is locked for
``LOGIN_THROTTLE_WINDOW`` seconds — even with the right password, so that guessing learns
nothing. An unknown username is counted and locked exactly like a real one, and the lock-out
page is the same, so it does not tell which accounts exist.
"""

from __future__ import annotations

import math

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.access.models import AccessLog
from apps.access.services import access_log_record


def lockout_username(request, credentials: dict | None) -> str | None:
    """The username as axes counts it: trimmed and lower-cased, so `KimWorker` is `kimworker`."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field)
    if username is None and request is not None:
        username = request.POST.get(field)
    if not username:
        return None
    return str(username).strip().lower()[:150]


def lockout_minutes() -> int:
    """How long a lock-out lasts, in whole minutes (rounded up), as the page tells it."""
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: what happened and for how long, status 429."""
    context = {
        "title": _("Sign-in locked"),
        # The same bytes for every locked-out attempt (a form would carry a fresh CSRF token).
        "hide_language_switch": True,
        "minutes": lockout_minutes(),
        "site_header": "Casetracker",
        "site_title": "Casetracker",
    }
    return render(request, "access/locked_out.html", context, status=429)


@receiver(user_locked_out, dispatch_uid="access-login-locked-out")
def _log_lockout(sender, request, username=None, ip_address=None, **kwargs):
    # Sent on the failure that reaches the limit and on every attempt while locked: the
    # access log shows each refused sign-in, as it did before axes.
    access_log_record(
        user=None,
        action=AccessLog.Action.LOGIN_THROTTLED,
        detail={"username": (username or "")[:150]},
        request=request,
    )
