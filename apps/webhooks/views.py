"""/api/v1/webhooks/: an organization's subscriptions, their delivery logs, a test event, a new secret."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import PublicIdViewSet
from apps.core.scoping import check_can_write
from apps.webhooks.selectors import delivery_list, subscription_list
from apps.webhooks.serializers import (
    WebhookDeliverySerializer,
    WebhookSecretSerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionSerializer,
)
from apps.webhooks.services import subscription_delete, subscription_ping, subscription_secret_rotate


@extend_schema_view(
    list=extend_schema(
        summary="List webhook subscriptions",
        description="The subscriptions of your organizations. Secrets are never shown here.",
    ),
    create=extend_schema(
        summary="Subscribe an address to events",
        description=(
            "The answer carries the signing `secret`, shown only this once. Addresses on private, "
            "loopback, link-local or reserved networks are refused on `url`."
        ),
        responses={201: WebhookSubscriptionCreatedSerializer},
    ),
    retrieve=extend_schema(summary="One webhook subscription"),
)
class WebhookSubscriptionViewSet(PublicIdViewSet):
    serializer_class = WebhookSubscriptionSerializer
    ordering_fields = ["url", "created_at", "updated_at"]
    ordering = ["created_at"]
    filterset_fields = ["active"]

    def get_queryset(self):
        return subscription_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return WebhookSubscriptionCreatedSerializer
        if self.action == "deliveries":
            return WebhookDeliverySerializer
        return super().get_serializer_class()

    def perform_destroy(self, instance):
        subscription_delete(subscription=instance)

    def _check_manage(self, subscription) -> None:
        if not self.request.user.has_perm("webhooks.change_webhooksubscription"):
            raise PermissionDenied
        check_can_write(self.request.user, subscription)

    @extend_schema(
        summary="The delivery log", responses={200: WebhookDeliverySerializer(many=True)}, filters=False
    )
    @action(detail=True, methods=["get"], url_path="deliveries", filter_backends=[])
    def deliveries(self, request, *args, **kwargs):
        """What was sent to this subscription, newest first: state, attempts, the receiver's last answer."""
        subscription = self.get_object()
        page = self.paginate_queryset(delivery_list(subscription=subscription, user=request.user))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a test event",
        request=None,
        responses={202: OpenApiResponse(WebhookDeliverySerializer, description="The test delivery, queued.")},
    )
    @action(detail=True, methods=["post"], url_path="ping")
    def ping(self, request, *args, **kwargs):
        """Queue a `webhook.ping` event to the address now, whatever events it chose (needs the change permission)."""
        subscription = self.get_object()
        self._check_manage(subscription)
        delivery = subscription_ping(subscription=subscription, by=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Rotate the signing secret", request=None, responses={200: WebhookSecretSerializer}
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        """Give the subscription a new secret, shown only in this answer; the old one stops at once."""
        subscription = self.get_object()
        self._check_manage(subscription)
        secret = subscription_secret_rotate(subscription=subscription)
        return Response({"secret": secret, "secret_rotated_at": subscription.secret_rotated_at})
