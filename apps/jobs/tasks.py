"""The Celery tasks: one that runs any job, and the periodic work of the beat schedule.

A job's kind is looked up in apps.jobs.registry by the worker, so registering a kind needs no
task of its own. Retries are counted on the Job row (``attempts``), not by Celery, so that the
thread runner and the worker retry alike.
"""

from celery import shared_task

from apps.core.idempotency import idempotency_prune
from apps.jobs.services import job_attempt, job_prune


@shared_task(name="jobs.run")
def job_run(job_id: int) -> None:
    """Run one attempt of a job; queue the next attempt after its back-off if it asks for one."""
    delay = job_attempt(job_id=job_id)
    if delay is not None:
        job_run.apply_async((job_id,), countdown=delay or None)


@shared_task(name="jobs.prune")
def jobs_prune() -> dict:
    """Old jobs and their files, and jobs a stopped process left behind (settings.JOBS_KEEP_DAYS)."""
    return job_prune()


@shared_task(name="jobs.idempotency_prune")
def idempotency_keys_prune() -> int:
    """Idempotency-Key answers past IDEMPOTENCY_KEY_HOURS (what `manage.py idempotency_prune` does)."""
    return idempotency_prune()
