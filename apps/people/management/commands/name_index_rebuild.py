"""Rebuild the blind index of names (after deploying it, and after SECRET_KEY or SALT_KEY rotates)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.people.blind_index import name_keys_refresh
from apps.people.models import Individual
from apps.people.services import duplicates_refresh


class Command(BaseCommand):
    help = "Rebuild the keyed name forms duplicates are found by, and the review list's pairs."

    def handle(self, *args, **options):
        count = 0
        ids = list(Individual.objects.order_by("pk").values_list("pk", flat=True))
        for pk in ids:
            with transaction.atomic():
                name_keys_refresh(individual=Individual.objects.get(pk=pk))
            count += 1
        # Pairs once every key is written: a pair needs both sides' keys.
        for individual in Individual.objects.filter(merged_into__isnull=True).order_by("pk"):
            duplicates_refresh(individual=individual)
        self.stdout.write(f"Indexed the names of {count} individuals.")
