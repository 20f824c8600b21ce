"""Import articles from files: plain text or saved web pages."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.sources.ingestion.decoding import ImportRejected, check_size
from apps.sources.ingestion.importer import article_import

# What a folder is searched for; files named on the command line are read whatever they are.
FOLDER_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")


def expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file() and candidate.suffix.lower() in FOLDER_SUFFIXES
            )
        else:
            files.append(path)
    return files


class Command(BaseCommand):
    help = (
        "Import articles from .txt or .html files (or folders of them). Reports each file as created, "
        "duplicate or failed (with the reason); exits with status 1 if any file failed. Each file is "
        "imported whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="One JSON object per line for each file.")
        parser.add_argument("--outlet", default="", help="The outlet of every file, when it cannot be told.")
        parser.add_argument("--format", choices=["text", "html"], default=None, help="Default: by name and content.")
        parser.add_argument("--url", default="", help="The address of the article (one file only).")

    def handle(self, *args, **options):
        as_json, outlet, format, url = options["json"], options["outlet"], options["format"], options["url"]
        files = expand([Path(path) for path in options["paths"]])
        if not files:
            raise CommandError("No files to import.")
        if url and len(files) > 1:
            raise CommandError("--url names the address of one article: give one file with it.")
        counts = {"created": 0, "duplicate": 0, "failed": 0}
        show_progress = len(files) > 1 and options.get("verbosity", 1) >= 1
        for number, path in enumerate(files, start=1):
            report = self.import_one(path, outlet=outlet, format=format, url=url)
            counts[report["status"]] += 1
            if as_json:
                self.stdout.write(_dumps(report))
                if show_progress:
                    self.stderr.write(f"[{number}/{len(files)}] {path}: {report['status']}")
            else:
                prefix = f"[{number}/{len(files)}] " if show_progress else ""
                self.stdout.write(prefix + self.describe(report))
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        (self.stderr if as_json else self.stdout).write(summary)
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} of {len(files)} file(s) failed.")

    def import_one(self, path: Path, *, outlet: str, format, url: str) -> dict:
        report = {"path": str(path), "status": "failed", "article_id": None, "fields": None,
                  "reason": None, "error": None}
        try:
            # Before reading it: a file over the limit is not loaded into memory at all.
            check_size(path.stat().st_size)
            result = article_import(
                content=path.read_bytes(), filename=path.name, format=format, url=url, outlet=outlet or None
            )
        except OSError as error:
            report.update(reason="unreadable", error=f"Cannot read the file: {error.strerror or error}.")
            return report
        except ImportRejected as error:
            report.update(reason=error.reason, error=" ".join(error.messages))
            return report
        except ValidationError as error:
            report.update(reason="invalid", error=" ".join(error.messages))
            return report
        report.update(
            status=result.status,
            article_id=str(result.article.public_id),
            fields={**result.draft.as_dict(), "title": result.article.title},
        )
        if result.status == "duplicate":
            report["reason"] = result.draft.duplicate_reason
        return report

    def describe(self, report: dict) -> str:
        if report["status"] == "failed":
            return self.style.ERROR(f"failed     {report['path']}: {report['error']}")
        fields = report["fields"]
        if report["status"] == "duplicate":
            same = "same text" if report["reason"] == "body" else "same address"
            return self.style.WARNING(
                f"duplicate  {report['path']}: {same} as “{fields['title']}” ({report['article_id']})"
            )
        date = fields["published_on"] or "undated"
        return self.style.SUCCESS(
            f"created    {report['path']}: “{fields['title']}” — {fields['outlet']}, {date}, "
            f"{fields['language']} ({report['article_id']})"
        )


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, sort_keys=True)
