"""The API throttle counts in the shared cache, so the limit holds across server processes.

Each gunicorn worker has its own cache client. Two clients created here from the same
settings stand for two workers: what one counts the other sees (the database cache's table or
Redis, whichever the run uses: TEST_CACHE=redis).
"""

import pytest
from django.core.cache import caches
from rest_framework.test import APIRequestFactory

from apps.tokens import throttling
from apps.tokens.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def two_workers_caches():
    return caches.create_connection("default"), caches.create_connection("default")


def test_two_cache_clients_share_counts():
    first, second = two_workers_caches()
    assert first is not second
    first.add("shared-count", 0, timeout=60)
    first.incr("shared-count")
    second.incr("shared-count")
    assert first.get("shared-count") == second.get("shared-count") == 2


def test_the_token_limit_holds_across_two_workers(settings, monkeypatch):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "4/hour"}}
    record, _token = api_token_create(user=UserFactory(), scope="read")
    request = APIRequestFactory().get("/api/v1/cases/")
    request.auth, request.user = record, record.user
    allowed = []
    for worker_cache in two_workers_caches() * 3:  # alternate between the two workers
        monkeypatch.setattr(throttling, "throttle_cache", lambda cache=worker_cache: cache)
        allowed.append(throttling.TokenRateThrottle().allow_request(request, view=None))
    assert allowed == [True, True, True, True, False, False]


def test_the_throttle_fails_open_when_the_cache_cannot_be_written(settings, monkeypatch, caplog):
    from django.db import OperationalError

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1/hour"}}
    record, _token = api_token_create(user=UserFactory(), scope="read")
    request = APIRequestFactory().get("/api/v1/cases/")
    request.auth, request.user = record, record.user

    class ReadOnlyCache:
        def get(self, *args, **kwargs):
            return None

        def add(self, *args, **kwargs):
            raise OperationalError("cannot execute INSERT in a read-only transaction")

        set = add

    monkeypatch.setattr(throttling, "throttle_cache", ReadOnlyCache)
    assert all(throttling.TokenRateThrottle().allow_request(request, view=None) for _ in range(3))
    assert "API throttle not counted" in caplog.text


def test_anonymous_clients_are_counted_by_the_address_behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = APIRequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert throttling.TokenRateThrottle().get_ident(request) == "203.0.113.9"


@pytest.mark.parametrize("throttled", [False, True])
def test_the_throttle_costs_a_pinned_number_of_queries_per_request(settings, throttled, django_assert_num_queries):
    """On the database cache the counter is a few queries of its own; on Redis none."""
    from django.conf import settings as current
    from rest_framework.test import APIClient

    if not throttled:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": None}}
    user = UserFactory(is_superuser=True, is_staff=True)
    _record, key = api_token_create(user=user, scope="read")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get("/api/v1/organizations/")  # the first request also creates the window's counter
    on_database = "DatabaseCache" in current.CACHES["default"]["BACKEND"]
    counter = 6 if (throttled and on_database) else 0
    with django_assert_num_queries(2 + counter):
        assert client.get("/api/v1/organizations/").status_code == 200


@pytest.fixture
def redis_cache():
    """A Redis cache of its own (TEST_REDIS_URL, as TEST_CACHE=redis uses), whatever the run's
    default cache is; its keys are removed afterwards."""
    import os
    import uuid

    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(
        os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        {"KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}"},
    )
    cache.location = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        cache.get("reachable")
    except Exception as exc:  # noqa: BLE001 - whatever the client raises for a server that is not there
        pytest.skip(f"no Redis server for the Redis throttle: {exc}")
    yield cache
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}*"))
    if keys:
        client.delete(*keys)


def test_on_redis_a_window_counts_in_one_counter_that_expires_with_the_window(redis_cache):
    counts = [throttling.redis_count(redis_cache, "window", timeout=120) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert redis_cache.get("window") == 3  # Django reads the counter it wrote
    ttl = redis_cache._cache.get_client().ttl(redis_cache.make_and_validate_key("window"))
    assert 110 <= ttl <= 120  # the expiry of the first count, kept by the later ones


def test_on_redis_the_count_goes_on_after_the_server_forgot_its_scripts(redis_cache):
    # A Redis restart (or SCRIPT FLUSH) empties its script cache: the count is sent again whole.
    assert throttling.redis_count(redis_cache, "flushed", timeout=120) == 1
    redis_cache._cache.get_client(write=True).script_flush()
    assert throttling.redis_count(redis_cache, "flushed", timeout=120) == 2
    assert redis_cache.get("flushed") == 2


def test_on_redis_the_token_limit_holds_across_two_workers(settings, monkeypatch, redis_cache):
    from django.core.cache.backends.redis import RedisCache

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "4/hour"}}
    record, _token = api_token_create(user=UserFactory(), scope="read")
    request = APIRequestFactory().get("/api/v1/cases/")
    request.auth, request.user = record, record.user
    # A second client of the same server and prefix stands for a second worker.
    other = RedisCache(redis_cache.location, {"KEY_PREFIX": redis_cache.key_prefix})
    allowed = []
    for worker_cache in (redis_cache, other) * 3:
        monkeypatch.setattr(throttling, "throttle_cache", lambda cache=worker_cache: cache)
        allowed.append(throttling.TokenRateThrottle().allow_request(request, view=None))
    assert allowed == [True, True, True, True, False, False]
