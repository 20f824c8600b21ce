"""The API's filter backend: django-filter's, without building a FilterSet that cannot filter.

django-filter builds the view's FilterSet on every request that reaches ``filter_queryset`` —
every list, and every ``get_object()`` — deep-copying its filters and building and validating a
form (a country filter copies its 250 choices), even when the query string names none of its
filters. With no value, every filter leaves the queryset as it is, so that work returns the
queryset unchanged. Named in settings.REST_FRAMEWORK, like the policies (apps.core.api.policies).
"""

from __future__ import annotations

import copy

import django_filters
from django import forms
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


class _FiltersCopiedOneLevel(dict):
    """A FilterSet's filters, which each FilterSet copies: each filter and its keyword
    arguments copied, what they hold shared.

    django-filter deep-copies them for every request, so a country filter's 250 choices (lazy
    translations) were copied on every proceedings query: a fifth of its CPU. A filter's
    state per request is its ``model``, ``parent`` and cached form field, set on the copy, and
    its ``extra`` (where a queryset filter puts the request's queryset), copied here; the
    choices and querysets in it are never changed in place.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copied = copies[name] = copy.copy(filter_)
            copied.extra = dict(filter_.extra)
            if filter_.method is not None:
                copied.method = filter_.method  # its FilterMethod bound to the copy, as a deep copy is
        return copies


class _FieldsWithSharedChoices(dict):
    """A filter form's fields, which each form copies: a plain choice field keeps its choices.

    Django's ``ChoiceField`` deep-copies its choices with the field, for every form; the
    choices of a filter are a fixed list nobody changes in place (setting ``choices`` replaces
    it), so a copy shares them. Every other field is copied as Django copies it.
    """

    def __deepcopy__(self, memo):
        return {
            name: (
                forms.Field.__deepcopy__(field, memo)  # the widget, validators and messages copied
                if type(field).__deepcopy__ is forms.ChoiceField.__deepcopy__
                else copy.deepcopy(field, memo)
            )
            for name, field in self.items()
        }


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, without the per-request copies that cost more than filtering.

    The project's filter sets derive from it; the answers are django-filter's
    (tests/api/test_read_path.py).
    """

    @classmethod
    def get_filters(cls):
        return _FiltersCopiedOneLevel(super().get_filters())

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _FieldsWithSharedChoices(form_class.base_fields)
        return form_class
