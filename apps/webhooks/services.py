"""Writes of webhooks: subscriptions, events turned into deliveries, and each delivery attempt.

An event becomes one ``WebhookDelivery`` per active subscription of the organization holding
the record that chose the event (:func:`event_publish`, called once the write that caused it
has committed). Each attempt is a ``webhook_deliver`` job (apps/webhooks/jobs.py): it claims
the delivery, POSTs the signed payload and records the answer; a failure queues the next
attempt after ``WEBHOOK_RETRY_SCHEDULE``'s wait, and the last failure marks it failed. The
delivery row, not the job, is the truth: a job that runs twice or too early changes nothing
(the claim), and a lost one is found again by :func:`deliveries_retry_due`.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.scoping import can_write_to_organization
from apps.core.services import record_create, record_update, version_bump
from apps.jobs.services import job_enqueue
from apps.people.models import Organization
from apps.webhooks import signing, transport
from apps.webhooks.addresses import AddressRefused, url_check
from apps.webhooks.models import PING, Event, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

JOB_KIND = "webhook_deliver"
SUBSCRIPTION_CHANGEABLE = ("url", "description", "events", "active")
# A delivery left "sending" this long belongs to a worker that stopped mid-attempt.
SENDING_STALE = dt.timedelta(minutes=10)
# A due delivery is left this long to the timer or countdown that holds it before the periodic
# sweep queues it again (the claim keeps a double from sending twice either way).
SWEEP_GRACE = dt.timedelta(minutes=2)


# -- subscriptions ----------------------------------------------------------------------------


def _events_check(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = sorted({str(event) for event in events} - set(Event.values))
    if unknown:
        raise ValidationError(
            {
                "events": _("There is no event %(names)s; the events are: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(Event.values)}
            }
        )
    return [event for event in Event.values if event in set(events)]  # one order, no repeats


def _organization_check(by: AbstractBaseUser | None, organization: Organization) -> None:
    if by is not None and not can_write_to_organization(by, organization):
        raise ValidationError(
            {
                "organization": _("You are not a member of %(organization)s: choose your organization.")
                % {"organization": organization}
            }
        )


@transaction.atomic
def subscription_create(
    *,
    organization: Organization,
    url: str,
    events: Iterable[str],
    description: str = "",
    active: bool = True,
    by: AbstractBaseUser | None = None,
) -> tuple[WebhookSubscription, str]:
    """Subscribe ``url`` to ``events`` of ``organization``; returns it and its secret (shown once).

    The address must be public (:func:`apps.webhooks.addresses.url_check`); ``by`` must belong
    to ``organization``.
    """
    _organization_check(by, organization)
    url_check(url)
    secret = signing.secret_new()
    subscription = record_create(
        model=WebhookSubscription,
        data={
            "organization": organization,
            "url": url,
            "events": _events_check(list(events)),
            "description": description,
            "active": active,
            "secret": secret,
            "created_by": by,
        },
    )
    return subscription, secret


@transaction.atomic
def subscription_update(
    *, subscription: WebhookSubscription, by: AbstractBaseUser | None = None, **changes
) -> tuple[WebhookSubscription, bool]:
    """Change a subscription's address, events, description or state (it stays in its organization)."""
    if "organization" in changes and changes.pop("organization") != subscription.organization:
        raise ValidationError({"organization": _("A subscription cannot move to another organization.")})
    if "url" in changes and changes["url"] != subscription.url:
        url_check(changes["url"])
    if "events" in changes:
        changes["events"] = _events_check(changes["events"])
    return record_update(record=subscription, fields=SUBSCRIPTION_CHANGEABLE, data=changes)


@transaction.atomic
def subscription_secret_rotate(*, subscription: WebhookSubscription) -> str:
    """Give the subscription a new signing secret and return it (shown once); the old one stops now."""
    secret = signing.secret_new()
    version_bump(record=subscription)
    subscription.secret = secret
    subscription.secret_rotated_at = timezone.now()
    subscription.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    return secret


def subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Delete a subscription and its delivery log."""
    subscription.delete()


# -- events and deliveries ----------------------------------------------------------------------


def api_url(path: str) -> str:
    """Where a receiver fetches the record: WEBHOOK_PUBLIC_URL + the API path (the path alone without it)."""
    return f"{settings.WEBHOOK_PUBLIC_URL}{path}"


def payload_build(
    *, event: str, organization: Organization, data: dict, at: dt.datetime | None = None
) -> dict:
    """The JSON sent: the event's type and time, the organization, and ``data`` (ids, never content)."""
    return {
        "type": event,
        "timestamp": (at or timezone.now()).astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "organization": str(organization.public_id),
        "data": data,
    }


@transaction.atomic
def event_publish(*, event: str, organization_id: int, data: dict) -> list[WebhookDelivery]:
    """Queue ``event`` for every active subscription of the organization that chose it.

    Called once the write that caused the event has committed (the listeners use
    ``transaction.on_commit``), so a write rolled back sends nothing. ``data`` names the record
    (object, id, reference, changed field names, API url) and nothing it says.
    """
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            organization_id=organization_id, active=True
        ).select_related("organization")
        if event in subscription.events
    ]
    deliveries = []
    for subscription in subscriptions:
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=event,
            payload=payload_build(event=event, organization=subscription.organization, data=data),
            next_attempt_at=timezone.now(),
        )
        _attempt_queue(delivery, delay=0)
        deliveries.append(delivery)
    return deliveries


