"""/api/: version 1 of the REST API, its OpenAPI schema and the interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from apps.agreements.views import AgreementViewSet, ProvisionViewSet
from apps.cases.views import FactViewSet
from apps.deadlines.views import DeadlineViewSet
from apps.documents.views import DocumentViewSet
from apps.people.views import IndividualViewSet, OrganizationViewSet
from apps.proceedings.views import ProceedingViewSet
from apps.sources.views import ArticleViewSet, CitationViewSet, DateReadingViewSet
from apps.webhooks.views import WebhookSubscriptionViewSet
from apps.workspace.views import CaseViewSet


class Router(DefaultRouter):
    include_root_view = False


router = Router()
router.register("individuals", IndividualViewSet, basename="individual")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("cases", CaseViewSet, basename="case")
router.register("proceedings", ProceedingViewSet, basename="proceeding")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("provisions", ProvisionViewSet, basename="provision")
router.register("articles", ArticleViewSet, basename="article")
router.register("citations", CitationViewSet, basename="citation")
router.register("date-readings", DateReadingViewSet, basename="date-reading")
router.register("facts", FactViewSet, basename="fact")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = [
    # GET /api/v1/cases/{reference}/dossier/ — a file response, so a plain view beside the router.
    path("v1/", include("apps.dossiers.urls")),
    # GET /api/v1/jobs/{id}/ and its /result/ (apps/jobs).
    path("v1/", include("apps.jobs.urls")),
    path("v1/", include((router.urls, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
