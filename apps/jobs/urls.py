"""The API routes of jobs, included under /api/v1/ by casetracker/api_urls.py."""

from django.urls import path

from apps.jobs.views import job_detail, job_result

urlpatterns = [
    path("jobs/<str:id>/", job_detail, name="job-detail"),
    path("jobs/<str:id>/result/", job_result, name="job-result"),
]
