"""Large XLSX exports of API lists as jobs: the ``list_export`` kind (apps/core/api/exports.py).

An XLSX of more rows than ``EXPORT_XLSX_SYNC_ROWS`` is not built in the request: the list view
answers ``202`` with a job, and a worker rebuilds the same list view for the same user, path
and query (the same scoping, filters and order, read again when the job runs) and writes the
workbook into the job files. The download (``/api/v1/jobs/{id}/result/``) is for the person who
asked, and is written to the access log like the export itself.
"""

from __future__ import annotations

import os
import tempfile

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.response import Response

from apps.core import audit
from apps.core.api import exports
from apps.jobs.files import job_files
from apps.jobs.models import Job
from apps.jobs.registry import JobFailed, JobKind, JobResult, register
from apps.jobs.serializers import JobSerializer
from apps.jobs.services import job_enqueue

KIND = "list_export"


def list_export_start(*, view, request, format: str, rows: int) -> Response:
    """Queue the export of ``view``'s list for ``request``'s user; the 202 answer with the job."""
    view_class = type(view)
    job = job_enqueue(
        kind=KIND,
        params={
            "view": f"{view_class.__module__}.{view_class.__qualname__}",
            "basename": getattr(view, "basename", None),
            "path": request.path,
            "query": exports.export_filters(request),
            "format": format,
            "rows": rows,
            "language": translation.get_language(),
        },
        requested_by=request.user,
        subject_label=exports.export_name(view),
    )
    exports.export_log(
        request=request, view=view, format=format, rows=rows, detail={"job": str(job.public_id)}
    )
    data = JobSerializer(job).data
    return Response(data, status=202, headers={"Location": data["url"], "Retry-After": "2"})


def list_export_run(*, job: Job, progress) -> JobResult:
    """Write the workbook of the job's list, as its requester may see it now."""
    params = job.params
    user = job.requested_by
    if user is None or not user.is_active:
        raise JobFailed(_("The account that asked for this export is no longer active."))
    user = get_user_model().objects.get(pk=user.pk)  # fresh permissions
    with translation.override(params.get("language") or None):
        view = exports.export_view_rebuild(
            view_path=params["view"],
            basename=params["basename"],
            path=params["path"],
            query=params["query"],
            user=user,
        )
        queryset = exports.export_queryset(view)
        columns = view.export_columns()
        name = f"exports/{job.public_id}.xlsx"
        path = job_files().path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Written beside its place and renamed into it, so no reader sees half a workbook.
        handle, partial = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as file:
                count = exports.xlsx_write(
                    file,
                    header=[column.name for column in columns],
                    rows=exports.export_rows(view, queryset, columns),
                    title=exports.export_name(view),
                    progress=progress,
                    total=params.get("rows") or 0,
                )
            os.replace(partial, path)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise
    return JobResult(
        file=name,
        name=f"{params['basename'] or 'export'}-{job.created_at:%Y%m%d-%H%M%S}.xlsx",
        content_type=exports.XLSX_MEDIA_TYPE,
        size=os.path.getsize(path),
        meta={"rows": count},
    )


def list_export_deliver(*, job: Job, user, request=None, channel: str = "api") -> None:
    """Only its requester downloads an export (scoping already says so); each download is logged."""
    if job.requested_by_id != user.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("This export was made for someone else."))
    audit.record(
        user=user,
        action=audit.SensitiveAction.EXPORT,
        detail={
            "list": job.params.get("basename"),
            "path": job.params.get("path"),
            "format": job.params.get("format"),
            "filters": job.params.get("query"),
            "rows": job.result_meta.get("rows"),
            "job": str(job.public_id),
            "download": True,
        },
        request=request,
    )


register(
    JobKind(
        name=KIND,
        label=gettext_lazy("List export"),
        run=list_export_run,
        deliver=list_export_deliver,
        describe=lambda job: _("%(list)s, %(rows)s rows")
        % {"list": job.params.get("basename"), "rows": job.params.get("rows")},
    )
)
exports.job_starter_install(list_export_start)
