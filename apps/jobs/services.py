"""Writes of jobs: asking for one, running one attempt, pruning. Used by every app's kinds."""

from __future__ import annotations

import datetime as dt
import logging
import os

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.jobs.files import job_files
from apps.jobs.models import Job
from apps.jobs.registry import JobFailed, JobResult, TransientJobError, kind_get

logger = logging.getLogger(__name__)

GENERAL_FAILURE = "The job failed because of an error on the server; it has been logged. Try again later."


def job_enqueue(
    *, kind: str, params: dict, requested_by, subject: Model | None = None, subject_label: str = "",
    delay: float = 0,
) -> Job:
    """Record a job of ``kind`` and hand it to a worker once the caller's transaction commits.

    ``params`` must be JSON data (ids, not records): a worker in another process reads them.
    ``delay``: seconds the worker waits before it starts the job (a webhook's next attempt).
    The job runs in the Celery worker when REDIS_URL is set, else in a background thread of this
    process (apps/jobs/runner.py); never in the caller's request.
    """
    registered = kind_get(kind)
    job = Job(
        kind=kind,
        params=params,
        requested_by=requested_by if requested_by is not None and requested_by.is_authenticated else None,
        max_attempts=registered.max_attempts or settings.JOBS_MAX_ATTEMPTS,
        subject_label=subject_label or (str(subject) if subject is not None else ""),
    )
    if subject is not None:
        job.subject_type = ContentType.objects.get_for_model(subject)
        job.subject_id = subject.pk
    job.full_clean()
    job.save()
    # After the commit: a worker that looked for the row before it was committed would not find it.
    transaction.on_commit(lambda: _hand_over(job, delay=delay))
    return job


def _hand_over(job: Job, *, delay: float = 0) -> None:
    """Give the job to a worker; if the queue cannot be reached, fail it with a plain message."""
    from apps.jobs.runner import dispatch

    try:
        dispatch(job.pk, delay=delay)
    except Exception:
        logger.exception("Job %s (%s) could not be queued", job.public_id, job.kind)
        _fail(job, _("The job queue could not be reached, so the job was not started. Try again in a moment."))
        job.refresh_from_db()


def job_progress(*, job: Job, percent: int) -> None:
    """Record how far a running job is (0-100)."""
    percent = max(0, min(100, int(percent)))
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(progress=percent, updated_at=timezone.now())
    job.progress = percent


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling from JOBS_RETRY_BACKOFF."""
    return settings.JOBS_RETRY_BACKOFF * (2 ** max(0, attempts - 1))


def job_attempt(*, job_id: int) -> float | None:
    """Run one attempt of a queued job; returns seconds to wait before the next, or None when done.

    The attempt is claimed by an UPDATE from queued to running, so a job handed out twice (a
    redelivered task, two threads) runs once. A transient failure puts the job back in the
    queue while attempts remain; any other failure fails it with a message for its user.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, attempts=F("attempts") + 1, started_at=now, progress=0, updated_at=now
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    try:
        kind = kind_get(job.kind)
        result = kind.run(job=job, progress=lambda percent: job_progress(job=job, percent=percent))
    except (TransientJobError, OperationalError, InterfaceError) as exc:
        if job.attempts < job.max_attempts:
            delay = retry_delay(job.attempts)
            logger.warning(
                "Job %s (%s) attempt %s failed, retrying in %ss: %s",
                job.public_id,
                job.kind,
                job.attempts,
                delay,
                exc,
            )
            message = _("Attempt %(number)s failed (%(reason)s); trying again.") % {
                "number": job.attempts,
                "reason": str(exc) or exc.__class__.__name__,
            }
            Job.objects.filter(pk=job.pk).update(
                state=Job.State.QUEUED, progress=0, error=message, updated_at=timezone.now()
            )
            return delay
        _fail(
            job,
            _("It failed %(count)s times: %(reason)s")
            % {"count": job.attempts, "reason": str(exc) or exc.__class__.__name__},
        )
    except JobFailed as exc:
        _fail(job, str(exc))
    except Exception:
        logger.exception("Job %s (%s) failed", job.public_id, job.kind)
        _fail(job, _(GENERAL_FAILURE))
    else:
        _succeed(job, result)
    return None


def _succeed(job: Job, result: JobResult | None) -> None:
    fields = {"state": Job.State.SUCCEEDED, "progress": 100, "error": "", "finished_at": timezone.now()}
    if result is not None:
        fields.update(
            result_file=result.file,
            result_name=result.name,
            result_content_type=result.content_type,
            result_size=result.size,
            result_meta=result.meta or {},
        )
    fields["updated_at"] = fields["finished_at"]
    Job.objects.filter(pk=job.pk).update(**fields)


def _fail(job: Job, message: str) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED, error=message, finished_at=now, updated_at=now
    )


def job_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete finished jobs older than JOBS_KEEP_DAYS and the files no remaining job holds; fail
    jobs left queued or running longer than JOBS_STALE_MINUTES (their process stopped).

    Returns counts: ``{"jobs": deleted, "files": deleted, "stale": failed}``.
    """
    now = now or timezone.now()
    keep = dt.timedelta(days=settings.JOBS_KEEP_DAYS)
    stale = Job.objects.filter(
        state__in=[Job.State.QUEUED, Job.State.RUNNING],
        updated_at__lt=now - dt.timedelta(minutes=settings.JOBS_STALE_MINUTES),
    ).update(
        state=Job.State.FAILED,
        error=_("The job was interrupted (the server or worker running it stopped). Start it again."),
        finished_at=now,
        updated_at=now,
    )
    deleted, _by_model = Job.objects.filter(
        state__in=[Job.State.SUCCEEDED, Job.State.FAILED], finished_at__lt=now - keep
    ).delete()
    files = _prune_files(older_than=(now - keep).timestamp())
    return {"jobs": deleted, "files": files, "stale": stale}


def _prune_files(*, older_than: float) -> int:
    """Delete job files older than ``older_than`` (a timestamp) that no job refers to."""
    storage = job_files()
    root = storage.location
    if not os.path.isdir(root):
        return 0
    held = set(Job.objects.exclude(result_file="").values_list("result_file", flat=True).distinct())
    deleted = 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            if relative in held:
                continue
            try:
                if os.path.getmtime(path) < older_than:
                    os.unlink(path)
                    deleted += 1
            except FileNotFoundError:
                pass  # another pruner was first
    return deleted


class ResultNotReady(Exception):
    """The job has not succeeded (yet): it has no result to hand out."""


class ResultGone(Exception):
    """The job's file was pruned (older than JOBS_KEEP_DAYS) or removed."""


def job_result_open(*, job: Job, user, request=None, channel: str = "api"):
    """Hand ``job``'s result file to ``user``: (open binary file, download name, content type).

    The kind's ``deliver`` checks again that ``user`` may have it (permissions may have changed
    since the job was asked for) and records the download; PermissionDenied refuses it.
    """
    if job.state != Job.State.SUCCEEDED or not job.result_file:
        raise ResultNotReady(job.state)
    storage = job_files()
    if not storage.exists(job.result_file):
        raise ResultGone(job.result_file)
    kind = kind_get(job.kind)
    if kind.deliver is not None:
        kind.deliver(job=job, user=user, request=request, channel=channel)
    return storage.open(job.result_file, "rb"), job.result_name, job.result_content_type
