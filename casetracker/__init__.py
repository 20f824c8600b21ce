# The Celery app is loaded with the project, so that the apps' shared tasks use it.
from casetracker.celery import app as celery_app

__all__ = ("celery_app",)
