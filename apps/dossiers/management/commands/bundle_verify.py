"""Check an evidence bundle: its signature and every file's SHA-256, without the database."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.dossiers import signing


class Command(BaseCommand):
    help = _(
        "Verify an evidence bundle (ZIP): the Ed25519 signature of its manifest and the SHA-256 of "
        "every file. Exits non-zero and names what is wrong if anything is."
    )
    # Runs where there is only the file and a key: no checks, no database.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("The bundle (.zip)."))
        parser.add_argument(
            "--public-key",
            help=_(
                "The public key to check the signature with: a PEM file, or the key as base64 "
                "(as GET /api/v1/signing-key/ gives it). Default: this installation's keys."
            ),
        )

    def handle(self, *args, file: Path, public_key: str | None, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}) from error
        keys = [self._given_key(public_key)] if public_key else self._installation_keys()
        result = signing.verify_bundle(data, public_keys=keys)
        if not result.ok:
            raise CommandError(
                _("%(file)s does NOT verify:\n  %(problems)s")
                % {"file": file, "problems": "\n  ".join(result.problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(file)s verifies: signed with key %(key_id)s, %(count)d files match the manifest.")
                % {"file": file, "key_id": result.key_id, "count": result.files_checked}
            )
        )

    def _given_key(self, value: str):
        path = Path(value)
        text = path.read_text(encoding="ascii") if path.is_file() else value
        try:
            return signing.public_key_from_text(text)
        except ValueError as error:
            raise CommandError(_("--public-key: %(error)s") % {"error": error}) from error

    def _installation_keys(self):
        try:
            return [signing.public_key_from_text(key["public_key"]) for key in signing.published_keys()]
        except (ImproperlyConfigured, ValueError) as error:
            raise CommandError(
                _("No public key to check with (%(error)s): give one with --public-key.") % {"error": error}
            ) from error
