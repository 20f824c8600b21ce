"""Delete the Idempotency-Key answers past their lifetime (IDEMPOTENCY_KEY_HOURS, 24).

Each user's expired keys also go whenever they send a new key; this removes everyone's, e.g.
those of an integration that stopped. Run it daily from cron (docs/deployment.md).
"""

from django.core.management.base import BaseCommand

from apps.core.idempotency import idempotency_prune, key_lifetime


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than IDEMPOTENCY_KEY_HOURS (24)."

    def handle(self, *args, **options):
        deleted = idempotency_prune()
        hours = int(key_lifetime().total_seconds() // 3600)
        self.stdout.write(f"Deleted {deleted} idempotency keys older than {hours} hours.")
