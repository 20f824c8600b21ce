"""Webhooks in the admin: made through the service (secret shown once, address checked at the
field), the delivery log read-only with its actions."""

import pytest
from django.urls import reverse

from apps.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.factories import WebhookDeliveryFactory, WebhookSubscriptionFactory
from tests.webhooks.conftest import member

pytestmark = pytest.mark.django_db

ADD = reverse("admin:webhooks_webhooksubscription_add")


def _form(organization, url, events=("case.changed",)):
    return {
        "organization": organization.pk,
        "url": url,
        "description": "",
        "events": list(events),
        "active": "on",
    }


def test_a_supervisor_subscribes_and_is_shown_the_secret_once(client, organization, receiver):
    client.force_login(member(organization, "supervisor"))
    response = client.post(ADD, _form(organization, receiver.url), follow=True)
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    shown = [str(message) for message in response.context["messages"]]
    assert any(subscription.secret in message for message in shown)
    page = client.get(reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]))
    assert subscription.secret not in page.content.decode()


def test_an_internal_address_is_refused_beside_the_field(client, organization):
    client.force_login(member(organization, "supervisor"))
    response = client.post(ADD, _form(organization, "http://192.168.1.1/hook"))
    assert response.status_code == 200
    assert "private, loopback or reserved network" in " ".join(
        response.context["adminform"].form.errors["url"]
    )
    assert not WebhookSubscription.objects.exists()


def test_a_caseworker_may_look_but_not_add(client, organization):
    client.force_login(member(organization, "caseworker"))
    assert client.get(reverse("admin:webhooks_webhooksubscription_changelist")).status_code == 200
    assert client.get(ADD).status_code == 403


def test_the_delivery_log_is_read_only_and_scoped(client, organization):
    mine = WebhookDeliveryFactory(subscription=WebhookSubscriptionFactory(organization=organization))
    WebhookDeliveryFactory()  # another organization's
    client.force_login(member(organization, "supervisor"))
    changelist = client.get(reverse("admin:webhooks_webhookdelivery_changelist"))
    assert list(changelist.context["cl"].result_list) == [mine]
    assert client.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403
    page = client.get(reverse("admin:webhooks_webhookdelivery_change", args=[mine.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_redeliver_and_send_test_event_queue_a_delivery(
    client, organization, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("apps.jobs.runner.dispatch", lambda job_id, delay=0: None)
    subscription = WebhookSubscriptionFactory(organization=organization)
    failed = WebhookDeliveryFactory(subscription=subscription, state="failed", attempts=7)
    client.force_login(member(organization, "supervisor"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "redeliver", "_selected_action": [failed.pk]},
        )
        client.post(
            reverse("admin:webhooks_webhooksubscription_changelist"),
            {"action": "send_test_event", "_selected_action": [subscription.pk]},
        )
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("pending", 0)
    assert WebhookDelivery.objects.filter(event="webhook.ping", subscription=subscription).count() == 1


def test_a_caseworker_cannot_redeliver(client, organization):
    failed = WebhookDeliveryFactory(
        subscription=WebhookSubscriptionFactory(organization=organization), state="failed"
    )
    client.force_login(member(organization, "caseworker"))
    response = client.get(reverse("admin:webhooks_webhookdelivery_changelist"))
    action_form = response.context["action_form"]  # None: no action is left to a caseworker here
    assert action_form is None or "redeliver" not in dict(action_form.fields["action"].choices)
    failed.refresh_from_db()
    assert failed.state == "failed"


@pytest.mark.parametrize("rows", [1, 6])
@pytest.mark.parametrize("model", ["webhooksubscription", "webhookdelivery"])
def test_the_changelists_cost_the_same_queries_for_one_row_as_for_many(
    client, organization, rows, model, django_assert_num_queries
):
    subscription = WebhookSubscriptionFactory(organization=organization)
    WebhookSubscriptionFactory.create_batch(rows - 1, organization=organization)
    WebhookDeliveryFactory.create_batch(rows, subscription=subscription)
    client.force_login(member(organization, "supervisor"))
    url = reverse(f"admin:webhooks_{model}_changelist")
    client.get(url)
    with django_assert_num_queries(QUERIES[model]):
        assert client.get(url).status_code == 200


# Session, user, the second factor's device, permissions, the scoping, then the page's count, rows and
# filters (the delivery log's date hierarchy and its event and state filters cost three more).
QUERIES = {"webhooksubscription": 8, "webhookdelivery": 11}
