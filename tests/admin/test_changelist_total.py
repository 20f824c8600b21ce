"""A changelist of records the caseworker sees few of reads its total with its page (one
statement, COUNT(*) OVER ()), and shows what Django's count and page would: the same total,
the same rows, the same answer to a page past the end. Superusers are counted apart."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.people.models import Individual
from tests.factories import CaseFactory, IndividualFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:people_individual_changelist")


@pytest.fixture
def short_pages(monkeypatch):
    monkeypatch.setattr(admin.site._registry[Individual], "list_per_page", 2)


@pytest.fixture
def five_people(desk):
    people = [IndividualFactory(pseudonym=f"Kim {n}") for n in range(5)]
    for person in people:
        CaseFactory(organization=desk.home, subjects=[person])
    return people


def opened(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    return response, [query["sql"] for query in queries.captured_queries]


def counted_apart(statements) -> bool:
    # The paginator's capped count of the list (not the capped count of the caseworker's cases
    # that decides whether their people are few).
    return any(sql.startswith('SELECT COUNT(*) FROM (SELECT "people_individual"."id"') for sql in statements)


def read_with_total(statements) -> bool:
    return any("COUNT(*) OVER ()" in sql for sql in statements)


def test_a_caseworkers_list_of_people_reads_its_total_with_its_page(client, desk, five_people, short_pages):
    client.force_login(desk.user)
    visible = Individual.objects.filter(cases__organization=desk.home, pseudonym__startswith="Kim ")
    response, statements = opened(client, {"q": "Kim", "p": "2"})
    cl = response.context["cl"]
    assert read_with_total(statements) and not counted_apart(statements)
    assert cl.result_count == visible.count() == 5
    assert cl.multi_page and cl.paginator.num_pages == 3
    expected = list(visible.order_by("pseudonym", "-id"))[2:4]
    assert list(cl.result_list) == expected
    assert not any(hasattr(row, "__list_total") for row in cl.result_list)
    assert "5 individuals" in response.content.decode() or "5 people" in response.content.decode()


def test_a_page_past_the_end_is_refused_as_django_refuses_it(client, desk, five_people, short_pages):
    client.force_login(desk.user)
    response = client.get(URL, {"q": "Kim", "p": "9"})
    assert response.status_code == 302 and response.url.endswith("?e=1")
    assert client.get(URL, {"q": "Kim", "p": "0"}).status_code == 302


def test_a_list_of_one_page_shows_it_whatever_the_page_number_as_django_does(client, desk, five_people):
    client.force_login(desk.user)
    for number in ("0", "2", "9"):
        response = client.get(URL, {"q": "Kim", "p": number})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 5 and len(response.context["cl"].result_list) == 5


def test_a_search_that_finds_nobody_is_an_empty_first_page(client, desk, five_people):
    client.force_login(desk.user)
    response, statements = opened(client, {"q": "nobody-by-that-name"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0 and list(response.context["cl"].result_list) == []


def test_one_page_of_people_is_all_of_them(client, desk, five_people):
    client.force_login(desk.user)
    response, _statements = opened(client, {"q": "Kim"})
    cl = response.context["cl"]
    assert cl.result_count == 5 and not cl.multi_page
    assert sorted(person.pk for person in cl.result_list) == sorted(person.pk for person in five_people)


def test_a_superusers_list_is_counted_apart(admin_client, five_people, short_pages):
    response, statements = opened(admin_client, {"q": "Kim"})
    assert counted_apart(statements) and not read_with_total(statements)
    assert response.context["cl"].result_count == 5


def test_a_page_past_the_capped_count_is_refused_as_django_refuses_it(client, desk, five_people, short_pages, settings):
    # Five rows, two a page, the count capped at three: Django offers two pages, and a third
    # has rows but is no page of the list.
    settings.ADMIN_COUNT_CAP = 3
    client.force_login(desk.user)
    second = client.get(URL, {"q": "Kim", "p": "2"})
    assert second.status_code == 200 and second.context["cl"].result_count == 3
    assert second.context["cl"].paginator.num_pages == 2
    third = client.get(URL, {"q": "Kim", "p": "3"})
    assert third.status_code == 302 and third.url.endswith("?e=1")
