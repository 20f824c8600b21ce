from django.urls import path

from apps.deadlines.views import calendar_feed

urlpatterns = [
    path("<str:token>.ics", calendar_feed, name="deadlines-calendar"),
]
