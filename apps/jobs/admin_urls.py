"""Admin pages of jobs, included under admin/jobs/ (see casetracker/urls.py)."""

from django.contrib import admin
from django.urls import path

from apps.jobs.admin_views import job_download_view, jobs_status_view

app_name = "jobs_admin"

urlpatterns = [
    path("", admin.site.admin_view(jobs_status_view), name="status"),
    path("<str:id>/download/", admin.site.admin_view(job_download_view), name="download"),
]
