"""Large spreadsheet imports as jobs (apps.jobs): the ``spreadsheet_import`` kind.

The admin previews every import in the request (the preview must be seen before anything is
applied), but a confirmed import of more than ``SHEETS_IMPORT_JOB_ROWS`` rows is applied by a
worker: the confirmation queues the job and shows its page, which follows its progress. The job
runs the same all-or-nothing import as the request would (``SheetAdminMixin.sheet_import_apply``,
through the services), for the user who confirmed it, whose name the change history records.
Its result is a CSV report of every row (added, changed, unchanged or refused, and why).

An admin export of more than ``SHEETS_EXPORT_JOB_ROWS`` rows is the ``sheet_export`` kind: the
worker reads the changelist's queryset again for the requester, with the same query string
(filters, search, order) or the same selected public ids, and writes the resource's rows to a
CSV or XLSX in the job files, a chunk of records at a time. Only the requester downloads it,
and each download is written to the access log.

Registered here because only the top layer knows both the jobs and every app's admin.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from types import SimpleNamespace

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from apps.core import audit
from apps.core.admin_sheets import (
    csv_chunks,
    export_job_starter_install,
    import_job_starter_install,
    refused_message,
)
from apps.jobs.admin_views import jobs_page_url
from apps.jobs.files import job_file_write, job_files
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


# -- large exports ------------------------------------------------------------------------------

EXPORT_KIND = "sheet_export"


def sheet_export_enqueue(
    *,
    model_admin,
    user,
    filters: str,
    selected: list[str] | None,
    format_index: int,
    resource_index: int,
    rows: int,
) -> tuple[str, str]:
    """Queue the export of ``model_admin``'s list; (the job's public id, its admin page)."""
    job = job_enqueue(
        kind=EXPORT_KIND,
        params={
            "model": model_admin.model._meta.label,
            "filters": filters,
            "selected": selected,
            "format": format_index,
            "resource": resource_index,
            "rows": rows,
            "language": translation.get_language(),
        },
        requested_by=user,
        subject_label=str(model_admin.model._meta.verbose_name_plural)[:200],
    )
    return str(job.public_id), jobs_page_url([job])


def sheet_export_run(*, job, progress) -> JobResult:
    """Write the job's list as its requester may see it now, in the format they chose."""
    params = job.params
    requester = job.requested_by
    if requester is None or not requester.is_active:
        raise JobFailed(_("The account that asked for this export is no longer active."))
    user = get_user_model().objects.get(pk=requester.pk)  # fresh permissions
    model_admin = admin.site._registry[django_apps.get_model(params["model"])]
    total = params.get("rows") or 0
    with translation.override(params.get("language") or None):
        try:
            file_format, lines = model_admin.sheet_export_rows(
                user=user,
                filters=params.get("filters") or "",
                selected=params.get("selected"),
                format_index=int(params["format"]),
                resource_index=int(params.get("resource") or 0),
            )
        except PermissionDenied as refusal:
            raise JobFailed(str(refusal)) from refusal
        except IncorrectLookupParameters as error:
            raise JobFailed(
                _("The list's filters no longer apply: filter the list again and export it.")
            ) from error
        extension = file_format.get_extension()
        name = f"sheets/export-{job.public_id}.{extension}"
        path = job_files().path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Written beside its place and renamed into it, so no reader sees half a file.
        handle, partial = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as file:
                if extension == "csv":
                    count = _csv_write(file, lines, progress=progress, total=total)
                else:
                    count = _xlsx_write(
                        file, lines, progress=progress, total=total, title=model_admin.model.__name__
                    )
            os.replace(partial, path)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise
    model_name = model_admin.model.__name__
    return JobResult(
        file=name,
        name=f"{model_name}-{job.created_at:%Y-%m-%d}.{extension}",
        content_type=file_format.get_content_type(),
        size=os.path.getsize(path),
        meta={"rows": count},
    )


def _counted(lines, *, progress, total: int, counter: list):
    """``lines`` as they are, counting the rows (after the header) and reporting progress."""
    for number, line in enumerate(lines):
        if number:
            counter[0] = number
            if total and number % settings.EXPORT_CHUNK_SIZE == 0:
                progress(min(95, number * 100 // total))
        yield line


def _csv_write(file, lines, *, progress, total: int) -> int:
    counter = [0]
    for chunk in csv_chunks(_counted(lines, progress=progress, total=total, counter=counter)):
        file.write(chunk)
    return counter[0]


def _xlsx_write(file, lines, *, progress, total: int, title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    counter = [0]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    try:
        for line in _counted(lines, progress=progress, total=total, counter=counter):
            sheet.append(line)
    except IllegalCharacterError as error:
        raise JobFailed(
            _("A cell holds a character a spreadsheet cannot contain: the export was not made.")
        ) from error
    workbook.save(file)
    return counter[0]


def sheet_export_deliver(*, job, user, request=None, channel: str = "admin") -> None:
    """Only its requester downloads an export; each download is written to the access log."""
    if job.requested_by_id != user.pk:
        raise PermissionDenied(_("This export was made for someone else."))
    model = django_apps.get_model(job.params["model"])
    extension = (job.result_name or "").rsplit(".", 1)[-1]
    audit.record(
        user=user,
        action=audit.SensitiveAction.EXPORT,
        detail={
            "what": model._meta.label_lower,
            "format": extension,
            "rows": (job.result_meta or {}).get("rows"),
            "filters": (job.params.get("filters") or "")[:500],
            "job": str(job.public_id),
            "download": True,
        },
        request=request,
    )


def _export_describe(job) -> str:
    return _("Spreadsheet export: %(what)s, %(rows)s rows") % {
        "what": job.subject_label,
        "rows": job.params.get("rows"),
    }


register(
    JobKind(
        name=EXPORT_KIND,
        label=gettext_lazy("Spreadsheet export"),
        run=sheet_export_run,
        deliver=sheet_export_deliver,
        describe=_export_describe,
    )
)
export_job_starter_install(sheet_export_enqueue)
