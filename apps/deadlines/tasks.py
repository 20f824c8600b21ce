"""The deadlines' periodic work as Celery tasks, run by beat (CELERY_BEAT_SCHEDULE in the
settings). Without Redis there is no beat: cron runs the same functions through
``manage.py mark_missed_deadlines`` and ``send_deadline_reminders`` (docs/deployment.md)."""

from celery import shared_task

from apps.deadlines.services import deadline_reminders_send, deadlines_mark_missed


@shared_task(name="deadlines.mark_missed")
def mark_missed() -> int:
    """Open deadlines whose day has passed become missed; returns how many."""
    return deadlines_mark_missed()


@shared_task(name="deadlines.reminders_send")
def reminders_send() -> dict:
    """The T-5 and T-1 working-day reminders due today, each sent once."""
    report = deadline_reminders_send()
    return {"sent": report.sent, "skipped": report.skipped}
