"""The API route of dossiers, included under /api/v1/ by casetracker/api_urls.py."""

from django.urls import path

from apps.dossiers.views import case_dossier, case_dossiers, signing_key

urlpatterns = [
    path("cases/<str:reference>/dossier/", case_dossier, name="case-dossier"),
    path("cases/<str:reference>/dossiers/", case_dossiers, name="case-dossiers"),
    path("signing-key/", signing_key, name="signing-key"),
]
