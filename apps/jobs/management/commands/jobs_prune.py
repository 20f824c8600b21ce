"""Delete old jobs and their files; fail jobs a stopped process left behind.

Celery beat runs the same work daily when REDIS_URL is set; without it, run this from cron
(docs/deployment.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.jobs.services import job_prune


class Command(BaseCommand):
    help = "Delete jobs finished more than JOBS_KEEP_DAYS ago and their files; fail stale queued or running jobs."

    def handle(self, *args, **options):
        counts = job_prune()
        self.stdout.write(
            f"Deleted {counts['jobs']} jobs and {counts['files']} files older than {settings.JOBS_KEEP_DAYS} days; "
            f"{counts['stale']} interrupted jobs marked failed."
        )
