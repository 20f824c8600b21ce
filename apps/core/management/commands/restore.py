"""Restore a backup archive into an empty database, after checking its manifest (apps/core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from apps.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into the (empty) database DATABASE_URL "
        "points at. Refuses an archive that does not match its manifest, a backup of a newer schema, "
        "or a database that already has tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by manage.py backup.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default)."
        )

    def handle(self, *args, archive, database, **options):
        try:
            report = backup_restore(archive=Path(archive), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {report.tables} tables ({report.rows} rows) from the backup of {report.created_at}; "
            "every row count matches the manifest."
        )
        if report.missing_migrations:
            self.stdout.write(
                f"The backup predates {len(report.missing_migrations)} migrations of this version: "
                "run `manage.py migrate` before starting the server."
            )
        if report.key_matches is False:
            self.stderr.write(
                "Warning: the protected identities in this backup were encrypted with other keys than "
                "SECRET_KEY / SALT_KEY here. Set the keys of the deployment that made it (or add them as "
                "SECRET_KEY_FALLBACKS / a second SALT_KEY), or the identities cannot be read."
            )
