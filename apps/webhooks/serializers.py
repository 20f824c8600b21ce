from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import PublicIdField, StrictFieldsMixin
from apps.people.models import Organization
from apps.webhooks.models import Event, WebhookDelivery, WebhookSubscription
from apps.webhooks.services import subscription_create, subscription_update


class WebhookSubscriptionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organization = PublicIdField(
        queryset=Organization.objects.all(),
        help_text=_("One of your organizations: its records' events are sent."),
    )
    url = serializers.URLField(
        max_length=500, help_text=_("A public http(s) address; private and loopback networks are refused.")
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices),
        allow_empty=False,
        help_text=_("The events to send here."),
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "organization",
            "url",
            "description",
            "events",
            "active",
            "secret_rotated_at",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["secret_rotated_at", "created_by", "version", "created_at", "updated_at"]

    def create(self, validated_data):
        subscription, secret = subscription_create(by=self.context["request"].user, **validated_data)
        subscription.secret_shown_once = secret
        return subscription

    def update(self, instance, validated_data):
        subscription, _changed = subscription_update(
            subscription=instance, by=self.context["request"].user, **validated_data
        )
        return subscription


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    """The answer to a creation: the subscription with its secret, shown this once."""

    secret = serializers.CharField(
        source="secret_shown_once",
        read_only=True,
        help_text=_("The signing secret (whsec_…), shown only now: store it in the integration."),
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text=_("The new signing secret, shown only now."))
    secret_rotated_at = serializers.DateTimeField(read_only=True)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    subscription = serializers.UUIDField(source="subscription.public_id", read_only=True)
    payload = serializers.SerializerMethodField()

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event",
            "state",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "delivered_at",
            "last_status_code",
            "last_error",
            "response_snippet",
            "payload",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_payload(self, delivery):
        return delivery.payload
