"""Large spreadsheet imports as jobs (apps.jobs): the ``spreadsheet_import`` kind.

The admin previews every import in the request (the preview must be seen before anything is
applied), but a confirmed import of more than ``SHEETS_IMPORT_JOB_ROWS`` rows is applied by a
worker: the confirmation queues the job and shows its page, which follows its progress. The job
runs the same all-or-nothing import as the request would (``SheetAdminMixin.sheet_import_apply``,
through the services), for the user who confirmed it, whose name the change history records.
Its result is a CSV report of every row (added, changed, unchanged or refused, and why).
Registered here because only the top layer knows both the jobs and every app's admin.
"""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

from django.apps import apps as django_apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.admin_sheets import import_job_starter_install, refused_message
from apps.jobs.admin_views import jobs_page_url
from apps.jobs.files import job_file_write
from apps.jobs.registry import JobFailed, JobKind, JobResult, register
from apps.jobs.services import job_enqueue

KIND = "spreadsheet_import"


def spreadsheet_import_enqueue(*, model_admin, user, upload: str, format_index: int, file_name: str) -> str:
    """Queue the confirmed import of ``upload``; returns the address of the job's admin page."""
    job = job_enqueue(
        kind=KIND,
        params={
            "model": model_admin.model._meta.label,
            "upload": upload,
            "format": format_index,
            "file": file_name,
        },
        requested_by=user,
        subject_label=f"{model_admin.model._meta.verbose_name_plural}: {file_name}"[:200],
    )
    return jobs_page_url([job])


def _report(result) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "result", "record", "reason"])
    for number, row in enumerate(result.rows, 1):
        reason = ""
        if row.validation_error is not None:
            reason = " ".join(
                f"{field}: {' '.join(errors)}" for field, errors in row.validation_error.message_dict.items()
            )
        writer.writerow([number, row.import_type, row.object_repr or "", reason])
    return out.getvalue().encode("utf-8")


def spreadsheet_import_run(*, job, progress):
    model = django_apps.get_model(job.params["model"])
    model_admin = admin.site._registry[model]
    user = job.requested_by
    if user is None or not user.is_active:
        raise JobFailed(_("The user who asked for this import no longer has an account."))
    # The services' change history names the importing user, as it does for an admin request.
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        result = model_admin.sheet_import_apply(
            user=user,
            upload=job.params["upload"],
            format_index=int(job.params["format"]),
            file_name=job.params.get("file", ""),
            progress=progress,
        )
    except ValidationError as error:
        raise JobFailed(" ".join(error.messages)) from error
    finally:
        del HistoricalRecords.context.request
    counts = model_admin._counts(result)
    if result.has_errors() or result.has_validation_errors():
        raise JobFailed(refused_message(counts))
    report = _report(result)
    name = job_file_write(f"sheets/{job.public_id}.csv", report)
    return JobResult(
        file=name,
        name=f"import-report-{job.public_id}.csv",
        content_type="text/csv",
        size=len(report),
        meta=counts,
    )


def _describe(job) -> str:
    return _("Spreadsheet import: %(what)s") % {"what": job.subject_label}


register(
    JobKind(
        name=KIND,
        label=gettext_lazy("Spreadsheet import"),
        run=spreadsheet_import_run,
        describe=_describe,
        # Applied all or nothing: a second attempt after a failure would find the upload gone.
        max_attempts=1,
    )
)
import_job_starter_install(spreadsheet_import_enqueue)
