"""The Celery application: `celery -A casetracker worker` and `celery -A casetracker beat`.

Configured from the Django settings (the ``CELERY_`` names: broker and results on REDIS_URL,
the beat schedule); tasks are found in each app's ``tasks.py``. Loaded by casetracker/__init__.py
so that ``shared_task`` in the apps binds to it. The apps never import this module.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")

app = Celery("casetracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
