"""Webhooks: an organization's subscriptions to events, and the log of every delivery."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord
from apps.people.encrypted import EncryptedCharField


class Event(models.TextChoices):
    """What an integration may subscribe to (the payload's ``type``)."""

    CASE_CREATED = "case.created", _("Case opened")
    CASE_CHANGED = "case.changed", _("Case changed")
    PROCEEDING_RECORDED = "proceeding.recorded", _("Proceeding recorded")
    PROCEEDING_CHANGED = "proceeding.changed", _("Proceeding changed")
    DEADLINE_APPROACHING = "deadline.approaching", _("Deadline approaching")
    DEADLINE_MISSED = "deadline.missed", _("Deadline missed")
    DOSSIER_READY = "dossier.ready", _("Dossier ready")


# Sent only by "send test event" and the API's ping: never subscribed to, always delivered.
PING = "webhook.ping"


class WebhookSubscription(PublicRecord):
    """An address of an integration that receives, signed, the events it chose of one organization.

    Only records the organization holds reach it (apps/webhooks/listeners.py), and a payload
    names them (public id, reference, changed field names), never what they say. The secret is
    shown once, when the subscription is made or its secret rotated, and kept encrypted.
    """

    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("organization"),
        help_text=_("Events about this organization's records are sent."),
    )
    url = models.URLField(
        _("address"),
        max_length=500,
        help_text=_("Where the events are POSTed: an https:// address of the integration."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(
        _("events"), default=list, help_text=_("The kinds of event sent to this address.")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive subscriptions are sent nothing.")
    )
    # Encrypted at rest like a protected identity: a copy of the database does not let anyone
    # sign payloads a receiver would trust.
    secret = EncryptedCharField(_("signing secret"), max_length=255, editable=False)
    secret_rotated_at = models.DateTimeField(_("secret made at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["organization__name", "url"]
        indexes = [models.Index(fields=["organization", "active"], name="webhook_sub_org_active")]

    def __str__(self) -> str:
        return f"{self.url} ({self.organization})"


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription, with what happened at each attempt.

    The payload is kept as sent, so a redelivery sends the same body (with a new timestamp and
    signature); ``webhook-id`` stays the delivery's public id, so a receiver sees a retry as one.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    response_snippet = models.TextField(
        _("response"), blank=True, help_text=_("The start of the receiver's last answer.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_recent"),
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url} ({self.get_state_display()})"
