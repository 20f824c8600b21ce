"""Job kinds: what other apps register so that their heavy work runs as jobs.

An app declares each kind of work once, from its ``AppConfig.ready()``::

    from apps.jobs.registry import JobKind, register

    register(JobKind(
        name="dossier_render",
        label=_("Dossier"),
        run=dossier_render_run,          # (job, progress) -> JobResult | None
        subject_model="cases.Case",      # who may see the case may see its jobs (with requester)
        deliver=dossier_render_deliver,  # (job, user, request, channel) -> None: check and log a download
        describe=lambda job: ...,        # optional: a few words for the job page
        max_attempts=None,               # optional: else settings.JOBS_MAX_ATTEMPTS
    ))

and starts one with ``apps.jobs.services.job_enqueue(kind="dossier_render", ...)``.

``run`` does the work in a worker (a Celery worker, or the server's background thread without
Redis), never in a request. It reports progress with ``progress(percent)`` and ends by
returning a :class:`JobResult` (a file it saved in :func:`apps.jobs.files.job_files`) or None.
It says how it failed by raising:

- :class:`TransientJobError` — worth retrying (a service away, a lock): the job goes back to
  the queue after a back-off (``JOBS_RETRY_BACKOFF`` seconds, doubled each attempt) until
  ``max_attempts``;
- :class:`JobFailed` — will not work however often it is tried: the job fails at once with the
  message, which a user reads, so write it in plain words;
- anything else is a bug: the job fails with a general message and the error is logged.

``deliver`` runs before the result is handed to a user: it raises PermissionDenied to refuse
and records the download where the app keeps such records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps as django_apps


class TransientJobError(Exception):
    """A failure that may pass: the job is tried again later (see the module's docstring)."""


class JobFailed(Exception):
    """A failure that will not pass: the job fails with this message, written for a user."""


@dataclass(frozen=True)
class JobResult:
    """What a successful run made: a file in the jobs' storage, and what to call it."""

    file: str
    name: str
    content_type: str
    size: int
    meta: dict | None = None


@dataclass(frozen=True)
class JobKind:
    """One kind of work (see the module's docstring)."""

    name: str
    label: str
    run: Callable
    subject_model: str | None = None
    deliver: Callable | None = None
    max_attempts: int | None = None
    # (job) -> str: a few words on what this job makes, for the job page ("PDF, public").
    describe: Callable | None = None

    def subject_model_class(self):
        return django_apps.get_model(self.subject_model) if self.subject_model else None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    """Declare a job kind; called from the owning app's ready(). A name is registered once."""
    if kind.name in _KINDS:
        raise LookupError(f"The job kind {kind.name!r} is already registered.")
    _KINDS[kind.name] = kind


def kind_get(name: str) -> JobKind:
    """The kind called ``name``; LookupError if no app registered it."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No job kind {name!r}; register it in its app's ready().") from None


def kinds() -> list[JobKind]:
    return list(_KINDS.values())
