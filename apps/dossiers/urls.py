"""The API route of dossiers, for the project's /api/v1/ (see README: the lead wires it).

path("v1/", include("apps.dossiers.urls"))   # next to the v1 router
"""

from django.urls import path

from apps.dossiers.views import case_dossier

urlpatterns = [
    path("cases/<str:reference>/dossier/", case_dossier, name="case-dossier"),
]
