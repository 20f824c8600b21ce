"""Delete access-log entries older than the retention period (run from cron, as the operator).

Data protection asks for logs kept as long as they are needed and no longer; choose the
period with the organization's data-protection officer (docs/deployment.md).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.access.models import AccessLog


class Command(BaseCommand):
    help = "Delete access-log entries older than --older-than-days days."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, older_than_days: int, dry_run: bool, **options):
        if older_than_days < 30:
            raise CommandError("Keep at least 30 days of access log: an incident is often found late.")
        cutoff = timezone.now() - dt.timedelta(days=older_than_days)
        old = AccessLog.objects.filter(at__lt=cutoff)
        count = old.count()
        if not dry_run:
            old.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} access-log entries from before {cutoff:%Y-%m-%d}.")
