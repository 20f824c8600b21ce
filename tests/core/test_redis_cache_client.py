"""The Redis cache keeps one redis-py client per server (apps.core.cache).

Against the Redis this machine runs (127.0.0.1:6379, the test database 15), as CI's Redis
stage runs it; skipped in a run whose cache is the database's (TEST_CACHE unset).
"""

import pytest
from django.conf import settings
from django.core.cache import caches
from redis._parsers import _HiredisParser

from apps.core.cache import SharedClientRedisCache

pytestmark = pytest.mark.skipif(
    settings.CACHES["default"]["BACKEND"] != "apps.core.cache.SharedClientRedisCache",
    reason="the cache of this run is not Redis (TEST_CACHE=redis runs these)",
)


def test_every_operation_uses_the_same_client_and_pool():
    cache = caches.create_connection("default")
    assert isinstance(cache, SharedClientRedisCache)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
    cache.set("shared-client", 41, timeout=30)
    cache.incr("shared-client")
    assert cache.get_many(["shared-client"]) == {"shared-client": 42}
    assert cache._cache.get_client(write=True) is client
    assert list(cache._cache._pools) == [0]


def test_a_second_cache_object_has_its_own_client_on_the_same_server():
    first, second = caches.create_connection("default"), caches.create_connection("default")
    assert first._cache.get_client() is not second._cache.get_client()
    first.set("seen-by-both", "yes", timeout=30)
    assert second.get("seen-by-both") == "yes"


def test_replies_are_read_by_hiredis():
    # requirements.txt installs hiredis so that redis-py parses replies in C; were it missing
    # (or redis-py to stop using it), every request's two round trips would cost a fifth more.
    cache = caches.create_connection("default")
    cache.set("parsed-by", "hiredis", timeout=30)
    connection = cache._cache.get_client().connection_pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        cache._cache.get_client().connection_pool.release(connection)
    assert cache.get("parsed-by") == "hiredis"
