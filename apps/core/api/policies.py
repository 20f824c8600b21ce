"""Policies named in settings.REST_FRAMEWORK: JSON parsing, model permissions, pagination.

DRF imports these classes while ``rest_framework.views`` is loading, so this module must not
import DRF's views (or anything that does). The token-scope permission is the tokens app's.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, parsers, permissions

# -- parsing ----------------------------------------------------------------------------------


def _has_unstorable_text(value) -> bool:
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, from a "\ud800" escape
            return True
        return False
    if isinstance(value, dict):
        return any(_has_unstorable_text(k) or _has_unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_unstorable_text(item) for item in value)
    return False


# No request of this API nests deeper than a few levels (a fact's citations: 3); far deeper is
# an attack on the recursive walks of every layer, and past ~1000 a RecursionError (a 500).
MAX_JSON_DEPTH = 32


def _depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                break
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class StrictJSONParser(parsers.JSONParser):
    """JSON, refusing text that no database column can hold (NUL, lone surrogates) and nesting
    deeper than MAX_JSON_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = exceptions.ParseError(
            _("JSON parse error - nested deeper than %(MAX_JSON_DEPTH)s levels.")
            % {"MAX_JSON_DEPTH": MAX_JSON_DEPTH}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        if _has_unstorable_text(data):
            raise exceptions.ParseError(
                _("JSON parse error - strings may not contain NUL or unpaired surrogates.")
            )
        return data


# -- authorization ----------------------------------------------------------------------------


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django's model permissions, with the view permission required for reads.

    DRF finds the model by building the view's queryset, which for a scoped read is most of
    the work of building it (the user's organizations, shares…); a view that names its
    ``permission_model`` is spared that. Which permission is needed depends only on the model.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def _queryset(self, view):
        model = getattr(view, "permission_model", None)
        if model is not None:
            return model._default_manager.none()
        return super()._queryset(view)


# -- pagination -------------------------------------------------------------------------------


# The name of the column that carries the total on each row of a counted page; no model field
# or API column starts with two underscores.
_TOTAL = "__list_total"


def _countable_with_rows(rows) -> QuerySet | None:
    """The queryset whose page can carry the list's total, or None where the total is counted
    apart: rows not known to be few (apps.core.api.views.RowsCountedBy says; a window counts
    every row before the page is cut, where an indexed page of a large list stops at its 25th),
    ``DISTINCT`` (applied after window functions: the window would count the duplicates), and
    a ``UNION`` (which cannot be annotated)."""
    if not getattr(rows, "count_with_page", False):
        return None
    queryset = rows.rows
    query = queryset.query
    if query.distinct or query.combinator or query.is_sliced:
        return None
    return queryset


class PageWithTotal(Paginator):
    """Django's paginator, but the page's rows bring the list's total with them.

    Django counts a list (``SELECT COUNT(*)``) and then reads the page: two statements that
    each find every row the filters and the caseworker's scope let through. For a scoped search
    of people that finding is most of the time (two 20 ms scans of the caseworker's 1,700
    cases, at 100,000 cases), so where the rows are few the page is read with
    ``COUNT(*) OVER ()``, which the database computes on the rows it has found anyway (for a
    superuser's 300,000 proceedings it would read them all for a page of 25: 1.4 s instead of
    0.05 s, hence "few"). A page past the end has no row to carry
    the total: it is an error, as in Django, without counting. The first page of an empty list
    is an empty page of total 0. Anything a window cannot count (see ``_countable_with_rows``)
    is counted as Django does.
    """

    def page(self, number):
        queryset = _countable_with_rows(self.object_list)
        if queryset is None or self.orphans:
            return super().page(number)
        number = self._page_number(number)
        rows, total = rows_with_total(queryset, (number - 1) * self.per_page, self.per_page)
        if not rows and not (number == 1 and self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        self.__dict__["count"] = total  # Paginator.count is a cached property: this is its value
        return self._get_page(rows, number, self)

    def _page_number(self, number) -> int:
        # Django's validate_number without its comparison to the number of pages, which would
        # need the count first; a page past the end is found empty above.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


def rows_with_total(queryset: QuerySet, bottom: int, size: int) -> tuple[list, int]:
    """Rows ``bottom`` to ``bottom + size`` of ``queryset`` and the number of all its rows, read
    by one statement (``COUNT(*) OVER ()``); the total is 0 when no row is on that page.

    For rows known to be few (``scoping.sees_few``) and a queryset without ``DISTINCT`` or
    ``UNION`` (a window counts before either applies): the database counts every row it finds,
    where a page of a large list stops at its last row.
    """
    rows = list(queryset.annotate(**{_TOTAL: Window(Count("*"))})[bottom : bottom + size])
    return rows, (_take_total(rows) if rows else 0)


def _take_total(rows: list) -> int:
    """The total the rows carry, taken off them so that nothing else sees the column."""
    first = rows[0]
    if isinstance(first, dict):
        total = first[_TOTAL]
        for row in rows:
            del row[_TOTAL]
    else:
        total = getattr(first, _TOTAL)
        for row in rows:
            delattr(row, _TOTAL)
    return total


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages for lists that stay short (cases, people, proceedings…); where the user
    sees few of the rows, each page is read with the list's total (``PageWithTotal``)."""

    django_paginator_class = PageWithTotal
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class CursorPagination(pagination.CursorPagination):
    """Cursors for lists that grow without limit: no request ever counts the table."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at",)
