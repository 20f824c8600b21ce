"""manage.py seed_load --cases N --articles M [--seed S]: a database of an NGO network's size."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from apps.workspace.load import seed_load


class Command(BaseCommand):
    help = (
        "Add N synthetic cases (with people, proceedings, facts, citations) and M articles, for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")
        parser.add_argument("--batch", type=int, default=5000, help="Rows per insert.")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="PostgreSQL: connections copying articles at once (each computes search vectors). "
            "The data is the same for any number.",
        )

    def handle(self, *args, cases, articles, seed, batch, workers, **options):
        if cases < 0 or articles < 1 or batch < 1 or workers < 1:
            raise CommandError("--articles, --batch and --workers must be at least 1, --cases at least 0.")
        started = time.perf_counter()
        # A stage's rate counts from when it began: the last report of the stage before it
        # (or the start), so that the cases' rate is not diluted by the articles' time.
        began: dict[str, float] = {}
        last_report = [started]

        def progress(stage: str, done: int, total: int) -> None:
            # One line redrawn in place: a progress bar that also works in a CI log.
            now = time.perf_counter()
            width = 30
            filled = width * done // max(total, 1)
            rate = done / max(now - began.setdefault(stage, last_report[0]), 1e-9)
            last_report[0] = now
            end = "\n" if done == total else "\r"
            self.stderr.write(
                f"{stage:9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f}/s){end}",
                ending="",
                style_func=str,  # not in the error style: a bar, not a complaint
            )
            self.stderr.flush()

        report = seed_load(
            cases=cases, articles=articles, seed=seed, batch=batch, workers=workers, progress=progress
        )
        self.stdout.write(
            f"Loaded {report.articles} articles ({report.articles_per_second:,.0f}/s), {report.cases} cases, "
            f"{report.proceedings} proceedings, {report.facts} facts, {report.citations} citations "
            f"in {report.seconds:.1f} s."
        )
        # The articles' own rate leaves out the indexes, built once after every table is loaded;
        # this one counts them (they are all of the tables', so it is the lower bound).
        self.stdout.write(
            f"Indexes built again in {report.index_seconds:.1f} s: articles searchable at "
            f"{report.searchable_per_second:,.0f}/s (rows, vectors and every index)."
        )
