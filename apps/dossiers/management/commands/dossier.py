"""python manage.py dossier CT-2013-0001 --format pdf --level public [--language ru] --output kim.pdf"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from apps.cases.models import Case
from apps.dossiers.models import DossierGeneration, Format, Level
from apps.dossiers.services import DEFAULT_DOSSIER_LANGUAGE, DOSSIER_LANGUAGES, dossier_generate


class Command(BaseCommand):
    help = "Generate a case's source dossier (PDF, DOCX, HTML, JSON or ZIP evidence bundle) into a file."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The case reference, e.g. CT-2013-0001.")
        parser.add_argument("--format", choices=Format.values, default=Format.PDF)
        parser.add_argument("--level", choices=Level.values, default=Level.PUBLIC)
        parser.add_argument(
            "--language",
            choices=DOSSIER_LANGUAGES,
            default=DEFAULT_DOSSIER_LANGUAGE,
            help="Language of the headings, labels and dates (quotes stay as published).",
        )
        parser.add_argument(
            "--output",
            "-o",
            help="File to write; '-' for standard output. Default: NAME in the current folder.",
        )
        parser.add_argument(
            "--user",
            help="Generate as this user (their permissions apply and the record names them). "
            "Without it the generation is recorded as made from the command line.",
        )

    def handle(self, *args, reference, format, level, output=None, user=None, language=DEFAULT_DOSSIER_LANGUAGE, **options):
        try:
            case = Case.objects.get(reference=reference)
        except Case.DoesNotExist as exc:
            raise CommandError(f"No case {reference}.") from exc
        account = None
        if user:
            try:
                account = get_user_model().objects.get(**{get_user_model().USERNAME_FIELD: user})
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"No user {user}.") from exc
        # Checked before generating: a generation is recorded as handed out, so it must not
        # be recorded for a file that could not be written.
        if output not in (None, "-") and not Path(output).parent.is_dir():
            raise CommandError(f"Cannot write {output}: there is no folder {Path(output).parent}.")
        try:
            data, filename, _content_type = dossier_generate(
                case=case, format=format, level=level, user=account, channel=DossierGeneration.Channel.COMMAND,
                language=language,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = Path(output or filename)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
        self.stderr.write(f"Wrote {path} ({len(data)} bytes).")
