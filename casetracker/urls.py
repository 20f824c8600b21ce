from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from apps.workspace.dashboard import dashboard

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
    # The admin's start page is the day's dashboard (apps/workspace/dashboard.py).
    path("admin/", admin.site.admin_view(dashboard), name="dashboard"),
    path("admin/", admin.site.urls),
    # The admin's language switch posts here (Django's set_language: a cookie, then back).
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("casetracker.api_urls")),
    # A user's deadlines as an iCalendar feed, addressed by a secret token (apps/deadlines/views.py).
    path("calendar/", include("apps.deadlines.urls")),
]

# Django's own 400/404/500 pages, as problem details under /api/ and as HTML elsewhere.
handler400 = "apps.core.api.problems.handler400"
handler404 = "apps.core.api.problems.handler404"
handler500 = "apps.core.api.problems.handler500"
