"""The case page: proceedings and facts recorded with their supporting quote, in one save."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cases.models import Case, Fact
from apps.core.partial_dates import PartialDate, Precision
from apps.proceedings.models import Proceeding
from apps.sources.models import Citation
from tests.admin.conftest import KIM_ARTICLE_BODY
from tests.admin.forms import inline_formset, page_data
from tests.factories import CaseFactory, FactFactory, ProceedingFactory, UserFactory

pytestmark = pytest.mark.django_db


def case_url(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def with_new_row(data, prefix, **fields):
    """Fill the first empty row of an inline (the "extra" form) with ``fields``."""
    row = int(data[f"{prefix}-INITIAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{row}-{name}"] = value
    return row


def test_the_case_page_records_a_proceeding_with_its_supporting_quote(
    admin_client, kim_case, fms, kim_article
):
    data = page_data(admin_client.get(case_url(kim_case)))
    with_new_row(
        data,
        "proceedings",
        kind=Proceeding.Kind.TEMPORARY_ASYLUM,
        authority=fms.pk,
        filed="autumn 2015",
        decided="January 2016",
        outcome=Proceeding.Outcome.REFUSED,
        support_article=kim_article.pk,
        support_quote="refused temporary asylum to a North Korean refugee",
    )
    proceedings_before, citations_before = Proceeding.objects.count(), Citation.objects.count()

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Proceeding.objects.count() == proceedings_before + 1
    assert Citation.objects.count() == citations_before + 1
    proceeding = Proceeding.objects.get(kind=Proceeding.Kind.TEMPORARY_ASYLUM, filed_start__year=2015)
    assert proceeding.case == kim_case
    assert proceeding.filed == PartialDate(2015, Precision.SEASON, 9)
    assert str(proceeding.decided) == "January 2016"
    assert proceeding.country == fms.country  # taken from the authority
    assert proceeding.status == Proceeding.Status.DECIDED  # it has an outcome
    citation = proceeding.citations.get()
    assert citation.article == kim_article
    assert KIM_ARTICLE_BODY[citation.start : citation.end] == citation.quote
    assert citation.added_by is not None and citation.added_by.is_superuser


def test_a_wrong_quote_saves_nothing_and_is_reported_on_its_row(admin_client, kim_case, fms, kim_article):
    data = page_data(admin_client.get(case_url(kim_case)))
    data["title"] = "Kim: asylum in Russia (renamed)"  # the rest of the page must not be saved either
    row = with_new_row(
        data,
        "proceedings",
        kind=Proceeding.Kind.APPEAL,
        authority=fms.pk,
        support_article=kim_article.pk,
        support_quote="Russia granted asylum to Kim",
    )
    proceedings_before, citations_before = Proceeding.objects.count(), Citation.objects.count()

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 200
    errors = inline_formset(response, "proceedings").errors[row]
    assert errors["support_quote"] == ["This text does not appear in the article. Copy the words exactly."]
    assert "This text does not appear in the article" in response.content.decode()
    assert Proceeding.objects.count() == proceedings_before
    assert Citation.objects.count() == citations_before
    kim_case.refresh_from_db()
    assert kim_case.title == "Kim: asylum in Russia"


def test_a_quote_without_its_article_is_refused(admin_client, kim_case, fms):
    data = page_data(admin_client.get(case_url(kim_case)))
    row = with_new_row(
        data, "proceedings", kind=Proceeding.Kind.APPEAL, authority=fms.pk, support_quote="refused"
    )

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 200
    assert inline_formset(response, "proceedings").errors[row]["support_article"] == [
        "Choose the article the quote comes from."
    ]
    assert not Proceeding.objects.filter(kind=Proceeding.Kind.APPEAL).exists()


def test_dates_out_of_order_are_reported_on_the_row(admin_client, kim_case, fms):
    data = page_data(admin_client.get(case_url(kim_case)))
    row = with_new_row(
        data,
        "proceedings",
        kind=Proceeding.Kind.APPEAL,
        authority=fms.pk,
        filed="2016",
        decided="spring 2014",
    )

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 200
    assert "is before filed" in str(inline_formset(response, "proceedings").errors[row])
    assert not Proceeding.objects.filter(kind=Proceeding.Kind.APPEAL).exists()


def test_a_partial_date_that_cannot_be_read_is_reported(admin_client, kim_case, fms):
    data = page_data(admin_client.get(case_url(kim_case)))
    row = with_new_row(
        data, "proceedings", kind=Proceeding.Kind.APPEAL, authority=fms.pk, filed="the other day"
    )

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 200
    assert "is not a date we can read" in inline_formset(response, "proceedings").errors[row]["filed"][0]


def test_an_existing_proceeding_is_changed_on_its_own_page_which_returns_to_the_case_file(
    admin_client, kim_case, kim_article
):
    # The case file shows recorded proceedings read-only (no form row each); its link opens the
    # proceeding's own page, where a quote typed adds a citation, and the save comes back.
    proceeding = kim_case.proceedings.get()
    page = admin_client.get(case_url(kim_case))
    assert inline_formset(page, "proceedings").initial_form_count() == 0
    own_page = f"{reverse('admin:proceedings_proceeding_change', args=[proceeding.pk])}?_return={case_url(kim_case)}"
    assert f'href="{own_page}"' in page.content.decode()
    data = page_data(admin_client.get(own_page))
    data.update(support_article=kim_article.pk, support_quote="Russia is a transit country for him")

    response = admin_client.post(own_page, data)

    assert response.status_code == 302 and response["Location"] == case_url(kim_case)
    assert sorted(proceeding.citations.values_list("quote", flat=True)) == [
        "Russia is a transit country for him",
        "refused temporary asylum",
    ]


def test_the_case_page_records_a_fact_with_its_source(admin_client, kim_case, kim_article):
    data = page_data(admin_client.get(case_url(kim_case)))
    with_new_row(
        data,
        "facts",
        date="spring 2013",
        statement="Kim asked Russian border guards for help.",
        support_article=kim_article.pk,
        support_quote="asked border guards for help",
    )

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 302
    fact = Fact.objects.get(statement="Kim asked Russian border guards for help.")
    assert str(fact.date) == "spring 2013"
    assert [c.quote for c in fact.citations.all()] == ["asked border guards for help"]


def test_a_new_fact_without_a_source_is_refused(admin_client, kim_case):
    data = page_data(admin_client.get(case_url(kim_case)))
    row = with_new_row(data, "facts", date="2013", statement="Kim escaped a labour camp.")

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 200
    assert "needs a source" in inline_formset(response, "facts").errors[row]["support_quote"][0]
    assert not Fact.objects.filter(statement="Kim escaped a labour camp.").exists()


def test_closing_a_case_needs_a_date_and_a_reason(admin_client, kim_case):
    data = page_data(admin_client.get(case_url(kim_case)))
    data["status"] = Case.Status.CLOSED

    response = admin_client.post(case_url(kim_case), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "closed_on": ["Give the date the case was closed."],
        "closed_reason": ["Say why the case was closed."],
    }
    kim_case.refresh_from_db()
    assert kim_case.status == Case.Status.OPEN

    data.update(closed_on="2021-03-01", closed_reason="Resettled in a third country")
    response = admin_client.post(case_url(kim_case), data)
    assert response.status_code == 302, response.context["errors"]
    kim_case.refresh_from_db()
    assert (kim_case.status, kim_case.closed_reason) == (Case.Status.CLOSED, "Resettled in a third country")


def test_a_new_case_is_numbered_by_the_server(admin_client, kim, fms):
    url = reverse("admin:cases_case_add")
    data = page_data(admin_client.get(url))
    data.update(
        title="Kim Eun-chol", subjects=[kim.pk], organization=fms.pk, opened_on="2014-11-12"
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get(title="Kim Eun-chol")
    assert re.fullmatch(r"CT-2014-\d{6}", case.reference)
    assert list(case.subjects.all()) == [kim]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_list_makes_the_same_number_of_queries_for_one_or_many_cases(
    admin_client, kim_case, django_assert_max_num_queries
):
    url = reverse("admin:cases_case_changelist")
    # Session, user, two counts, the page, subjects, caseworkers, organization filter choices…
    with django_assert_max_num_queries(10):
        assert admin_client.get(url).status_code == 200
    one = count_queries(admin_client, url)

    for _ in range(6):
        case = CaseFactory()
        ProceedingFactory(case=case)
        FactFactory(case=case)
        case.caseworkers.add(UserFactory())

    assert count_queries(admin_client, url) == one


def test_the_case_page_makes_the_same_number_of_queries_for_few_or_many_records(
    admin_client, kim_case, fms, kim_article, django_assert_max_num_queries
):
    url = case_url(kim_case)
    # The case file: the form's 11, then the chronology, proceedings, people and dossiers (9),
    # the next deadline (1), the session's authenticator (django-otp, 1), the documents
    # section (apps.documents, 1) and the agreements' date readings (1).
    with django_assert_max_num_queries(24):
        assert admin_client.get(url).status_code == 200
    few = count_queries(admin_client, url)

    for number in range(5):
        proceeding = ProceedingFactory(case=kim_case, authority=fms, reference_number=f"R-{number}")
        Citation.objects.create(
            article=kim_article,
            proceeding=proceeding,
            quote="Kim",
            start=KIM_ARTICLE_BODY.find("Kim"),
            end=KIM_ARTICLE_BODY.find("Kim") + 3,
        )
        fact = FactFactory(case=kim_case)
        Citation.objects.create(
            article=kim_article,
            fact=fact,
            quote="Amur",
            start=KIM_ARTICLE_BODY.find("Amur"),
            end=KIM_ARTICLE_BODY.find("Amur") + 4,
        )

    assert count_queries(admin_client, url) == few
