import datetime as dt
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.tokens.models import ApiToken
from apps.tokens.services import api_token_create, api_token_revoke
from tests.factories import OrganizationFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_ORGANIZATION = {"name": "Civic Assistance Committee", "kind": "ngo", "country": "RU"}


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_an_anonymous_request_gets_401_with_a_bearer_challenge():
    response = APIClient().get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:casetracker:problem:not-authenticated"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer a b"])
def test_it_rejects_unknown_or_malformed_tokens_with_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_a_revoked_token_stops_working():
    record, token = api_token_create(user=SuperuserFactory(), scope="read")
    assert bearer(token).get("/api/v1/cases/").status_code == 200
    api_token_revoke(token=record)
    assert bearer(token).get("/api/v1/cases/").status_code == 401


def test_an_expired_token_stops_working():
    record, token = api_token_create(
        user=SuperuserFactory(), scope="read", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(token).get("/api/v1/cases/").status_code == 401


def test_the_token_of_an_inactive_user_stops_working():
    user = SuperuserFactory()
    _record, token = api_token_create(user=user, scope="read")
    user.is_active = False
    user.save()
    assert bearer(token).get("/api/v1/cases/").status_code == 401


def test_a_read_only_token_reads_but_gets_403_on_writes():
    _record, token = api_token_create(user=SuperuserFactory(), scope="read")
    client = bearer(token)
    assert client.get("/api/v1/organizations/").status_code == 200
    response = client.post("/api/v1/organizations/", NEW_ORGANIZATION, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    organization = OrganizationFactory()
    assert client.delete(f"/api/v1/organizations/{organization.public_id}/").status_code == 403


def test_a_write_token_writes():
    _record, token = api_token_create(user=SuperuserFactory(), scope="write")
    response = bearer(token).post("/api/v1/organizations/", NEW_ORGANIZATION, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "Civic Assistance Committee"


def test_using_a_token_records_when_it_was_last_used():
    record, token = api_token_create(user=SuperuserFactory(), scope="read")
    assert record.last_used_at is None
    bearer(token).get("/api/v1/cases/")
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_django_model_permissions_apply_to_reads_and_writes(perms_client):
    nobody = perms_client()
    assert nobody.get("/api/v1/organizations/").status_code == 403
    reader = perms_client("people.view_organization")
    assert reader.get("/api/v1/organizations/").status_code == 200
    assert reader.post("/api/v1/organizations/", NEW_ORGANIZATION, format="json").status_code == 403
    writer = perms_client("people.view_organization", "people.add_organization")
    assert writer.post("/api/v1/organizations/", NEW_ORGANIZATION, format="json").status_code == 201


def test_a_write_token_cannot_do_more_than_its_user_may():
    user = UserFactory()  # staff, no model permissions
    _record, token = api_token_create(user=user, scope="write")
    assert bearer(token).post("/api/v1/organizations/", NEW_ORGANIZATION, format="json").status_code == 403


def test_session_login_works_for_admin_users(client):
    user = SuperuserFactory()
    client.force_login(user)
    assert client.get("/api/v1/cases/").status_code == 200


def test_requests_are_throttled_per_token(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/hour"}}
    user = SuperuserFactory()
    _first, token = api_token_create(user=user, scope="read")
    _second, other = api_token_create(user=user, scope="read")
    statuses = [bearer(token).get("/api/v1/cases/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = bearer(token).get("/api/v1/cases/")
    assert limited.json()["type"] == "urn:casetracker:problem:throttled"
    assert "Retry-After" in limited
    # Another token of the same user has its own budget.
    assert bearer(other).get("/api/v1/cases/").status_code == 200


def test_the_schema_and_docs_are_public_and_use_no_cdn():
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/cases/{reference}/timeline/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    # Every asset from this server (a random nonce in the page once contained "cdn", so the
    # check looks at the addresses, not at the text).
    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert assets and all(asset.startswith("/") and not asset.startswith("//") for asset in assets), assets
    assert "http://" not in html and "https://" not in html
