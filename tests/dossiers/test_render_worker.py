"""A dossier rendered end to end by a real Celery worker process, on Redis (JOBS_BACKEND=celery).

The worker is another process: it reads the job from the database this test committed to, so the
test is transactional and runs on PostgreSQL only (the SQLite test database lives in this
process's memory). The worker gets the test database's address as DATABASE_URL, the same job
files folder, and Redis database 14 of the local server (TEST_JOBS_REDIS_URL), which this test
empties before and after. Run by .ci/run in its "jobs on a Celery worker" stage.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import connection

from apps.access.models import Membership
from apps.dossiers.models import DossierGeneration
from apps.jobs.models import Job
from tests.browser.conftest import roles_restore
from tests.dossiers.conftest import pdf_text
from tests.factories import UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _redis():
    import redis

    client = redis.Redis.from_url(django_settings.CELERY_BROKER_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("JOBS_WORKER_REQUIRED"):  # .ci/run's worker stage: no Redis is a failure
            pytest.fail(f"Redis is not reachable at {django_settings.CELERY_BROKER_URL} ({exc})")
        pytest.skip(
            f"Redis is not reachable at {django_settings.CELERY_BROKER_URL} ({exc}): start redis-server"
        )
    return client


@pytest.fixture
def worker(settings):
    """A Celery worker (one process, solo pool) on Redis database 14 and the test database."""
    if connection.vendor != "postgresql":
        if os.environ.get("JOBS_WORKER_REQUIRED"):
            pytest.fail("the worker test needs PostgreSQL (DATABASE_URL)")
        pytest.skip(
            "a worker process cannot reach the SQLite test database, which is in this process's memory"
        )
    broker = _redis()
    broker.flushdb()
    settings.JOBS_BACKEND = "celery"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_JOBS_FILES_ROOT": str(settings.JOBS_FILES_ROOT),
        "TEST_JOBS_REDIS_URL": django_settings.CELERY_BROKER_URL,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "casetracker",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        cwd=ROOT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    broker.flushdb()


def _wait_finished(job: Job, process, *, seconds: float = 240) -> Job:
    # A bound on waiting, not a timed assertion: the worker starts, then renders.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}")
        time.sleep(0.5)
    pytest.fail(f"the worker did not finish the job in {seconds} s (state {job.state})")


def test_a_worker_renders_the_pdf_and_the_api_hands_it_out(kim, worker, api_client, tmp_path):
    roles_restore()
    caseworker = UserFactory(username="casey")
    caseworker.groups.add(Group.objects.get(name="caseworker"))
    Membership.objects.create(user=caseworker, organization=kim.case.organization)
    api_client.force_authenticate(caseworker)

    response = api_client.post(
        "/api/v1/cases/CT-2013-0001/dossiers/", {"format": "pdf", "level": "public"}, format="json"
    )
    assert response.status_code == 202
    job = _wait_finished(Job.objects.get(public_id=response.json()["id"]), worker)
    assert (job.state, job.attempts, job.progress, job.error) == ("succeeded", 1, 100, "")

    body = api_client.get(response["Location"]).json()
    assert body["result"]["name"] == "CT-2013-0001-dossier-public.pdf"
    file = api_client.get(body["result"]["url"])
    data = b"".join(file.streaming_content)
    assert data.startswith(b"%PDF-") and len(data) == body["result"]["size"]
    assert "CT-2013-0001" in pdf_text(data, tmp_path)
    assert (Path(django_settings.JOBS_FILES_ROOT) / job.result_file).is_file()
    assert DossierGeneration.objects.get().generated_by == caseworker
