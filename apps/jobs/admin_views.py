"""The admin's job page: progress of one or more jobs, refreshing itself, and their downloads.

Registered under /admin/jobs/ by casetracker/urls.py, wrapped in ``admin.site.admin_view``.
No script: the page reloads itself every few seconds while a job is unfinished.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.jobs.registry import kind_get
from apps.jobs.selectors import job_get, jobs_get
from apps.jobs.services import ResultGone, ResultNotReady, job_result_open

REFRESH_SECONDS = 2


def jobs_page_url(jobs) -> str:
    """The admin page that follows ``jobs``."""
    return reverse("jobs_admin:status") + "?" + urlencode([("job", str(job.public_id)) for job in jobs])


def jobs_status_view(request):
    """GET ?job=<id>&job=<id>: each job's state, progress, error, and its download when done."""
    jobs = jobs_get(user=request.user, public_ids=request.GET.getlist("job"))
    if not jobs:
        raise Http404(_("No such job."))
    for job in jobs:
        job.description = _describe(job)
    unfinished = [job for job in jobs if not job.finished]
    context = {
        **admin.site.each_context(request),
        "title": _("Job") if len(jobs) == 1 else _("Jobs"),
        "jobs": jobs,
        "refresh": REFRESH_SECONDS if unfinished else None,
        "back": request.GET.get("back", ""),
    }
    return TemplateResponse(request, "admin/jobs/status.html", context)


def _describe(job) -> str:
    try:
        kind = kind_get(job.kind)
    except LookupError:
        return job.kind
    return kind.describe(job) if kind.describe else str(kind.label)


def job_download_view(request, id):
    """The job's file, checked and logged by its kind; back to the job page if it cannot be had."""
    job = job_get(user=request.user, public_id=id)
    if job is None:
        raise Http404(_("No such job."))
    try:
        file, name, content_type = job_result_open(
            job=job, user=request.user, request=request, channel="admin"
        )
    except ResultNotReady:
        messages.warning(request, _("This job has not finished yet."))
        return redirect(jobs_page_url([job]))
    except ResultGone:
        messages.error(
            request, _("This file is no longer kept (results are kept for a few days): start again.")
        )
        return redirect(jobs_page_url([job]))
    except PermissionDenied:
        raise
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "no-store"  # a full dossier must not sit in a shared cache
    return response
