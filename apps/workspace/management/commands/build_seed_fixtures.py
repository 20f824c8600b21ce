"""Rebuild fixtures/seed.json from the seed articles and fixtures/seed_spec.yaml."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.workspace.seed import SeedError, build_seed_fixture


class Command(BaseCommand):
    help = (
        "Build the seed fixture (natural keys, deterministic) from the seed articles and the curated "
        "spec, through the services, in a transaction that is rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seeds", required=True, type=Path, help="Folder of the raw seed articles.")
        parser.add_argument("--output", required=True, type=Path, help="Fixture file to write.")
        parser.add_argument(
            "--spec",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures" / "seed_spec.yaml",
            help="The curated spec (default: fixtures/seed_spec.yaml).",
        )

    def handle(self, *args, seeds, output, spec, **options):
        # call_command(seeds="…") passes strings through untouched.
        seeds, output, spec = Path(seeds), Path(output), Path(spec)
        if not seeds.is_dir():
            raise CommandError(f"{seeds} is not a folder of seed articles.")
        try:
            text = build_seed_fixture(seeds_dir=seeds, spec_path=spec)
        except SeedError as error:
            raise CommandError(str(error)) from error
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        records = len(json.loads(text))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({records} records)."))
