"""Changelists that stay fast at an NGO network's size (issue 12).

- :class:`CappedCountPaginator`: a changelist counts at most ``ADMIN_COUNT_CAP`` rows (a
  ``COUNT(*)`` over a ``LIMIT``), so that opening a list of a million articles never counts
  them all; above the cap it counts the cap, and offers that many pages (narrow with a filter or search).
- :class:`TypedLookupFilter`: a sidebar filter where the caseworker types the value (a case
  reference, an outlet's name) instead of choosing among links rendered for every related
  record; Django's ``RelatedOnlyFieldListFilter`` reads the whole table to list them.

Every :class:`apps.core.admin.ServiceAdmin` uses the paginator and shows no full count
(``show_full_result_count = False``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class CappedCountPaginator(Paginator):
    """A paginator whose count stops at ``ADMIN_COUNT_CAP`` (is_capped says when it did)."""

    @cached_property
    def count(self) -> int:
        cap = settings.ADMIN_COUNT_CAP
        # Only the ids: the list's annotations (citation counts…) would be computed per row.
        rows = self.object_list.order_by()
        if hasattr(rows, "values"):
            rows = rows.values("pk")
        counted = rows[: cap + 1].count()
        self.is_capped = counted > cap
        return min(counted, cap)

    is_capped = False


class TypedLookupFilter(admin.SimpleListFilter):
    """A filter with a text box: ``lookup`` (e.g. ``case__reference``) equals what was typed.

    Subclass with ``title``, ``parameter_name`` and ``lookup``; ``lookup_expr`` may be
    ``iexact`` or ``istartswith``.
    """

    template = "admin/core/typed_lookup_filter.html"
    lookup: str = ""
    lookup_expr = "iexact"
    placeholder = ""

    def lookups(self, request, model_admin):
        return ()

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        # The template renders the text box; one entry carries the query string without this
        # filter, so that the other filters and the search stay when it is submitted.
        yield {
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "placeholder": self.placeholder,
            "other_params": {
                key: values for key, values in changelist.filter_params.items() if key != self.parameter_name
            },
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "clear_label": _("All"),
        }

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        return queryset.filter(**{f"{self.lookup}__{self.lookup_expr}": value})


class FixedChoicesFilter(admin.SimpleListFilter):
    """A filter on a column whose choices are given (``choices``), not read from the table:
    Django's default for a plain column is ``SELECT DISTINCT`` over every row."""

    field = ""
    choices_list: list[tuple[str, str]] = []

    def lookups(self, request, model_admin):
        return self.choices_list

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset
