from django.core.management.base import BaseCommand

from apps.webhooks.services import deliveries_prune, deliveries_retry_due


class Command(BaseCommand):
    help = (
        "Queue webhook deliveries whose attempt is due but that no worker holds, and delete "
        "finished deliveries older than WEBHOOK_DELIVERY_KEEP_DAYS (cron's job without Redis)."
    )

    def handle(self, *args, **options):
        queued = deliveries_retry_due()
        pruned = deliveries_prune()
        self.stdout.write(f"Queued {queued} delivery attempt(s); pruned {pruned} old deliveries.")
