"""GET /api/v1/jobs/{id}/ (state, progress, result link) and GET /api/v1/jobs/{id}/result/ (the file)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.core.api.policies import ModelPermissions
from apps.core.api.problems import Conflict
from apps.jobs.selectors import job_get
from apps.jobs.serializers import JobSerializer
from apps.jobs.services import ResultGone, ResultNotReady, job_result_open


class Gone(exceptions.APIException):
    status_code = 410
    default_detail = "This result is no longer kept."
    default_code = "gone"


class JobViewMixin:
    # A job is visible to who asked for it (apps/jobs/scoping.py): no model permission on jobs
    # to hand out; the token scope and authentication still apply.
    permission_classes = [p for p in api_settings.DEFAULT_PERMISSION_CLASSES if p is not ModelPermissions]

    def job(self, request, id):
        job = job_get(user=request.user, public_id=id)
        if job is None:
            raise Http404(_("No such job."))
        return job


class JobDetailView(JobViewMixin, APIView):
    """A job: its state, progress and, once it succeeded, the link to its result."""

    @extend_schema(
        operation_id="jobs_retrieve", summary="A job", tags=["jobs"], responses={200: JobSerializer}
    )
    def get(self, request, id):
        job = self.job(request, id)
        response = Response(JobSerializer(job).data)
        if not job.finished:
            # How soon a client polling this address may ask again.
            response["Retry-After"] = "2"
        return response


class JobResultView(JobViewMixin, APIView):
    """The file a job made; 409 while it is not done, 410 once pruned. Every download is logged."""

    def perform_content_negotiation(self, request, force=False):
        renderer = JSONRenderer()  # files bypass renderers; errors are JSON
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="jobs_result_retrieve",
        summary="A job's result file",
        tags=["jobs"],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, id):
        job = self.job(request, id)
        try:
            file, name, content_type = job_result_open(
                job=job, user=request.user, request=request, channel="api"
            )
        except ResultNotReady as exc:
            raise Conflict(
                _("The job is %(state)s: its result is not ready. GET %(url)s until its state is succeeded.")
                % {"state": job.get_state_display().lower(), "url": JobSerializer(job).data["url"]}
            ) from exc
        except ResultGone as exc:
            raise Gone(
                _("This result is no longer kept (results are kept for a few days): start a new job.")
            ) from exc
        response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
        response["Cache-Control"] = "no-store"
        return response


job_detail = JobDetailView.as_view()
job_result = JobResultView.as_view()
