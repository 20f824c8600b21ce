"""The API's filter backend: django-filter's, without building a FilterSet that cannot filter.

django-filter builds the view's FilterSet on every request that reaches ``filter_queryset`` —
every list, and every ``get_object()`` — deep-copying its filters and building and validating a
form (a country filter copies its 250 choices), even when the query string names none of its
filters. With no value, every filter leaves the queryset as it is, so that work returns the
queryset unchanged. Named in settings.REST_FRAMEWORK, like the policies (apps.core.api.policies).
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend


def reaches_filter(filterset_class, parameters) -> bool:
    """Whether a query string with the keys ``parameters`` could give a value to a filter of
    ``filterset_class``.

    A filter's form field reads its own name, and a widget of several inputs (a range, a date
    range) reads the name followed by a suffix (``opened_after`` of ``opened``): a key that
    starts with a filter's name may reach it, and only such a key can.
    """
    names = tuple(filterset_class.base_filters)
    return any(key.startswith(names) for key in parameters)


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipping the FilterSet when no query parameter can reach it.

    Exactly the same answers: without a value no filter changes the queryset, and none of the
    project's filters is required (a required one would refuse a request that names none, so
    ``tests/api/test_filtering.py`` checks that none is).
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not reaches_filter(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
