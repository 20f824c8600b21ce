from django.urls import path

from apps.access import two_factor_views

urlpatterns = [
    path("", two_factor_views.verify, name="two_factor_verify"),
    path("enrol/", two_factor_views.enrol, name="two_factor_enrol"),
]
