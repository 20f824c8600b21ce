"""Reads of jobs, always through their visibility rule (apps/jobs/scoping.py)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from apps.core.scoping import visible
from apps.jobs.models import Job


def job_list(*, user) -> QuerySet[Job]:
    """The jobs ``user`` may see, newest first."""
    return visible(Job, user).select_related("subject_type")


def job_get(*, user, public_id) -> Job | None:
    """The job with ``public_id`` if ``user`` may see it, else None (a malformed id too)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return job_list(user=user).filter(public_id=key).first()


def jobs_get(*, user, public_ids) -> list[Job]:
    """The visible jobs among ``public_ids``, in the order given (unknown or hidden ones left out)."""
    found = {}
    for public_id in public_ids:
        job = job_get(user=user, public_id=public_id)
        if job is not None:
            found[job.public_id] = job
    return list(found.values())
