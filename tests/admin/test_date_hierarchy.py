"""The date drill-down above a changelist: Django's links, from one query instead of two.

Compared with Django's own tag on the same list, for each level a list can start at, as an
ordinary caseworker (the desk), whose list leaves out what they may not see.
"""

import datetime as dt

import pytest
from django.contrib.admin.templatetags.admin_list import date_hierarchy as django_date_hierarchy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.admin_lists import date_hierarchy
from apps.core.partial_dates import Precision
from tests.factories import CaseFactory, FactFactory

pytestmark = pytest.mark.django_db


def dated_fact(case, day):
    return FactFactory(case=case, date_start=day, date_end=day, date_precision=Precision.DAY)


def fact_list(client, desk, **params):
    client.force_login(desk.user)
    response = client.get(reverse("admin:cases_fact_changelist"), params)
    assert response.status_code == 200
    return response


# The desk's shared case already has a fact of January 2016 (tests/conftest.py).
SHAPES = {
    "several years": ([dt.date(2013, 7, 5), dt.date(2015, 3, 1)], ["2013", "2015", "2016"], 1),
    "one year": (
        [dt.date(2016, 3, 1), dt.date(2016, 11, 30)],
        ["January 2016", "March 2016", "November 2016"],
        1,
    ),
    # One month: its days, read once the month is known.
    "one month": ([dt.date(2016, 1, 20)], ["January 1", "January 20"], 2),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_the_drill_down_is_djangos_from_fewer_queries(client, desk, shape):
    days, titles, queries = SHAPES[shape]
    case = CaseFactory(organization=desk.home)
    for day in days:
        dated_fact(case, day)
    # Out of the caseworker's sight: its year is not offered.
    dated_fact(CaseFactory(organization=desk.hidden.organization), dt.date(2001, 5, 5))
    cl = fact_list(client, desk).context["cl"]

    with CaptureQueriesContext(connection) as ours:
        drill_down = date_hierarchy(cl)
    with CaptureQueriesContext(connection) as djangos:
        expected = django_date_hierarchy(cl)

    assert drill_down == expected
    assert [choice["title"] for choice in drill_down["choices"]] == titles
    assert (len(ours), len(djangos)) == (queries, 2)


def test_a_searched_list_offers_the_years_of_what_was_found(client, desk):
    case = CaseFactory(organization=desk.home)
    for statement, year in (
        ("Deported in 2014.", 2014),
        ("Appealed in 2017.", 2017),
        ("Deported again in 2019.", 2019),
    ):
        FactFactory(
            case=case,
            statement=statement,
            date_start=dt.date(year, 2, 2),
            date_end=dt.date(year, 2, 2),
            date_precision=Precision.DAY,
        )
    response = fact_list(client, desk, q="deported")
    assert [choice["title"] for choice in date_hierarchy(response.context["cl"])["choices"]] == [
        "2014",
        "2019",
    ]


def test_a_list_with_nothing_dated_offers_no_dates(client, desk):
    cl = fact_list(client, desk, q="nothing says this").context["cl"]
    assert date_hierarchy(cl) == django_date_hierarchy(cl) == {"show": True, "back": None, "choices": []}


def test_once_a_year_is_chosen_the_drill_down_is_djangos_own(client, desk):
    dated_fact(CaseFactory(organization=desk.home), dt.date(2016, 5, 9))
    cl = fact_list(client, desk, date_start__year="2016").context["cl"]
    assert date_hierarchy(cl) == django_date_hierarchy(cl)
    assert [choice["title"] for choice in date_hierarchy(cl)["choices"]] == ["January 2016", "May 2016"]


def test_the_changelist_renders_the_drill_down_links(client, desk):
    dated_fact(CaseFactory(organization=desk.home), dt.date(2013, 7, 5))
    html = fact_list(client, desk).content.decode()
    assert "?date_start__year=2013" in html and "?date_start__year=2016" in html
