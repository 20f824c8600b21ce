"""Login throttling: refuse further password attempts after repeated failures.

Failures are counted in the cache per username and per client address, over a sliding
window (LOGIN_THROTTLE_WINDOW seconds). Once either count reaches LOGIN_THROTTLE_LIMIT, the
authentication backend refuses every attempt for that username or address — even with the
right password, so that guessing learns nothing — until the window has passed. A successful
login clears the username's count.

With several server processes, use a shared cache (database or memcached/redis) in
production, or each process keeps its own counts (see docs/deployment.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver


def _limit() -> int:
    return getattr(settings, "LOGIN_THROTTLE_LIMIT", 5)


def _window() -> int:
    return getattr(settings, "LOGIN_THROTTLE_WINDOW", 900)


def _key(kind: str, value: str) -> str:
    # Hashed: the cache must not become a list of usernames and addresses.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"login-throttle:{kind}:{digest}"


def _keys(username: str | None, request) -> list[str]:
    keys = []
    if username:
        keys.append(_key("user", username))
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if address:
        keys.append(_key("ip", address))
    return keys


def login_is_throttled(*, username: str | None, request=None) -> bool:
    """Whether attempts for ``username`` or from the request's address are refused for now."""
    return any((cache.get(key) or 0) >= _limit() for key in _keys(username, request))


def login_failure_count(*, username: str | None, request=None) -> None:
    """Count one failed attempt for the username and the address."""
    for key in _keys(username, request):
        # add() then incr() keeps the window fixed from the first failure and is atomic on
        # caches that support it (memcached, redis, database).
        cache.add(key, 0, timeout=_window())
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=_window())


def login_failures_clear(*, username: str | None) -> None:
    if username:
        cache.delete(_key("user", username))


class ThrottledModelBackend(ModelBackend):
    """Django's model backend, refusing attempts while the username or address is throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if login_is_throttled(username=username, request=request):
            from apps.access.models import AccessLog
            from apps.access.services import access_log_record

            access_log_record(
                user=None,
                action=AccessLog.Action.LOGIN_THROTTLED,
                detail={"username": (username or "")[:150]},
                request=request,
            )
            # PermissionDenied stops Django trying any other backend.
            raise PermissionDenied("Too many failed login attempts; try again later.")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


@receiver(user_login_failed, dispatch_uid="access-login-failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    username = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    if not login_is_throttled(username=username, request=request):
        login_failure_count(username=username, request=request)


@receiver(user_logged_in, dispatch_uid="access-login-succeeded")
def _clear_failures(sender, request, user, **kwargs):
    login_failures_clear(username=user.get_username())
