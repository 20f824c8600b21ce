"""Load the seed fixture unless it is already in the database (used by `make run`)."""

import io
import json
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, transaction

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"


def seed_presence(records: list[dict]) -> tuple[int, int]:
    """(how many of the fixture's records are already stored, how many it holds)."""
    public_ids: dict[str, list[str]] = defaultdict(list)
    for record in records:
        public_ids[record["model"]].append(record["fields"]["public_id"])
    found = 0
    for label, ids in public_ids.items():
        found += apps.get_model(label).objects.filter(public_id__in=ids).count()
    return found, len(records)


class Command(BaseCommand):
    help = (
        "Load fixtures/seed.json if none of it is in the database yet. Never overwrites: once loaded, "
        "caseworkers' edits to seed records are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE)

    def handle(self, *args, fixture, **options):
        fixture = Path(fixture)
        if not fixture.is_file():
            raise CommandError(f"{fixture} does not exist; run `make seed-fixtures` to build it.")
        records = json.loads(fixture.read_text(encoding="utf-8"))
        found, total = seed_presence(records)
        if found == total:
            self.stdout.write(f"Seed data already loaded ({total} records); nothing changed.")
            return
        if found:
            # loaddata would overwrite the stored records with the fixture's version: a
            # caseworker's corrections would be lost. Leave the database as it is.
            self.stdout.write(
                self.style.WARNING(
                    f"Seed data partly present ({found} of {total} records); not loading, so that "
                    "nothing stored is overwritten."
                )
            )
            return
        try:
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
        except (IntegrityError, DatabaseError, DeserializationError) as error:
            raise CommandError(
                f"Could not load the seed: it collides with data already stored ({error}). "
                "Nothing was loaded."
            ) from error
        # loaddata bypasses the services that keep the blind index of names (apps/people),
        # so the seed's people would match nobody until it is rebuilt.
        call_command("name_index_rebuild", verbosity=0, stdout=io.StringIO())
        self.stdout.write(self.style.SUCCESS(f"Loaded the seed data: {total} records from {fixture.name}."))
