"""Changelists that stay fast at an NGO network's size (issue 12).

- :class:`CappedCountPaginator`: a changelist counts at most ``ADMIN_COUNT_CAP`` rows (a
  ``COUNT(*)`` over a ``LIMIT``), so that opening a list of a million articles never counts
  them all; above the cap it counts the cap, and offers that many pages (narrow with a filter or search).
- :func:`date_hierarchy`: the date drill-down above a list finds its level in one query, not two.
- :class:`TypedLookupFilter`: a sidebar filter where the caseworker types the value (a case
  reference, an outlet's name) instead of choosing among links rendered for every related
  record; Django's ``RelatedOnlyFieldListFilter`` reads the whole table to list them.

Every :class:`apps.core.admin.ServiceAdmin` uses the paginator and shows no full count
(``show_full_result_count = False``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy as django_date_hierarchy
from django.contrib.admin.utils import get_fields_from_path
from django.core.paginator import Paginator
from django.db import models
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.text import capfirst
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


def date_hierarchy(cl) -> dict | None:
    """The changelist's date drill-down, starting level found in one pass over the list.

    Django's own tag, on a list with no year chosen yet, asks the database twice: ``MIN`` and
    ``MAX`` of the date to pick the level, then ``DISTINCT`` years. On a searched list each
    of those re-runs the search (a fact search at 100,000 cases: three scans of ~45 ms where
    one lists what is needed; docs/performance.md). Here the distinct months answer both: more
    than one year lists years, one year lists its months, one month asks once more for its days.
    Once the caseworker has chosen a year, month or day, Django's tag answers unchanged.
    """
    if not cl.date_hierarchy:
        return None
    name = cl.date_hierarchy
    year_field, month_field, day_field = f"{name}__year", f"{name}__month", f"{name}__day"
    if any(cl.params.get(field) for field in (year_field, month_field, day_field)):
        return django_date_hierarchy(cl)
    field = get_fields_from_path(cl.model, name)[-1]
    truncate = cl.queryset.datetimes if isinstance(field, models.DateTimeField) else cl.queryset.dates

    def link(filters):
        return cl.get_query_string(filters, [f"{name}__"])

    months = list(truncate(name, "month"))
    years = sorted({month.year for month in months})
    if len(years) != 1:  # none (no dated rows) or several
        return {
            "show": True,
            "back": None,
            "choices": [{"link": link({year_field: str(year)}), "title": str(year)} for year in years],
        }
    year = years[0]
    if len(months) > 1:
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month.month}),
                    "title": capfirst(formats.date_format(month, "YEAR_MONTH_FORMAT")),
                }
                for month in months
            ],
        }
    month = months[0].month
    return {
        "show": True,
        "back": {"link": link({year_field: year}), "title": str(year)},
        "choices": [
            {
                "link": link({year_field: year, month_field: month, day_field: day.day}),
                "title": capfirst(formats.date_format(day, "MONTH_DAY_FORMAT")),
            }
            for day in truncate(name, "day")
        ],
    }
