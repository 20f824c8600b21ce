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

import datetime
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_list import date_hierarchy as django_date_hierarchy
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    get_fields_from_path,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count
from django.db.models.functions import Trunc
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from apps.core import scoping
from apps.core.api.policies import rows_with_total


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
    """

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
        if counted is None and self._total_comes_with_page(request) and self._get_page_with_total(request):
            return
        request.changelist_rows = (
            None if counted is None else (self.queryset, sum(rows for _month, rows in counted))
        )
        super().get_results(request)

    def _total_comes_with_page(self, request) -> bool:
        """Whether the page is read with the list's total (:func:`rows_with_total`): where the
        user sees few of the records (their scoping rule says, ``scoping.sees_few``: at most
        ``FEW_CASES`` cases' worth), a page of a search or a sort on an unindexed column finds
        every row of the list anyway, and counting them apart found them all a second time (a
        caseworker's search of people: 26 of 83 ms at 100,000 cases). The window counts every
        row, where the capped count stopped at ``ADMIN_COUNT_CAP``: the price of few."""
        query = self.queryset.query
        return (
            not self.show_all
            and not self.list_editable  # its formset wants the page as a queryset
            and not self.model_admin.show_full_result_count
            and not (query.distinct or query.combinator or query.is_sliced)
            and scoping.is_scoped(self.model)
            and scoping.sees_few(self.model, request.user)
        )

    def _get_page_with_total(self, request) -> bool:
        """Set what Django's get_results sets, from the one statement; False where the page
        number finds no row (past the end, or below 1) or lies past the capped count's pages,
        which Django's own get_results then answers as it does (a list of one page shows it
        whatever the number; another is refused)."""
        if self.page_num < 1:
            return False
        rows, total = rows_with_total(self.queryset, (self.page_num - 1) * self.list_per_page, self.list_per_page)
        if not rows and self.page_num > 1:
            return False
        request.changelist_rows = (self.queryset, total)
        self.paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
        self.result_count = self.paginator.count
        self.show_full_result_count = False
        self.show_admin_actions = True
        self.full_result_count = None
        self.result_list = rows
        self.can_show_all = self.result_count <= self.list_max_show_all
        self.multi_page = self.result_count > self.list_per_page
        # Rows past the capped count's last page exist, but Django offers no such page: its
        # get_results refuses it (the paginator knows the count: no query more).
        return self.page_num <= self.paginator.num_pages


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


class _Column:
    """One column of a changelist, looked up once for the page rather than once per cell."""

    def __init__(self, cl, index: int, name, first_link: bool) -> None:
        admin_class = cl.model_admin
        self.name = name
        self.field = None
        self.method = None  # a ModelAdmin method or a callable, called with the row
        try:
            self.field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name):
                self.method = name
            elif hasattr(admin_class, name) and name != "__str__":
                self.method = getattr(admin_class, name)
        attr = self.method
        if self.field is None and self.method is None:
            # A model attribute, property or lookup path: Django's own lookup, for each row.
            attr = getattr(cl.model, name, None) if isinstance(name, str) else None
        self.empty_for_missing = admin_class.get_empty_value_display()  # a related row that is gone
        self.empty = getattr(attr, "empty_value_display", self.empty_for_missing)
        self.boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            self.boolean = getattr(attr.fget, "boolean", False)
        field_class = f"field-{admin_list._coerce_field_name(name, index)}"
        self.classes_for_missing = [field_class]  # Django's, for a related row that is gone
        self.classes = ["action-checkbox"] if name == "action_checkbox" and self.field is None else [field_class]
        if self.field is not None and not self.field.auto_created and isinstance(
            self.field, (models.DateField, models.TimeField, models.ForeignKey)
        ):
            self.classes.append("nowrap")
        if cl.list_display_links is None:
            self.link = False
        elif first_link and not cl.list_display_links:
            self.link = True
        else:
            self.link = name in cl.list_display_links

    def cell(self, cl, row) -> tuple[str, list[str]]:
        """(the cell's text, its classes) for ``row``, as Django's items_for_result shows it."""
        field, classes = self.field, self.classes
        try:
            if self.method is not None:
                value = self.method(row)
            elif field is not None:
                value = getattr(row, self.name)
            else:
                field, attr, value = lookup_field(self.name, row, cl.model_admin)
        except ObjectDoesNotExist:
            return self.empty_for_missing, self.classes_for_missing
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if field is None or field.auto_created:
            if isinstance(value, (datetime.date, datetime.time)):
                classes = [*classes, "nowrap"]
            return display_for_value(value, self.empty, self.boolean), classes
        if isinstance(field.remote_field, models.ManyToOneRel):
            related = getattr(row, field.name)
            return (self.empty if related is None else related), classes
        return display_for_field(value, field, self.empty, avoid_link=self.link), classes


def result_rows(cl) -> list:
    """The rows of a changelist as Django's ``result_list`` renders them (the same HTML), its
    columns resolved once for the page.

    Django's ``items_for_result`` looks every column up again for each cell (an exception
    raised and caught for every column that is an admin method, the empty value's
    translation, the classes, the link's rules): two fifths of an article list's Python
    (docs/performance.md). Lists edited in place (``list_editable``) keep Django's renderer.

    The rows link to their change pages with the list's filters and search carried along
    (``_changelist_filters``), as Django links them; but Django resolves each row's address
    through the whole URL configuration to learn that it is not the changelist's own (two
    links a row on the case list: an eighth of a searched list's time). A change page never
    is, so the filters are parsed once and merged into each address as they are.
    """
    if cl.formset:
        return list(admin_list.results(cl))
    columns, linked = [], False
    for index, name in enumerate(cl.list_display):
        column = _Column(cl, index, name, first_link=not linked)
        linked = linked or column.link
        columns.append(column)
    pk = str(cl.to_field) if cl.to_field else cl.lookup_opts.pk.attname
    link_context = {"preserved_qsl": parse_qsl(cl.preserved_filters)}
    rows = []
    for row in cl.result_list:
        cells, first = [], True
        for column in columns:
            text, classes = column.cell(cl, row)
            row_class = f' class="{" ".join(classes)}"'
            if column.link:
                tag = "th" if first else "td"
                first = False
                try:
                    url = cl.url_for_result(row)
                except NoReverseMatch:
                    inner = conditional_escape(text)
                else:
                    url = add_preserved_filters(link_context, url)
                    opener = format_html(' data-popup-opener="{}"', row.serializable_value(pk)) if cl.is_popup else ""
                    inner = format_html('<a href="{}"{}>{}</a>', url, opener, text)
                cells.append(mark_safe(f"<{tag}{row_class}>{inner}</{tag}>"))
            else:
                cells.append(mark_safe(f"<td{row_class}>{conditional_escape(text)}</td>"))
        rows.append(admin_list.ResultList(None, cells))
    return rows


def result_list(cl) -> dict:
    """Django's ``result_list`` context (headers, hidden fields, rows), the rows from
    :func:`result_rows`."""
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": result_rows(cl),
    }
