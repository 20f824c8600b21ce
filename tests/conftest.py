import pytest
from rest_framework.test import APIClient

from tests.factories import SuperuserFactory


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
