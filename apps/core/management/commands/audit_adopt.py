"""Seal the rows written before the audit chains existed: once, after upgrading.

Only tables whose chain is still empty are sealed (``adopt`` links: rows nobody can vouch for
before that day). A table whose chain has links is left alone, so this never hides a row
written behind the application's back: audit_verify reports that one.
"""

from django.core.management.base import BaseCommand

from apps.core.custody import chains_adopt


class Command(BaseCommand):
    help = "Seal the existing rows of the audit tables whose chain is still empty (after an upgrade)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        adopted = chains_adopt(using=database)
        for chain, count in sorted(adopted.items()):
            self.stdout.write(f"{chain}: {count} rows adopted")
        self.stdout.write(f"{sum(adopted.values())} rows adopted in {len(adopted)} chains.")
