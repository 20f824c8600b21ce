"""Export protected identities in clear for a lawful need, as a named user, with the reason; logged."""

import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.people.services import protected_identity_export


class Command(BaseCommand):
    help = (
        "Write the protected identities (legal name, date of birth, contacts, address) the user may "
        "see, in clear, to a JSON file readable only by you. Backups and dumpdata never hold them in "
        "clear; this does, so each identity exported is written to the access log with who and why."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--by",
            required=True,
            help="Username of the person exporting (must be allowed to view identities).",
        )
        parser.add_argument(
            "--reason", required=True, help="The lawful need, e.g. “court order 12/2026 of 3 May”."
        )
        parser.add_argument(
            "--output", required=True, help="The JSON file to write (created readable by you only)."
        )
        parser.add_argument(
            "--individual",
            action="append",
            default=None,
            metavar="PUBLIC_ID",
            help="Only this individual (public ID); repeat for several. Default: every identity the user may see.",
        )

    def handle(self, *args, by, reason, output, individual, **options):
        try:
            user = get_user_model().objects.get(username=by, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user “{by}”.") from None
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists already: choose a new file (an export never overwrites one).")
        try:
            rows = protected_identity_export(by=user, reason=reason, individuals=individual)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except ValueError:
            raise CommandError("--individual takes public IDs (UUIDs).") from None
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(
                {"exported_by": by, "reason": reason.strip(), "identities": rows},
                handle,
                ensure_ascii=False,
                indent=2,
            )
        self.stdout.write(
            f"Exported {len(rows)} protected identities to {path}; each export is in the access log."
        )
