"""Who sees webhooks: the members of the subscription's organization (with the model permission).

A subscription is the organization's, like its cases: its members may see it (and its delivery
log); those who may write to the organization may change it. Nobody else learns that it exists.
"""

from apps.access.scoping import can_write_to_organization, member_organization_ids
from apps.core import scoping
from apps.webhooks.models import WebhookDelivery, WebhookSubscription


def visible_subscriptions(user):
    return WebhookSubscription.objects.filter(organization_id__in=member_organization_ids(user))


def visible_deliveries(user):
    return WebhookDelivery.objects.filter(subscription__organization_id__in=member_organization_ids(user))


scoping.register(
    WebhookSubscription,
    visible=visible_subscriptions,
    can_write=lambda user, subscription: can_write_to_organization(user, subscription.organization),
    holder=lambda subscription: subscription.organization,
)
scoping.register(
    WebhookDelivery,
    visible=visible_deliveries,
    can_write=lambda user, delivery: can_write_to_organization(user, delivery.subscription.organization),
    holder=lambda delivery: delivery.subscription.organization,
)
