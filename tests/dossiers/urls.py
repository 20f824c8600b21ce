"""The project's URLs plus the dossier API route, until the lead wires it into /api/v1/."""

from django.urls import include, path

from casetracker.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("api/v1/", include("apps.dossiers.urls")), *project_urlpatterns]
