from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = "Casetracker"
admin.site.site_title = "Casetracker"
admin.site.index_title = _("Cases, people and sources")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Before admin.site.urls, whose catch-all view would answer first.
    path("admin/dossiers/", include("apps.dossiers.admin_urls")),
    # The second sign-in step (apps/access/two_factor.py).
    path("admin/two-factor/", include("apps.access.two_factor_urls")),
    path("admin/jobs/", include("apps.jobs.admin_urls")),
    path("admin/", admin.site.urls),
    # The admin's language switch posts here (Django's set_language: a cookie, then back).
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("casetracker.api_urls")),
]

# Django's own 400/404/500 pages, as problem details under /api/ and as HTML elsewhere.
handler400 = "apps.core.api.problems.handler400"
handler404 = "apps.core.api.problems.handler404"
handler500 = "apps.core.api.problems.handler500"
