"""The fixed cost of a read, cut without changing an answer (docs/performance.md, 2026-12-01):
a FilterSet is built only when the query string can reach one of its filters, and a view's
scoped queryset is built once per reading request."""

from types import SimpleNamespace

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.filters import CaseFilter
from apps.cases.models import Case
from apps.core.api.filtering import FilterSet, reaches_filter
from apps.core.api.views import built_once_per_read
from apps.proceedings.filters import ProceedingFilter
from casetracker.api_urls import router
from tests.factories import CaseFactory, ProceedingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filtersets_built(monkeypatch):
    """How many CaseFilters the requests build."""
    built = []
    original = CaseFilter.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(CaseFilter, "__init__", counting)
    return built


def test_no_filter_of_the_api_is_required():
    # A required filter would refuse a request naming none; the backend skips such requests.
    for _prefix, viewset, _basename in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is None:
            continue
        for name, filter_ in filterset_class.base_filters.items():
            assert not filter_.extra.get("required"), f"{filterset_class.__name__}.{name} is required"


def test_a_range_filter_is_reached_by_its_suffixed_keys():
    class OpenedFilter(django_filters.FilterSet):
        opened = django_filters.DateFromToRangeFilter(field_name="opened_on")

        class Meta:
            model = Case
            fields = ["status"]

    assert reaches_filter(OpenedFilter, {"opened_after": "2016-01-01"})
    assert reaches_filter(OpenedFilter, {"status": "open"})
    assert not reaches_filter(OpenedFilter, {"page": "2", "ordering": "-opened_on", "page_size": "5"})
    assert not reaches_filter(OpenedFilter, {})


def test_a_list_naming_no_filter_builds_no_filterset(api, desk, filtersets_built):
    response = api.get("/api/v1/cases/", {"page_size": 5, "ordering": "reference"})
    assert response.status_code == 200
    assert filtersets_built == []
    assert response.json()["count"] == Case.objects.exclude(pk=desk.hidden.pk).count()


def test_a_list_naming_a_filter_is_filtered(api, desk, filtersets_built):
    urgent = CaseFactory(organization=desk.home, priority=Case.Priority.URGENT)
    response = api.get("/api/v1/cases/", {"priority": Case.Priority.URGENT})
    assert response.status_code == 200
    assert len(filtersets_built) == 1
    assert [case["reference"] for case in response.json()["results"]] == [urgent.reference]


def test_a_filter_on_a_detail_address_still_applies(api, desk):
    # As DRF's get_object() does: the detail is looked up in the filtered queryset.
    url = f"/api/v1/cases/{desk.shared.reference}/"
    assert api.get(url).status_code == 200
    assert api.get(url, {"status": "closed"}).status_code == 404
    assert api.get(url, {"status": desk.shared.status}).status_code == 200


def test_a_filter_value_of_the_wrong_type_is_still_refused(api):
    response = api.get("/api/v1/cases/", {"priority_min": "urgent"})
    assert response.status_code == 400
    assert "priority_min" in response.json()["errors"]


