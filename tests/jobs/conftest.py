"""A job kind for tests: it fails as it is told to, then succeeds with a small file."""

import pytest

from apps.jobs import registry
from apps.jobs.files import job_file_write
from apps.jobs.registry import JobFailed, JobKind, JobResult, TransientJobError

# How each attempt of a "test_scripted" job ends, by attempt number (missing: success).
SCRIPT: dict[int, str] = {}


def scripted_run(*, job, progress):
    outcome = job.params.get("script", {}).get(str(job.attempts), "ok")
    progress(50)
    if outcome == "transient":
        raise TransientJobError("the service was busy")
    if outcome == "permanent":
        raise JobFailed("The file you named does not exist.")
    if outcome == "bug":
        raise ZeroDivisionError("a bug")
    name = job_file_write(f"tests/{job.public_id}.txt", b"done")
    return JobResult(file=name, name="result.txt", content_type="text/plain", size=4)


@pytest.fixture
def scripted_kind():
    kind = JobKind(name="test_scripted", label="Test", run=scripted_run, max_attempts=3)
    registry.register(kind)
    yield kind
    registry._KINDS.pop(kind.name)


@pytest.fixture(autouse=True)
def _own_job_files(settings, tmp_path):
    """Each test its own job files: a render or a file left by another test changes nothing here."""
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
