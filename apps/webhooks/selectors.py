"""Reads of webhooks, always through the scoping rules (apps/webhooks/scoping.py)."""

from django.db.models import QuerySet

from apps.core.scoping import scoped
from apps.webhooks.models import WebhookDelivery, WebhookSubscription


def subscription_list(*, user) -> QuerySet[WebhookSubscription]:
    """The subscriptions of ``user``'s organizations, with their organization."""
    return scoped(WebhookSubscription.objects.select_related("organization", "created_by"), user)


def delivery_list(*, subscription: WebhookSubscription, user) -> QuerySet[WebhookDelivery]:
    """A subscription's delivery log, newest first."""
    return scoped(
        WebhookDelivery.objects.filter(subscription=subscription).select_related("subscription"), user
    )
