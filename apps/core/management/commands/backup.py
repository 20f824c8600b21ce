"""Back up the database into one archive: a consistent copy and its manifest (apps/core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from apps.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup archive of the database (SQLite: online backup API; PostgreSQL: pg_dump, "
        "custom format) with a manifest of SHA-256s, row counts and the migration state. Protected "
        "identities stay encrypted: keep SECRET_KEY and SALT_KEY safe, apart from the backups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="The archive to write, e.g. /backups/ct-2026-12-01.tar."
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default)."
        )

    def handle(self, *args, output, database, **options):
        try:
            manifest = backup_create(output=Path(output), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) of the {manifest['database']['vendor']} "
            f"database to {output}. The protected identities in it need the keys (SECRET_KEY, SALT_KEY) "
            f"of key fingerprint {manifest['encryption']['key_fingerprint']}."
        )
