"""A numbered page brings its list's total (apps.core.api.policies.PageWithTotal): the answers
of Django's paginator, without a COUNT of their own."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.cases import scoping as case_scoping
from apps.cases.models import Case
from apps.cases.scoping import visible_cases
from apps.core import scoping
from apps.core.api.policies import PageWithTotal
from apps.people.models import Individual, Organization
from apps.proceedings.models import Proceeding
from tests.factories import IndividualFactory, OrganizationFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_empty_list_is_one_empty_page_of_total_zero(api, desk):
    response = api.get("/api/v1/individuals/", {"search": "nobody by this name"})
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("page", ["9", "0", "-1", "two", "1.5"])
def test_a_page_that_is_not_there_is_refused_as_before(api, desk, page):
    desk.proceeding()
    response = api.get("/api/v1/proceedings/", {"page": page})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert "page" in response.json()["detail"].lower()


def test_the_total_and_the_links_are_those_of_every_page(api, desk):
    for _ in range(5):
        desk.proceeding()  # two proceedings each: an appeal and what it appeals
    total = Proceeding.objects.filter(case__in=visible_cases(desk.user)).count()
    assert total == 11  # and the shared case's
    pages = [api.get("/api/v1/proceedings/", {"page_size": 3, "page": n}).json() for n in (1, 2, 3, 4)]
    assert [page["count"] for page in pages] == [total] * 4
    assert [len(page["results"]) for page in pages] == [3, 3, 3, 2]
    assert [page["next"] is None for page in pages] == [False, False, False, True]
    assert pages[0]["previous"] is None and pages[3]["previous"] is not None
    assert len({row["id"] for page in pages for row in page["results"]}) == total


def test_model_instances_carry_no_extra_attribute(db):
    for name in ("Memorial", "UNHCR", "FMS"):
        OrganizationFactory(name=name)
    queryset = Organization.objects.order_by("name")
    page = PageWithTotal(queryset, 2).page(1)
    assert page.paginator.count == 3 and page.paginator.num_pages == 2
    assert [organization.name for organization in page] == ["FMS", "Memorial"]
    assert not [organization for organization in page if hasattr(organization, "__list_total")]


def test_a_distinct_list_is_counted_as_django_counts_it(db):
    # DISTINCT comes after a window function: a window would count the duplicates the join makes.
    parent = OrganizationFactory(name="Federal Migration Service")
    for name in ("FMS Moscow", "FMS Amur"):
        OrganizationFactory(name=name, parent=parent)
    queryset = Organization.objects.filter(branches__isnull=False).distinct().order_by("name")
    with CaptureQueriesContext(connection) as queries:
        page = PageWithTotal(queryset, 10).page(1)
        total = page.paginator.count
    assert total == 1 and [organization.name for organization in page] == ["Federal Migration Service"]
    assert not [query for query in queries.captured_queries if " OVER " in query["sql"]]


def test_page_numbers_are_validated_as_django_validates_them(db):
    OrganizationFactory()
    paginator = PageWithTotal(Organization.objects.order_by("name"), 10)
    with pytest.raises(PageNotAnInteger):
        paginator.page("two")
    with pytest.raises(PageNotAnInteger):
        paginator.page(1.5)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(EmptyPage):
        paginator.page(2)
    assert len(paginator.page(1.0)) == 1


def _statements(api, path):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200
    return response.json(), [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/proceedings/", "/api/v1/individuals/"])
def test_who_sees_many_has_the_list_counted_apart(api, desk, path, monkeypatch):
    # A window counts every row before the page is cut: for a superuser's 300,000 proceedings
    # that is 1.4 s where the count apart and an indexed page take 0.05 s (docs/performance.md).
    for _ in range(2):
        desk.proceeding()
    few, with_page = _statements(api, path)
    assert [sql for sql in with_page if "COUNT(*) OVER ()" in sql]

    monkeypatch.setattr(case_scoping, "FEW_CASES", 1)
    many, apart = _statements(api, path)
    assert not [sql for sql in apart if " OVER " in sql]
    assert len([sql for sql in apart if "__count" in sql]) == 1
    assert many == few

    superuser = APIClient()
    superuser.force_authenticate(SuperuserFactory())
    everything, statements = _statements(superuser, path)
    assert not [sql for sql in statements if " OVER " in sql]
    assert everything["count"] > few["count"]  # the hidden organization's records too


def test_a_caseworker_sees_few_cases_counted_with_a_limit(desk, monkeypatch):
    desk.case(), desk.case()
    assert case_scoping.sees_few_cases(desk.user)
    visible = visible_cases(desk.user).count()
    assert visible >= 2
    assert case_scoping.sees_few_cases(desk.user, at_most=visible)
    assert not case_scoping.sees_few_cases(desk.user, at_most=visible - 1)
    assert not case_scoping.sees_few_cases(SuperuserFactory())
    assert scoping.sees_few(Case, UserFactory(is_active=False))
    # Reference material is everyone's: never known to be few.
    assert not scoping.sees_few(Organization, desk.user)
    # People in no case count with the cases: an import of people alone makes them many.
    monkeypatch.setattr(case_scoping, "FEW_CASES", visible + 1)
    assert scoping.sees_few(Individual, desk.user)
    IndividualFactory(), IndividualFactory()
    assert Individual.objects.filter(in_a_case=False).count() >= 2
    assert not scoping.sees_few(Individual, desk.user)
    assert scoping.sees_few(Case, desk.user)
