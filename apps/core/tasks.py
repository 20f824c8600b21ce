"""The nightly check of the audit chains as a Celery task (beat, CELERY_BEAT_SCHEDULE).

A break is logged as an error (for the alerting that watches the logs) and returned; the same
check is ``manage.py audit_verify`` for cron (docs/deployment.md, "The audit chains")."""

import logging

from celery import shared_task

from apps.core.custody import audit_verify
from apps.core.sheets import sheets_prune

log = logging.getLogger("casetracker.audit")


@shared_task(name="core.audit_verify")
def audit_chains_verify() -> dict:
    """Verify every chain; returns each chain's length and head, and the breaks found."""
    reports = audit_verify()
    breaks = [str(item) for report in reports for item in report.breaks]
    for item in breaks:
        log.error("audit chain broken: %s", item)
    for report in reports:
        log.info("audit chain %s: %d links, head #%d %s", report.chain, report.links, report.head_seq, report.head)
    return {"chains": {r.chain: {"links": r.links, "head": r.head} for r in reports}, "breaks": breaks}


@shared_task(name="core.sheets_prune")
def uploaded_sheets_prune() -> int:
    """Uploaded spreadsheets older than SHEETS_UPLOAD_HOURS (what `manage.py sheets_prune` does)."""
    return sheets_prune()
