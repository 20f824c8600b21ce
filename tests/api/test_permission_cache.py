"""An API request reads its user's permissions from the cache, and never a stale copy of them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.tokens.services import api_token_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]


@pytest.fixture
def caseworker(desk):
    _record, token = api_token_create(user=desk.user, name="integration")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def permission_queries(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_the_second_request_reads_no_permission_table(caseworker):
    assert permission_queries(caseworker, "/api/v1/cases/")[0] == 200  # reads them once, caches them

    status, reads = permission_queries(caseworker, "/api/v1/cases/")

    assert (status, reads) == (200, [])


def test_a_group_taken_away_takes_effect_on_the_next_request(
    caseworker, desk, django_capture_on_commit_callbacks
):
    assert permission_queries(caseworker, "/api/v1/cases/")[0] == 200

    with django_capture_on_commit_callbacks(execute=True):
        desk.user.groups.clear()

    assert caseworker.get("/api/v1/cases/").status_code == 403


def test_a_permission_taken_from_the_group_takes_effect_on_the_next_request(
    caseworker, django_capture_on_commit_callbacks
):
    assert caseworker.get("/api/v1/individuals/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Group.objects.get(name="caseworker").permissions.remove(
            Permission.objects.get(codename="view_individual")
        )

    assert caseworker.get("/api/v1/individuals/").status_code == 403
    assert caseworker.get("/api/v1/cases/").status_code == 200
