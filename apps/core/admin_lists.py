"""Changelists that stay fast at an NGO network's size (issue 12).

- :class:`CappedCountPaginator`: a changelist counts at most ``ADMIN_COUNT_CAP`` rows (a
  ``COUNT(*)`` over a ``LIMIT``), so that opening a list of a million articles never counts
  them all; above the cap it counts the cap, and offers that many pages (narrow with a filter or search).
- :class:`DatedChangeList` and :func:`date_hierarchy`: a list's date drill-down and its count
  come from one grouped query, where Django runs three.
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
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count
from django.db.models.functions import Trunc
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class CappedCountPaginator(Paginator):
    """A paginator whose count stops at ``ADMIN_COUNT_CAP`` (is_capped says when it did)."""

    #: The rows of the list when something has counted them already (:class:`DatedChangeList`).
    known_count: int | None = None

    @cached_property
    def count(self) -> int:
        cap = settings.ADMIN_COUNT_CAP
        counted = self.known_count
        if counted is None:
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


def _is_datetime(model, path: str) -> bool:
    """Whether the drill-down's field holds times of day (truncated in the current time zone)."""
    return isinstance(get_fields_from_path(model, path)[-1], models.DateTimeField)


class DatedChangeList(ChangeList):
    """A changelist whose date drill-down and row count come from one grouped query.

    Django's date drill-down, on a list with no year chosen yet, asks the database twice
    (``MIN``/``MAX`` of the date, then ``DISTINCT`` years) after the count: on a searched
    list each of those runs the search again (a fact search at 100,000 cases: three scans,
    docs/performance.md). Here the rows per month (:attr:`rows_by_month`) give the months and
    the count in one scan; once a month is chosen the drill-down lists days and the count is
    the paginator's own.

    Its rows link to their change pages with the list's filters and search carried along
    (``_changelist_filters``), written once for the page: Django's row renderer resolves
    each row's address through the whole URL configuration to learn that it is not the
    changelist's own (two links a row on the case list: an eighth of a searched list's time).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What Django's add_preserved_filters() would append to a change page's address,
        # taken from it so that the row renderer finds nothing left to add.
        self.row_link_query, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result) -> str:
        url = super().url_for_result(result)
        return f"{url}?{self.row_link_query}" if self.row_link_query else url

    @cached_property
    def rows_by_month(self) -> list[tuple[object, int]] | None:
        """(month, rows) of the list, the undated rows as ``(None, rows)``; None when not used."""
        name = self.date_hierarchy
        if not name or any(self.params.get(f"{name}__{part}") for part in ("month", "day")):
            return None
        if _is_datetime(self.model, name):
            tzinfo = timezone.get_current_timezone() if settings.USE_TZ else None
            month = Trunc(name, "month", output_field=models.DateTimeField(), tzinfo=tzinfo)
        else:
            month = Trunc(name, "month", output_field=models.DateField())
        # A filter across a many-valued relation makes Django's list DISTINCT: its rows are
        # then counted once each, as the paginator's count of the DISTINCT list would.
        rows = Count("pk", distinct=self.queryset.query.distinct)
        grouped = self.queryset.order_by().annotate(month=month).values("month").annotate(rows=rows)
        return [(row["month"], row["rows"]) for row in grouped]

    def get_results(self, request):
        # Django's get_results counts with the admin's paginator (ServiceAdmin.get_paginator),
        # which sees the request and this list's queryset but not this changelist.
        counted = self.rows_by_month
        request.changelist_rows = (
            None if counted is None else (self.queryset, sum(rows for _month, rows in counted))
        )
        super().get_results(request)


def date_hierarchy(cl) -> dict | None:
    """The changelist's date drill-down, from the months its count was made from.

    On a :class:`DatedChangeList` with no month chosen, the months are its
    :attr:`~DatedChangeList.rows_by_month`; another changelist asks for its distinct months
    once (Django asks twice). More than one year lists years, one year (or a chosen year)
    lists its months, one month asks once more for its days. Once a month or a day is
    chosen, Django's tag answers unchanged.
    """
    if not cl.date_hierarchy:
        return None
    name = cl.date_hierarchy
    year_field, month_field, day_field = f"{name}__year", f"{name}__month", f"{name}__day"
    chosen_year = cl.params.get(year_field)
    counted = getattr(cl, "rows_by_month", None)
    if cl.params.get(month_field) or cl.params.get(day_field) or (chosen_year and counted is None):
        return django_date_hierarchy(cl)
    truncate = cl.queryset.datetimes if _is_datetime(cl.model, name) else cl.queryset.dates

    def link(filters):
        return cl.get_query_string(filters, [f"{name}__"])

    if counted is not None:
        months = sorted(month for month, _rows in counted if month is not None)
    else:
        months = list(truncate(name, "month"))
    years = sorted({month.year for month in months})
    if chosen_year or (len(years) == 1 and len(months) > 1):
        year = chosen_year or years[0]
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
    if len(years) != 1:  # none (no dated rows) or several
        return {
            "show": True,
            "back": None,
            "choices": [{"link": link({year_field: str(year)}), "title": str(year)} for year in years],
        }
    year, month = years[0], months[0].month
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
