"""Rate limits per API token (or per user for browser sessions), counted in the shared cache.

DRF's own throttle keeps a list of timestamps per client and writes it back whole: two
workers reading the list at once each add their request and one write is lost, and a limit
of 5000/hour means unpickling 5000 timestamps per request. Here a fixed window is one counter
per client and window. On Redis it is created with ``add`` and raised with ``incr``, a single
atomic ``INCR``, so the limit holds exactly across every worker. The database cache has no
atomic increment (its ``incr`` is a read and a write, after ``add`` has failed an insert), so
the counter is read and written directly: under a burst of simultaneous requests from one
client a few may be counted once, and the limit holds within that margin.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from apps.core.client_address import client_ip
from apps.tokens.models import ApiToken

logger = logging.getLogger(__name__)

try:  # Only installed deployments using Redis need the package; the database cache does not.
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = DatabaseError

# What a cache that cannot be written raises: a read-only database, Redis unreachable.
CACHE_ERRORS = (DatabaseError, RedisError, ConnectionError)

def throttle_cache():
    """The cache the counters live in: the default one, shared by every worker."""
    return caches["default"]


DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


# Creates the window's counter at 0 with its expiry if there is none, then raises it: run by
# Redis as one command, so nothing happens between the two and the expiry is always set.
_COUNT_IN_WINDOW = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
return redis.call('INCR', KEYS[1])
"""
_count_script = None  # redis-py's Script, made with the first client; it runs on any client


def redis_count(cache: RedisCache, key: str, *, timeout: int) -> int:
    """Count one request in the window's counter ``key`` on Redis and return the count.

    One round trip, atomic: a script creates the counter at 0 with its expiry when the window
    has none yet and raises it with ``INCR``, which keeps that expiry, so the window ends when
    it should. Django's ``add`` then ``incr`` took three round trips (``incr`` first asks
    whether the key exists) and failed if the counter expired between them; a ``MULTI``/``EXEC``
    of the two commands took one round trip too, but four replies to read: 224 µs of the
    client's CPU against the script's 174 µs (docs/performance.md). The value is Django's own
    encoding of an integer, so ``cache.get(key)`` reads the count.
    """
    # Django's cache API has no atomic "add or increment"; its client (``_cache``) hands out the
    # redis-py client for the write server. redis-py's Script runs the script by its digest
    # (EVALSHA) and sends its text again if the server has forgotten it (a restart, SCRIPT FLUSH).
    global _count_script
    client = cache._cache.get_client(write=True)
    if _count_script is None:
        _count_script = client.register_script(_COUNT_IN_WINDOW)
    return _count_script(keys=[cache.make_and_validate_key(key)], args=[timeout], client=client)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5000/hour"`` as (5000 requests, 3600 seconds); the unit by its first letter, as DRF."""
    count, _, period = rate.partition("/")
    return int(count), DURATIONS[period.strip()[0].lower()]


class TokenRateThrottle(BaseThrottle):
    """Each token has its own budget, so one noisy integration cannot starve the others."""

    scope = "token"

    def __init__(self):
        self.wait_seconds: float | None = None

    def get_rate(self) -> str | None:
        # Read at request time (not import time) so that settings overrides take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        # The same client address as the lock-out and the access log (TRUSTED_PROXY_COUNT).
        return client_ip(request) or "unknown"

    def client_key(self, request) -> str:
        """Whose budget the request spends: its token, its signed-in user, or its address."""
        if isinstance(request.auth, ApiToken):
            return f"token-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"anon-{self.get_ident(request)}"

    def allow_request(self, request, view) -> bool:
        rate = self.get_rate()
        if not rate:
            return True
        limit, duration = parse_rate(rate)
        now = time.time()
        window = int(now // duration)
        key = f"throttle:{self.scope}:{self.client_key(request)}:{window}"
        # Kept a little past the window's end, so a worker whose clock lags still finds it.
        timeout = int((window + 1) * duration - now) + 60
        cache = throttle_cache()
        try:
            if isinstance(cache, RedisCache):
                count = redis_count(cache, key, timeout=timeout)
            else:
                count = (cache.get(key) or 0) + 1
                cache.set(key, count, timeout=timeout)
        except CACHE_ERRORS as exc:
            # Counting only accompanies the request: with the cache unwritable (a read-only
            # database, Redis away) serve it unthrottled rather than refuse every client.
            logger.warning("API throttle not counted (cache unavailable): %s", exc)
            return True
        if count > limit:
            self.wait_seconds = (window + 1) * duration - now
            return False
        return True

    def wait(self) -> float | None:
        """Seconds until the window ends and requests are allowed again (for Retry-After)."""
        return self.wait_seconds
