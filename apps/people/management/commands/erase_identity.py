"""Erase an individual's protected identity on request, with the reason, as a named user."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.people.models import Individual
from apps.people.services import individual_identity_erase


class Command(BaseCommand):
    help = (
        "Blank the legal name, date of birth and contact details of an individual (by public ID), "
        "keeping the pseudonym and the case record; the erasure is written to the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("individual", help="The individual's public ID (UUID).")
        parser.add_argument("--reason", required=True, help="Why, e.g. “the person's request of 3 May”.")
        parser.add_argument("--by", required=True, help="Username of the person erasing (must be allowed to).")

    def handle(self, *args, individual, reason, by, **options):
        try:
            user = get_user_model().objects.get(username=by, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user “{by}”.") from None
        try:
            person = Individual.objects.get(public_id=individual)
        except (Individual.DoesNotExist, ValidationError):
            raise CommandError(f"No individual with public ID “{individual}”.") from None
        try:
            individual_identity_erase(individual=person, by=user, reason=reason)
        except PermissionDenied as error:
            raise CommandError(str(error) or f"{by} may not erase this identity.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Erased the protected identity of {person} ({person.public_id}); logged.")