def test_a_read_builds_the_scoped_queryset_once(api, monkeypatch):
    from apps.workspace import views

    calls = []
    original = views.case_list

    def counting(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(views, "case_list", counting)
    assert api.get("/api/v1/cases/").status_code == 200
    assert len(calls) == 1  # the model permissions' call and the list's share one


class Viewish:
    """The part of a view that ``built_once_per_read`` reads."""

    def __init__(self, method, user, action="list"):
        self.request = SimpleNamespace(method=method, user=user)
        self.action = action
        self.built = 0

    @built_once_per_read
    def get_queryset(self):
        self.built += 1
        return Case.objects.filter(status="open")


def test_each_caller_of_a_read_gets_its_own_copy_of_one_queryset():
    view = Viewish("GET", UserFactory())
    first, second = view.get_queryset(), view.get_queryset()
    assert view.built == 1
    assert first is not second
    assert str(first.query) == str(second.query)
    list(first)
    assert second._result_cache is None  # no fetched rows shared


def test_a_queryset_is_built_anew_for_a_write_another_action_or_another_user():
    writing = Viewish("PATCH", UserFactory())
    writing.get_queryset(), writing.get_queryset()
    assert writing.built == 2

    reading = Viewish("GET", UserFactory())
    reading.get_queryset()
    reading.action = "retrieve"
    reading.get_queryset()
    assert reading.built == 2
    reading.request.user = UserFactory()
    reading.get_queryset()
    assert reading.built == 3


@pytest.mark.parametrize("suffix", ["", "timeline/"])
def test_a_case_address_no_reference_can_have_is_a_404(api, desk, suffix):
    # A NUL in the address: PostgreSQL refuses it even as a parameter; it names no case.
    response = api.get(f"/api/v1/cases/CT%00{desk.shared.reference}/{suffix}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_every_filterset_of_the_api_copies_its_filters_one_level_deep():
    for _prefix, viewset, _basename in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is not None:
            assert issubclass(filterset_class, FilterSet), filterset_class.__name__


def test_two_filtersets_share_no_state_a_request_sets():
    first, second = ProceedingFilter({"country": "RU"}), ProceedingFilter({"country": "XX"})

    for name, base in ProceedingFilter.base_filters.items():
        one, other = first.filters[name], second.filters[name]
        assert one is not other is not base
        assert one.extra is not other.extra is not base.extra
        assert (one.parent, other.parent) == (first, second)
    # A method filter calls its own filter set's method, as after django-filter's deep copy.
    assert first.filters["agreement"].filter.f is first.filters["agreement"]
    # The forms validate apart; their choice fields offer the same choices, and setting one
    # form's choices leaves the other's.
    assert first.is_valid() and not second.is_valid()
    assert "country" in second.errors
    one, other = first.form.fields["country"], second.form.fields["country"]
    assert one is not other and one.widget is not other.widget
    assert list(one.choices) == list(other.choices)
    other.choices = [("RU", "Russia")]
    assert len(list(one.choices)) > 200 and len(list(other.choices)) < 5


def test_a_filtered_list_answers_as_before(api, desk):
    # The country and kind filters through the copies: filtered, and a wrong value refused.
    response = api.get("/api/v1/proceedings/", {"kind": "appeal", "country": "RU"})
    assert response.status_code == 200
    assert all(row["kind"] == "appeal" for row in response.json()["results"])
    refused = api.get("/api/v1/proceedings/", {"country": "Narnia"})
    assert refused.status_code == 400
    assert "country" in refused.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/proceedings/", "/api/v1/individuals/"])
def test_a_lists_total_comes_with_its_page_and_is_its_rows(api, desk, path):
    # Proceedings with and without a subject, appealed and not: every join the columns need.
    for case in (CaseFactory(organization=desk.home), CaseFactory(organization=desk.second)):
        first = ProceedingFactory(case=case, subject=case.subjects.get())
        ProceedingFactory(case=case, subject=None, appeal_of=first, kind="appeal")
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"page_size": 2})
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "__count" in sql]  # no COUNT of its own
    assert len([sql for sql in statements if "COUNT(*) OVER ()" in sql]) == 1

    total, listed, page = response.json()["count"], [], 1
    while True:
        body = api.get(path, {"page_size": 2, "page": page}).json()
        assert body["count"] == total
        assert not [row for row in body["results"] if "__list_total" in row]
        listed += body["results"]
        if body["next"] is None or page > 20:
            break
        page += 1
    assert total == len(listed) == len({row["id"] for row in listed}) >= 3


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/proceedings/", "/api/v1/individuals/"])
def test_the_last_page_is_found_by_a_count_without_the_columns_joins(api, desk, path):
    # ?page=last needs the number of pages before the page: Django's count, on the records
    # (apps.core.api.views.RowsCountedBy), which the columns' joins never change.
    for case in (CaseFactory(organization=desk.home), CaseFactory(organization=desk.second)):
        first = ProceedingFactory(case=case, subject=case.subjects.get())
        ProceedingFactory(case=case, subject=None, appeal_of=first, kind="appeal")
    total = api.get(path, {"page_size": 2}).json()["count"]
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"page_size": 2, "page": "last"})
    assert response.status_code == 200
    counts = [query["sql"] for query in queries.captured_queries if "__count" in query["sql"]]
    assert len(counts) == 1
    assert " JOIN " not in counts[0]
    body = response.json()
    assert body["count"] == total and body["next"] is None
    assert len(body["results"]) == total - 2 * ((total - 1) // 2)
