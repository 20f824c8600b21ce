"""The job engine: states, retries with back-off, plain failures, visibility, pruning."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from apps.jobs.files import job_files
from apps.jobs.models import Job
from apps.jobs.runner import thread_runner
from apps.jobs.selectors import job_get
from apps.jobs.services import GENERAL_FAILURE, job_attempt, job_enqueue, job_prune, retry_delay
from tests.browser.conftest import roles_restore
from tests.factories import UserFactory


def _job(user, script=None):
    return job_enqueue(kind="test_scripted", params={"script": script or {}}, requested_by=user)


def _run_until_done(job):
    """Every attempt, as a worker would run them (without the waiting)."""
    delays = []
    while (delay := job_attempt(job_id=job.pk)) is not None:
        delays.append(delay)
    job.refresh_from_db()
    return delays


@pytest.fixture
def user(db):
    return UserFactory()


def test_a_transient_failure_is_retried_with_back_off(scripted_kind, user, settings):
    settings.JOBS_RETRY_BACKOFF = 5
    job = _job(user, {"1": "transient", "2": "transient"})
    delays = _run_until_done(job)
    assert delays == [5, 10]
    assert (job.state, job.attempts, job.progress, job.error, job.result_name) == (
        "succeeded",
        3,
        100,
        "",
        "result.txt",
    )


def test_a_transient_failure_that_keeps_failing_fails_the_job_in_plain_words(scripted_kind, user):
    job = _job(user, {"1": "transient", "2": "transient", "3": "transient"})
    _run_until_done(job)
    assert (job.state, job.attempts) == ("failed", 3)
    assert job.error == "It failed 3 times: the service was busy"


def test_a_permanent_failure_fails_at_once_with_its_message(scripted_kind, user):
    job = _job(user, {"1": "permanent"})
    assert _run_until_done(job) == []
    assert (job.state, job.attempts, job.error) == ("failed", 1, "The file you named does not exist.")


def test_a_bug_fails_the_job_with_a_general_message_and_is_logged(scripted_kind, user, caplog):
    job = _job(user, {"1": "bug"})
    _run_until_done(job)
    assert (job.state, job.error) == ("failed", GENERAL_FAILURE)
    assert "ZeroDivisionError" in caplog.text


def test_a_job_handed_out_twice_runs_once(scripted_kind, user):
    job = _job(user)
    _run_until_done(job)
    assert job_attempt(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 1


def test_the_back_off_doubles(settings):
    settings.JOBS_RETRY_BACKOFF = 10
    assert [retry_delay(n) for n in (1, 2, 3)] == [10, 20, 40]


def test_a_job_is_only_its_requesters(scripted_kind, user):
    job = _job(user)
    assert job_get(user=user, public_id=job.public_id) == job
    assert job_get(user=UserFactory(), public_id=job.public_id) is None
    assert job_get(user=user, public_id="not-a-uuid") is None


def test_the_job_api_needs_no_model_permission_but_hides_others_jobs(scripted_kind, user, api_client):
    job = _job(user)
    _run_until_done(job)
    api_client.force_authenticate(user)
    body = api_client.get(f"/api/v1/jobs/{job.public_id}/").json()
    assert (body["state"], body["result"]["name"], body["result"]["size"]) == ("succeeded", "result.txt", 4)
    file = api_client.get(body["result"]["url"])
    assert b"".join(file.streaming_content) == b"done"
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/jobs/{job.public_id}/").status_code == 404


def test_the_result_of_an_unfinished_job_is_a_conflict(scripted_kind, user, api_client):
    job = _job(user)  # never committed here, so no worker took it
    api_client.force_authenticate(user)
    response = api_client.get(f"/api/v1/jobs/{job.public_id}/result/")
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    assert api_client.get(f"/api/v1/jobs/{job.public_id}/")["Retry-After"] == "2"


def test_pruning_removes_old_jobs_their_files_and_fails_stale_ones(scripted_kind, user, settings):
    settings.JOBS_KEEP_DAYS = 7
    old, kept = _job(user), _job(user)
    _run_until_done(old)
    _run_until_done(kept)
    stale = _job(user)
    long_ago = timezone.now() - dt.timedelta(days=8)
    Job.objects.filter(pk=old.pk).update(finished_at=long_ago)
    Job.objects.filter(pk=stale.pk).update(updated_at=long_ago)
    old_path = job_files().path(old.result_file)
    os.utime(old_path, (long_ago.timestamp(), long_ago.timestamp()))
    os.utime(job_files().path(kept.result_file), (long_ago.timestamp(), long_ago.timestamp()))

    assert job_prune() == {"jobs": 1, "files": 1, "stale": 1}
    assert not os.path.exists(old_path)
    assert job_files().exists(kept.result_file)  # old file, but a kept job still holds it
    stale.refresh_from_db()
    assert stale.state == "failed" and "interrupted" in stale.error
    api_gone = Job.objects.filter(pk=old.pk).exists()
    assert not api_gone


@pytest.mark.django_db(transaction=True)
def test_the_thread_path_runs_retries_like_the_worker(scripted_kind):
    roles_restore()
    user = UserFactory()
    job = _job(user, {"1": "transient"})  # autocommit: handed to the thread at once
    assert thread_runner().wait_idle(timeout=60)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2)


def test_the_prune_command_says_what_it_did(db, capsys):
    from django.core.management import call_command

    call_command("jobs_prune")
    assert "Deleted 0 jobs and 0 files" in capsys.readouterr().out


def test_a_job_the_queue_cannot_take_fails_plainly(
    scripted_kind, user, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.jobs import runner

    def unreachable(job_id, *, delay=0):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(runner, "dispatch", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(user)
    job.refresh_from_db()
    assert job.state == "failed" and job.error.startswith("The job queue could not be reached")
