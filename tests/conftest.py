import pytest
from rest_framework.test import APIClient

from tests.factories import SuperuserFactory


@pytest.fixture(autouse=True)
def _empty_cache(request, django_db_blocker):
    """Each test starts with an empty cache: lock-out and throttle counts must not leak.

    With Redis (TEST_CACHE=redis) always. With the database cache (the default, a table in the
    test database) for the tests that use the database: the others cannot reach the cache at
    all. Cleared outside the test's transaction, whose rollback would otherwise bring back
    what a transactional test left.
    """
    from django.core.cache import cache, caches
    from django.core.cache.backends.db import DatabaseCache

    if isinstance(caches["default"], DatabaseCache) and not (
        "_django_db_helper" in request.fixturenames or request.node.get_closest_marker("django_db")
    ):
        yield
        return
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def superuser(db):
    return SuperuserFactory()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def api_client():
    return APIClient()
