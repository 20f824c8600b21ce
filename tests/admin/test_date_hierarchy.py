"""The date drill-down above a changelist and its count: Django's, from one grouped query.

Compared with Django's own tag on the same list, for each level a list can start at, as an
ordinary caseworker (the desk), whose list leaves out what they may not see.
"""

import datetime as dt

import pytest
from django.contrib.admin.templatetags.admin_list import date_hierarchy as django_date_hierarchy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cases.models import Case
from apps.core.admin_lists import date_hierarchy
from apps.core.partial_dates import Precision
from tests.factories import AccessLogFactory, CaseFactory, FactFactory, ProceedingFactory, UserFactory

pytestmark = pytest.mark.django_db


def dated_fact(case, day, statement=None):
    extra = {"statement": statement} if statement else {}
    return FactFactory(case=case, date_start=day, date_end=day, date_precision=Precision.DAY, **extra)


def changelist(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(f"admin:{name}_changelist"), params)
    assert response.status_code == 200
    return response.context["cl"]


def titles(drill_down):
    return [choice["title"] for choice in drill_down["choices"]]


def compared(cl):
    """(ours, Django's, queries ours asked, queries Django's asked) for the same list."""
    with CaptureQueriesContext(connection) as ours:
        drill_down = date_hierarchy(cl)
    with CaptureQueriesContext(connection) as djangos:
        expected = django_date_hierarchy(cl)
    return drill_down, expected, len(ours), len(djangos)


# The desk's shared case already has a fact of January 2016 (tests/conftest.py).
SHAPES = {
    "several years": ([dt.date(2013, 7, 5), dt.date(2015, 3, 1)], ["2013", "2015", "2016"], 0),
    "one year": (
        [dt.date(2016, 3, 1), dt.date(2016, 11, 30)],
        ["January 2016", "March 2016", "November 2016"],
        0,
    ),
    # One month: its days, asked for once the month is known.
    "one month": ([dt.date(2016, 1, 20)], ["January 1", "January 20"], 1),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_the_drill_down_is_djangos_from_the_months_the_list_was_counted_by(client, desk, shape):
    days, expected_titles, queries = SHAPES[shape]
    case = CaseFactory(organization=desk.home)
    for day in days:
        dated_fact(case, day)
    # Out of the caseworker's sight: its year is not offered.
    dated_fact(CaseFactory(organization=desk.hidden.organization), dt.date(2001, 5, 5))
    cl = changelist(client, desk.user, "cases_fact")

    drill_down, expected, ours, djangos = compared(cl)

    assert drill_down == expected
    assert titles(drill_down) == expected_titles
    assert (ours, djangos) == (queries, 2)
    assert cl.result_count == len(days) + 1


def test_a_chosen_year_lists_its_months_as_django_does_without_asking_again(client, desk):
    case = CaseFactory(organization=desk.home)
    for day in (dt.date(2016, 5, 9), dt.date(2017, 5, 9)):
        dated_fact(case, day)
    cl = changelist(client, desk.user, "cases_fact", date_start__year="2016")

    drill_down, expected, ours, _djangos = compared(cl)

    assert drill_down == expected
    assert titles(drill_down) == ["January 2016", "May 2016"]
    assert ours == 0
    assert cl.result_count == 2


def test_a_chosen_month_is_djangos_own_and_counted_by_the_paginator(client, desk):
    dated_fact(CaseFactory(organization=desk.home), dt.date(2016, 1, 9))
    cl = changelist(client, desk.user, "cases_fact", date_start__year="2016", date_start__month="1")

    assert cl.rows_by_month is None
    assert date_hierarchy(cl) == django_date_hierarchy(cl)
    assert titles(date_hierarchy(cl)) == ["January 1", "January 9"]
    assert cl.result_count == 2


def test_a_searched_list_offers_the_years_of_what_was_found(client, desk):
    case = CaseFactory(organization=desk.home)
    for statement, year in (
        ("Deported in 2014.", 2014),
        ("Appealed in 2017.", 2017),
        ("Deported again.", 2019),
    ):
        dated_fact(case, dt.date(year, 2, 2), statement)
    cl = changelist(client, desk.user, "cases_fact", q="deported")

    assert titles(date_hierarchy(cl)) == ["2014", "2019"]
    assert cl.result_count == 2


def test_a_list_with_nothing_dated_offers_no_dates(client, desk):
    cl = changelist(client, desk.user, "cases_fact", q="nothing says this")
    assert date_hierarchy(cl) == django_date_hierarchy(cl) == {"show": True, "back": None, "choices": []}
    assert cl.result_count == 0


def test_undated_rows_are_counted_though_no_date_offers_them(client, desk):
    """Proceedings without a filing date: in the count, not in the drill-down."""
    case = CaseFactory(organization=desk.home)
    ProceedingFactory(
        case=case,
        filed_start=dt.date(2014, 3, 1),
        filed_end=dt.date(2014, 3, 1),
        filed_precision=Precision.DAY,
    )
    ProceedingFactory(case=case)
    ProceedingFactory(case=desk.hidden)
    cl = changelist(client, desk.user, "proceedings_proceeding")
    visible = 1 + 1 + 1  # the two above and the shared case's (tests/conftest.py)

    assert cl.result_count == visible == len(cl.result_list)
    assert titles(date_hierarchy(cl)) == ["March 1"]


def test_the_count_from_the_months_stops_at_the_cap(client, desk, settings):
    settings.ADMIN_COUNT_CAP = 2
    case = CaseFactory(organization=desk.home)
    for year in (2013, 2014, 2015):
        dated_fact(case, dt.date(year, 1, 1))
    cl = changelist(client, desk.user, "cases_fact")

    assert cl.result_count == 2
    assert cl.paginator.is_capped


def test_a_list_not_counted_by_months_asks_for_its_months_once(admin_client):
    """The access log (a plain ModelAdmin, dated by a time of day): the tag's own query."""
    AccessLogFactory()
    cl = admin_client.get(reverse("admin:access_accesslog_changelist")).context["cl"]

    drill_down, expected, ours, djangos = compared(cl)

    assert drill_down == expected and len(drill_down["choices"]) == 1
    assert (ours, djangos) == (2, 2)  # one month: its months, then its days (Django: range, days)


def test_the_changelist_renders_the_drill_down_links(client, desk):
    dated_fact(CaseFactory(organization=desk.home), dt.date(2013, 7, 5))
    client.force_login(desk.user)
    html = client.get(reverse("admin:cases_fact_changelist")).content.decode()
    assert "?date_start__year=2013" in html and "?date_start__year=2016" in html


def test_a_distinct_list_counts_each_row_once_though_its_join_repeats_it(client, desk):
    """Django makes a list DISTINCT when a filter crosses a many-valued relation."""
    case = CaseFactory(organization=desk.home, opened_on=dt.date(2015, 4, 1))
    case.caseworkers.add(desk.user, UserFactory())
    cl = changelist(client, desk.user, "cases_case")
    cl.queryset = Case.objects.filter(pk=case.pk, caseworkers__isnull=False).distinct()  # two joined rows
    del cl.rows_by_month

    assert cl.rows_by_month == [(dt.date(2015, 4, 1), 1)]
