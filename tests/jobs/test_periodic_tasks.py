"""The beat schedule names tasks that exist, and each periodic task does its work."""

import datetime as dt

import pytest
from django.conf import settings

from casetracker.celery import app

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_is_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name} schedules {entry['task']}, which no app defines"


def test_the_missed_deadlines_task_marks_a_passed_deadline_missed():
    from apps.deadlines.models import Deadline
    from apps.deadlines.tasks import mark_missed
    from tests.factories import DeadlineFactory

    passed = DeadlineFactory(computed_due_on=dt.date(2016, 2, 1), due_on=dt.date(2016, 2, 1))
    assert mark_missed() == 1
    passed.refresh_from_db()
    assert passed.state == Deadline.State.MISSED


def test_the_audit_task_reports_whole_chains():
    from apps.core.tasks import audit_chains_verify
    from tests.factories import CaseFactory

    CaseFactory()
    result = audit_chains_verify()
    assert result["breaks"] == []
    assert result["chains"]


def test_the_sheets_task_prunes_uploads_older_than_a_day(settings, tmp_path):
    import os
    import time

    from apps.core.sheets import EncryptedUploadStorage
    from apps.core.tasks import uploaded_sheets_prune

    settings.SHEETS_UPLOAD_ROOT = tmp_path
    upload = EncryptedUploadStorage()
    upload.save(b"public id,version\n")
    day_ago = time.time() - 25 * 3600
    os.utime(tmp_path / upload.name, (day_ago, day_ago))
    assert uploaded_sheets_prune() == 1
    assert list(tmp_path.iterdir()) == []
