"""The webhooks' periodic work (the beat schedule in settings; `manage.py webhooks_sweep` without Redis)."""

from celery import shared_task

from apps.webhooks.services import deliveries_prune, deliveries_retry_due


@shared_task(name="webhooks.retry_due")
def retry_due() -> int:
    """Queue again the deliveries due but held by no worker (apps.webhooks.services)."""
    return deliveries_retry_due()


@shared_task(name="webhooks.prune")
def prune() -> int:
    """Delete deliveries finished more than WEBHOOK_DELIVERY_KEEP_DAYS ago."""
    return deliveries_prune()
