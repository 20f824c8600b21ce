"""Delete uploaded spreadsheets whose import was never confirmed (SHEETS_UPLOAD_HOURS, 24).

A confirmed import removes its file at once; this removes the rest. Beat runs it hourly
(``core.sheets_prune``); without Redis, run it from cron (docs/deployment.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core.sheets import sheets_prune


class Command(BaseCommand):
    help = "Delete uploaded spreadsheets older than SHEETS_UPLOAD_HOURS (24)."

    def handle(self, *args, **options):
        removed = sheets_prune()
        self.stdout.write(
            f"Deleted {removed} uploaded spreadsheets older than {settings.SHEETS_UPLOAD_HOURS:g} hours."
        )
