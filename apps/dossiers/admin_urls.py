"""Admin pages of dossiers, included under admin/dossiers/ (see casetracker/urls.py)."""

from django.contrib import admin
from django.urls import path

from apps.dossiers.admin_views import dossier_generate_view

app_name = "dossiers_admin"

urlpatterns = [
    path("generate/", admin.site.admin_view(dossier_generate_view), name="generate"),
]
