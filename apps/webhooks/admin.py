"""Webhooks in the admin: subscriptions (writes through the services) and the read-only delivery log."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.access.scoping import organizations_of
from apps.core.admin import READONLY_RECORD_FIELDS, ScopedAdminMixin, ServiceAdmin
from apps.core.scoping import can_write
from apps.webhooks.models import Event, WebhookDelivery, WebhookSubscription
from apps.webhooks.services import (
    delivery_redeliver,
    subscription_create,
    subscription_delete,
    subscription_ping,
    subscription_secret_rotate,
    subscription_update,
)


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are POSTed: an https:// address of the integration."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of event sent to this address."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ("organization", "url", "description", "events", "active")


def _secret_message(request, subscription, secret) -> None:
    messages.warning(
        request,
        _("The signing secret of %(url)s, shown only now — copy it into the integration: %(secret)s")
        % {"url": subscription.url, "secret": secret},
    )


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ServiceAdmin):
    form = WebhookSubscriptionForm
    list_display = ("url", "organization", "events_display", "active", "created_at")
    list_filter = ("active", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("url", "description")
    list_select_related = ("organization",)
    readonly_fields = (*READONLY_RECORD_FIELDS, "secret_rotated_at", "created_by")
    fieldsets = (
        (None, {"fields": ("organization", "url", "description", "events", "active")}),
        (
            _("Record"),
            {
                "fields": (*READONLY_RECORD_FIELDS, "secret_rotated_at", "created_by"),
                "classes": ("collapse",),
            },
        ),
    )
    actions = ("send_test_event", "rotate_secret")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = organizations_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create(self, request, form):
        data = {
            name: form.cleaned_data.get(name)
            for name in ("organization", "url", "description", "events", "active")
        }
        subscription, secret = subscription_create(by=request.user, **data)
        _secret_message(request, subscription, secret)
        return subscription

    def update(self, request, record, changes, form):
        subscription, _changed = subscription_update(subscription=record, by=request.user, **changes)
        return subscription

    def delete(self, request, record) -> None:
        subscription_delete(subscription=record)

    @admin.display(description=_("events"))
    def events_display(self, subscription):
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(event, event)) for event in subscription.events)

    @admin.action(description=_("Send a test event"), permissions=["change"])
    def send_test_event(self, request, queryset):
        sent = 0
        for subscription in queryset:
            if can_write(request.user, subscription):
                subscription_ping(subscription=subscription, by=request.user)
                sent += 1
        self.message_user(
            request,
            ngettext(
                "A test event was queued for %(count)d address.",
                "A test event was queued for %(count)d addresses.",
                sent,
            )
            % {"count": sent},
        )

    @admin.action(description=_("Rotate the signing secret"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        for subscription in queryset:
            if can_write(request.user, subscription):
                _secret_message(request, subscription, subscription_secret_rotate(subscription=subscription))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The delivery log: written by the deliveries only; a delivery can be sent again."""

    list_display = (
        "created_at",
        "event",
        "subscription_url",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    )
    list_filter = ("state", "event")
    search_fields = ("subscription__url", "event")
    list_select_related = ("subscription",)
    date_hierarchy = "created_at"
    fields = (
        "public_id",
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
    )
    readonly_fields = fields
    actions = ("redeliver",)

    @admin.display(description=_("address"), ordering="subscription__url")
    def subscription_url(self, delivery):
        return delivery.subscription.url

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # pruned after WEBHOOK_DELIVERY_KEEP_DAYS, never by hand

    def has_redeliver_permission(self, request):
        return request.user.has_perm("webhooks.change_webhooksubscription")

    @admin.action(description=_("Send again"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        sent = 0
        for delivery in queryset.select_related("subscription__organization"):
            if not can_write(request.user, delivery.subscription):
                continue
            try:
                delivery_redeliver(delivery=delivery)
            except ValidationError as refusal:
                self.message_user(request, f"{delivery}: {' '.join(refusal.messages)}", messages.WARNING)
                continue
            sent += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", sent)
            % {"count": sent},
        )
