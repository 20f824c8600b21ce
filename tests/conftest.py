import pytest
from rest_framework.test import APIClient

from tests.factories import SuperuserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: login-throttle counts must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
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
