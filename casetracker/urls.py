from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Casetracker"
admin.site.site_title = "Casetracker"
admin.site.index_title = "Cases, people and sources"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]
