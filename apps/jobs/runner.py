"""Handing a job to a worker: Celery on Redis, or a background thread of this process.

``JOBS_BACKEND`` (settings: "celery" when REDIS_URL is set, else "thread") decides. Both run the
same :func:`apps.jobs.services.job_attempt`, so a job has the same states and the same retries
whichever runs it; only the waiting before a retry differs (Celery's countdown, or a timer here).

The thread runner keeps its queue in memory: a job queued when the server stops stays queued
until ``manage.py jobs_prune`` marks it interrupted (JOBS_STALE_MINUTES). That is the price of
needing nothing but the server; deployments that must not lose work set REDIS_URL.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def dispatch(job_id: int, *, delay: float = 0) -> None:
    """Start (or, after ``delay`` seconds, restart) the job with primary key ``job_id``."""
    if settings.JOBS_BACKEND == "celery":
        from apps.jobs.tasks import job_run

        job_run.apply_async((job_id,), countdown=delay or None)
    else:
        thread_runner().submit(job_id, delay=delay)


class ThreadRunner:
    """Runs jobs in daemon threads of this process, in the order they are due."""

    def __init__(self, threads: int = 1):
        self.size = max(1, threads)
        self._due: list[tuple[float, int, int]] = []
        self._order = itertools.count()
        self._busy = 0
        self._condition = threading.Condition()
        self._threads: list[threading.Thread] = []

    def submit(self, job_id: int, *, delay: float = 0) -> None:
        with self._condition:
            heapq.heappush(self._due, (time.monotonic() + delay, next(self._order), job_id))
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            while len(self._threads) < self.size:
                thread = threading.Thread(target=self._work, name="casetracker-jobs", daemon=True)
                thread.start()
                self._threads.append(thread)
            self._condition.notify()

    def _next(self) -> int:
        with self._condition:
            while True:
                if self._due:
                    wait = self._due[0][0] - time.monotonic()
                    if wait <= 0:
                        self._busy += 1
                        return heapq.heappop(self._due)[2]
                    self._condition.wait(timeout=wait)
                else:
                    self._condition.wait()

    def _work(self) -> None:
        from apps.jobs.services import job_attempt

        while True:
            job_id = self._next()
            try:
                delay = job_attempt(job_id=job_id)
                if delay is not None:
                    self.submit(job_id, delay=delay)
            except Exception:
                logger.exception("The job runner failed on job %s", job_id)
            finally:
                # This thread's own connections: a request's are not touched.
                connections.close_all()
                with self._condition:
                    self._busy -= 1
                    self._condition.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job is running or due (retries included); False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._due or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(timeout=min(remaining, 0.1))
        return True


_runner: ThreadRunner | None = None
_runner_lock = threading.Lock()


def thread_runner() -> ThreadRunner:
    """This process's runner, made on first use (so a management command starts no thread)."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = ThreadRunner(threads=settings.JOBS_THREADS)
        return _runner
