"""/api/v1/webhooks/: scoped to the user's organizations, their role's permissions, secrets shown once."""

import pytest
from rest_framework.test import APIClient

from apps.webhooks import signing
from apps.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.factories import OrganizationFactory, WebhookDeliveryFactory, WebhookSubscriptionFactory
from tests.webhooks.conftest import member

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def integration(organization):
    return member(organization, "integration")


def test_an_integration_subscribes_and_sees_the_secret_only_in_the_answer(
    organization, integration, receiver
):
    api = _api(integration)
    response = api.post(
        URL,
        {
            "organization": str(organization.public_id),
            "url": receiver.url,
            "events": ["case.changed", "case.created"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret == body["secret"]
    assert body["events"] == ["case.created", "case.changed"]  # the events' own order
    assert (body["created_by"], body["active"], body["version"]) == (integration.username, True, 1)
    detail = api.get(f"{URL}{body['id']}/").json()
    listed = api.get(URL).json()["results"]
    assert "secret" not in detail and all("secret" not in row for row in listed)


def test_the_secret_is_stored_encrypted(organization, integration, receiver):
    from django.db import connection

    _api(integration).post(
        URL,
        {"organization": str(organization.public_id), "url": receiver.url, "events": ["case.changed"]},
        format="json",
    )
    subscription = WebhookSubscription.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhooksubscription")
        (stored,) = cursor.fetchone()
    assert stored != subscription.secret and "whsec_" not in stored


def test_an_internal_address_is_refused_on_url_as_a_problem(organization, integration):
    response = _api(integration).post(
        URL,
        {
            "organization": str(organization.public_id),
            "url": "http://10.0.0.5/hook",
            "events": ["case.changed"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert list(response.json()["errors"]) == ["url"]
    assert "private, loopback or reserved network" in response.json()["errors"]["url"][0]
    assert not WebhookSubscription.objects.exists()


def test_an_unknown_event_is_refused_on_events(organization, integration, receiver):
    response = _api(integration).post(
        URL,
        {"organization": str(organization.public_id), "url": receiver.url, "events": ["case.deleted"]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["events.0"] or list(response.json()["errors"]) == ["events"]


def test_a_subscription_goes_only_into_ones_own_organization(integration, receiver):
    other = OrganizationFactory(name="Elsewhere")
    response = _api(integration).post(
        URL,
        {"organization": str(other.public_id), "url": receiver.url, "events": ["case.changed"]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organization"]


def test_another_organizations_subscriptions_are_not_found(organization, integration):
    mine = WebhookSubscriptionFactory(organization=organization)
    theirs = WebhookSubscriptionFactory(organization=OrganizationFactory(name="Elsewhere"))
    WebhookDeliveryFactory(subscription=theirs)
    api = _api(integration)
    assert [row["id"] for row in api.get(URL).json()["results"]] == [str(mine.public_id)]
    assert api.get(f"{URL}{theirs.public_id}/").status_code == 404
    assert api.get(f"{URL}{theirs.public_id}/deliveries/").status_code == 404
    assert api.post(f"{URL}{theirs.public_id}/ping/").status_code == 404
    assert api.post(f"{URL}{theirs.public_id}/rotate-secret/").status_code == 404


def test_a_caseworker_sees_subscriptions_but_cannot_make_change_or_ping_them(organization, receiver):
    subscription = WebhookSubscriptionFactory(organization=organization)
    api = _api(member(organization, "caseworker"))
    assert api.get(URL).status_code == 200
    assert (
        api.post(
            URL,
            {"organization": str(organization.public_id), "url": receiver.url, "events": ["case.changed"]},
            format="json",
        ).status_code
        == 403
    )
    assert api.post(f"{URL}{subscription.public_id}/ping/").status_code == 403
    assert api.post(f"{URL}{subscription.public_id}/rotate-secret/").status_code == 403
    assert not WebhookDelivery.objects.exists()


def test_a_legal_partner_sees_no_webhooks(organization):
    WebhookSubscriptionFactory(organization=organization)
    assert _api(member(organization, "legal partner")).get(URL).status_code == 403


def test_a_change_needs_the_version_and_goes_through_the_service(organization, integration):
    subscription = WebhookSubscriptionFactory(organization=organization)
    api = _api(integration)
    etag = api.get(f"{URL}{subscription.public_id}/")["ETag"]
    response = api.patch(
        f"{URL}{subscription.public_id}/",
        {"events": ["deadline.missed"], "active": False},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    subscription.refresh_from_db()
    assert (subscription.events, subscription.active, subscription.version) == (["deadline.missed"], False, 2)
    refused = api.patch(
        f"{URL}{subscription.public_id}/",
        {"url": "http://[::1]/x"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["url"]
    subscription.refresh_from_db()
    assert subscription.url.startswith("https://hooks.example.org/")


def test_the_secret_rotates_and_signs_from_then_on(organization, integration):
    subscription = WebhookSubscriptionFactory(organization=organization)
    old = subscription.secret
    response = _api(integration).post(f"{URL}{subscription.public_id}/rotate-secret/")
    assert response.status_code == 200
    new = response.json()["secret"]
    subscription.refresh_from_db()
    assert new.startswith("whsec_") and new != old and subscription.secret == new
    headers = signing.headers(secret=subscription.secret, msg_id="msg", body=b"{}")
    signing.verify(secret=new, headers=headers, body=b"{}")
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(secret=old, headers=headers, body=b"{}")


def test_ping_queues_a_test_delivery(organization, integration, django_capture_on_commit_callbacks):
    subscription = WebhookSubscriptionFactory(organization=organization, events=["deadline.missed"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = _api(integration).post(f"{URL}{subscription.public_id}/ping/")
    assert response.status_code == 202
    assert len(callbacks) == 1  # the job, handed over once the request commits
    delivery = WebhookDelivery.objects.get()
    assert (response.json()["id"], delivery.event, delivery.state) == (
        str(delivery.public_id),
        "webhook.ping",
        "pending",
    )
    assert delivery.payload["data"]["id"] == str(subscription.public_id)


def test_the_delivery_log_lists_the_subscriptions_deliveries_newest_first(organization, integration):
    subscription = WebhookSubscriptionFactory(organization=organization)
    older = WebhookDeliveryFactory(subscription=subscription)
    newer = WebhookDeliveryFactory(subscription=subscription, state="failed", last_status_code=500)
    WebhookDeliveryFactory()  # another subscription's
    rows = _api(integration).get(f"{URL}{subscription.public_id}/deliveries/").json()["results"]
    assert [row["id"] for row in rows] == [str(newer.public_id), str(older.public_id)]
    assert rows[0]["state"] == "failed" and rows[0]["last_status_code"] == 500


def test_deleting_a_subscription_needs_the_version(organization, integration):
    subscription = WebhookSubscriptionFactory(organization=organization)
    api = _api(integration)
    assert api.delete(f"{URL}{subscription.public_id}/").status_code == 428
    etag = api.get(f"{URL}{subscription.public_id}/")["ETag"]
    assert api.delete(f"{URL}{subscription.public_id}/", HTTP_IF_MATCH=etag).status_code == 204
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("rows", [1, 6])
def test_the_list_costs_the_same_queries_for_one_row_as_for_many(
    organization, integration, settings, rows, django_assert_num_queries
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": None}}
    WebhookSubscriptionFactory.create_batch(rows, organization=organization, created_by=integration)
    api = _api(integration)
    api.get(URL)
    # The page's count and its rows (organization and creator joined); the scoping is a subquery.
    with django_assert_num_queries(2):
        response = api.get(URL)
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_the_delivery_log_costs_the_same_queries_for_one_row_as_for_many(
    organization, integration, settings, rows, django_assert_num_queries
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": None}}
    subscription = WebhookSubscriptionFactory(organization=organization)
    WebhookDeliveryFactory.create_batch(rows, subscription=subscription)
    api = _api(integration)
    url = f"{URL}{subscription.public_id}/deliveries/"
    api.get(url)
    # The subscription (scoped), the page's count, its rows.
    with django_assert_num_queries(3):
        response = api.get(url)
    assert len(response.json()["results"]) == rows