def subscription_ping(
    *, subscription: WebhookSubscription, by: AbstractBaseUser | None = None
) -> WebhookDelivery:
    """Send a test event (``webhook.ping``) to the subscription now, whatever events it chose."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=PING,
            payload=payload_build(
                event=PING,
                organization=subscription.organization,
                data={
                    "object": "subscription",
                    "id": str(subscription.public_id),
                    "url": api_url(f"/api/v1/webhooks/{subscription.public_id}/"),
                },
            ),
            next_attempt_at=timezone.now(),
        )
        _attempt_queue(delivery, delay=0)
    return delivery


def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivered or failed delivery again, with a fresh round of attempts (same id and body)."""
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(
            pk=delivery.pk, state__in=[WebhookDelivery.State.DELIVERED, WebhookDelivery.State.FAILED]
        ).update(
            state=WebhookDelivery.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if not updated:
            raise ValidationError(_("This delivery is still being sent."), code="in_flight")
        _attempt_queue(delivery, delay=0)
    delivery.refresh_from_db()
    return delivery


def _attempt_queue(delivery: WebhookDelivery, *, delay: float) -> None:
    """A ``webhook_deliver`` job for the delivery's next attempt, started ``delay`` seconds after the commit."""
    job_enqueue(
        kind=JOB_KIND,
        params={"delivery": delivery.pk},
        requested_by=None,
        subject_label=delivery.event,
        delay=delay,
    )


def _retry_wait(attempts: int) -> float | None:
    """Seconds before the attempt after ``attempts`` failed ones, or None when none is left."""
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    return schedule[attempts - 1] if attempts - 1 < len(schedule) else None


def max_attempts() -> int:
    return len(settings.WEBHOOK_RETRY_SCHEDULE) + 1


def body_of(delivery: WebhookDelivery) -> bytes:
    """The bytes POSTed for a delivery: its payload as compact JSON with sorted keys."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt of a delivery that is due; None if it is not (taken, done, not yet due).

    The attempt is claimed by an UPDATE from pending to sending, so a job run twice sends once.
    A 2xx answer delivers it. Anything else (another status, a timeout, a refused connection)
    is recorded and retried after the schedule's wait; after the last attempt it fails. An
    address that has become internal fails it at once.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + dt.timedelta(seconds=1)),
        pk=delivery_id,
        state=WebhookDelivery.State.PENDING,
    ).update(
        state=WebhookDelivery.State.SENDING, attempts=F("attempts") + 1, last_attempt_at=now, updated_at=now
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.active and delivery.event != PING:
        return _finish(
            delivery, state=WebhookDelivery.State.FAILED, error=_("The subscription was deactivated.")
        )
    body = body_of(delivery)
    headers = signing.headers(secret=subscription.secret, msg_id=str(delivery.public_id), body=body)
    try:
        answer = transport.post(
            url=subscription.url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT
        )
    except AddressRefused as refused:
        return _finish(delivery, state=WebhookDelivery.State.FAILED, error=refused.reason)
    except (OSError, http.client.HTTPException) as exc:
        return _failed_attempt(delivery, error=str(exc) or exc.__class__.__name__)
    if 200 <= answer.status < 300:
        return _finish(
            delivery, state=WebhookDelivery.State.DELIVERED, status=answer.status, snippet=answer.snippet
        )
    reason = _("The receiver answered %(status)s.") % {"status": answer.status}
    if 300 <= answer.status < 400:
        reason += " " + _("Redirects are not followed: give the final address.")
    return _failed_attempt(delivery, error=reason, status=answer.status, snippet=answer.snippet)


def _failed_attempt(
    delivery: WebhookDelivery, *, error: str, status: int | None = None, snippet: str = ""
) -> WebhookDelivery:
    wait = _retry_wait(delivery.attempts)
    if wait is None:
        message = _("It failed %(count)s times; the last time: %(reason)s") % {
            "count": delivery.attempts,
            "reason": error,
        }
        return _finish(
            delivery, state=WebhookDelivery.State.FAILED, error=message, status=status, snippet=snippet
        )
    delivery = _finish(
        delivery,
        state=WebhookDelivery.State.PENDING,
        error=error,
        status=status,
        snippet=snippet,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=wait),
    )
    _attempt_queue(delivery, delay=wait)
    return delivery


def _finish(
    delivery: WebhookDelivery,
    *,
    state: str,
    error: str = "",
    status: int | None = None,
    snippet: str = "",
    next_attempt_at: dt.datetime | None = None,
) -> WebhookDelivery:
    now = timezone.now()
    fields = {
        "state": state,
        "last_error": error[:500],
        "last_status_code": status,
        "response_snippet": snippet[: transport.SNIPPET_BYTES],
        "next_attempt_at": next_attempt_at,
        "updated_at": now,
    }
    if state == WebhookDelivery.State.DELIVERED:
        fields["delivered_at"] = now
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)
    if state == WebhookDelivery.State.FAILED:
        logger.warning(
            "Webhook delivery %s to %s failed: %s", delivery.public_id, delivery.subscription.url, error
        )
    return delivery


# -- periodic work ----------------------------------------------------------------------------


def deliveries_retry_due(*, now: dt.datetime | None = None) -> int:
    """Queue again the deliveries whose attempt is due but that no worker seems to hold.

    The thread runner keeps its timers in memory and a Redis countdown may be lost: a pending
    delivery past its time (by :data:`SWEEP_GRACE`) gets a new job; one left "sending" by a
    worker that stopped goes back to pending first. Returns how many were queued.
    """
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.SENDING, last_attempt_at__lt=now - SENDING_STALE
    ).update(
        state=WebhookDelivery.State.PENDING, next_attempt_at=now - SWEEP_GRACE, updated_at=now
    )  # due now
    due = list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
        ).order_by("next_attempt_at")[:500]
    )
    with transaction.atomic():
        for delivery in due:
            _attempt_queue(delivery, delay=0)
    return len(due)


def deliveries_prune(*, now: dt.datetime | None = None) -> int:
    """Delete finished deliveries older than WEBHOOK_DELIVERY_KEEP_DAYS; returns how many."""
    now = now or timezone.now()
    deleted, _by_model = WebhookDelivery.objects.filter(
        state__in=[WebhookDelivery.State.DELIVERED, WebhookDelivery.State.FAILED],
        created_at__lt=now - dt.timedelta(days=settings.WEBHOOK_DELIVERY_KEEP_DAYS),
    ).delete()
    return deleted
