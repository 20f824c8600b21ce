"""Delete access-log entries older than the retention period (run from cron, as the operator).

Data protection asks for logs kept as long as they are needed and no longer; choose the
period with the organization's data-protection officer (docs/deployment.md). The entries go
with a signed ``prune`` link in the access log's audit chain (apps.core.custody.chain_prune),
naming the range, how many, who and why; audit_verify still checks the chain whole.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.access.models import AccessLog
from apps.core.custody import chain_prune


class Command(BaseCommand):
    help = "Delete access-log entries older than --older-than-days days, leaving a signed tombstone."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")
        parser.add_argument("--by", default="access_log_prune", help="Who prunes (named in the tombstone).")
        parser.add_argument("--reason", default="", help="Why (named in the tombstone); the retention period by default.")

    def handle(self, *args, older_than_days: int, dry_run: bool, by: str, reason: str, **options):
        if older_than_days < 30:
            raise CommandError("Keep at least 30 days of access log: an incident is often found late.")
        cutoff = timezone.now() - dt.timedelta(days=older_than_days)
        old = AccessLog.objects.filter(at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"Would delete {old.count()} access-log entries from before {cutoff:%Y-%m-%d}.")
            return
        count = chain_prune(
            model=AccessLog,
            rows=old,
            by=by,
            reason=reason or f"retention: older than {older_than_days} days (before {cutoff:%Y-%m-%d})",
        )
        self.stdout.write(f"Deleted {count} access-log entries from before {cutoff:%Y-%m-%d}.")
