"""Search across scripts and sources; articles and fact citations written through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cases.models import Fact
from apps.sources.models import Article, Citation
from apps.sources.normal_form import body_sha256
from tests.access.conftest import member
from tests.admin.conftest import KIM_ARTICLE_BODY
from tests.admin.forms import inline_formset, page_data
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    CitationFactory,
    IndividualFactory,
    NewsOutletFactory,
    OrganizationFactory,
    ProceedingFactory,
)

pytestmark = pytest.mark.django_db


def search(client, model_url, term):
    response = client.get(reverse(model_url), {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("alias", ["김", "Ким", "ким", "КИМ"])
def test_an_individual_is_found_by_an_alias_in_any_script(admin_client, kim, alias):
    IndividualFactory(pseudonym="Kim Eun-chol")
    assert search(admin_client, "admin:people_individual_changelist", alias) == [kim]


def test_a_case_is_found_by_its_subjects_alias_and_by_a_proceeding_reference(admin_client, kim_case):
    CaseFactory(title="Another case")
    assert search(admin_client, "admin:cases_case_changelist", "Ким") == [kim_case]
    assert search(admin_client, "admin:cases_case_changelist", "FMS-77/2016") == [kim_case]
    assert search(admin_client, "admin:cases_case_changelist", "CT-2013-0001") == [kim_case]


def test_a_proceeding_is_found_by_its_reference_number(admin_client, kim_case):
    [proceeding] = search(admin_client, "admin:proceedings_proceeding_changelist", "FMS-77")
    assert proceeding.case == kim_case


def test_an_article_is_found_by_its_title_and_by_a_word_of_its_body(admin_client, kim_article):
    ArticleFactory(title="Russia, North ink deportation pact", body="Seoul reacted to the agreement.")
    assert search(admin_client, "admin:sources_article_changelist", "Amur") == [kim_article]
    assert search(admin_client, "admin:sources_article_changelist", "Refuses Asylum") == [kim_article]


def test_partial_dates_are_listed_as_one_phrase(admin_client, kim_case):
    fact = kim_case.facts.get()
    fact.date = "spring 2013"
    fact.save()
    page = admin_client.get(reverse("admin:cases_fact_changelist")).content.decode()
    assert "spring 2013" in page


# -- articles -------------------------------------------------------------------------------


def test_an_article_added_in_the_admin_is_normalized_and_hashed(admin_client):
    outlet = NewsOutletFactory()
    url = reverse("admin:sources_article_add")
    data = page_data(admin_client.get(url))
    data.update(
        title="Russia Signs Deal",
        outlet=outlet.pk,
        language="en",
        body="First line.  \r\n\r\n\r\nSecond.\r\n",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get(title="Russia Signs Deal")
    assert article.body == "First line.\n\nSecond."
    assert article.sha256 == body_sha256("First line.\n\nSecond.")
    assert article.raw_text == article.body


def test_adding_the_same_article_twice_is_refused_with_a_clear_message(admin_client, kim_article):
    url = reverse("admin:sources_article_add")
    data = page_data(admin_client.get(url))
    data.update(title="Copy", outlet=kim_article.outlet.pk, language="en", body=KIM_ARTICLE_BODY + "\n\n")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        f"An article with the same text is already stored: “{kim_article.title}”. "
        "Cite that one instead of adding it again."
    ]
    assert Article.objects.count() == 1


def test_an_articles_text_is_shown_escaped_never_as_html(admin_client):
    article = ArticleFactory(body="Before <script>alert('x')</script> after", raw_text="<b>raw</b>")
    page = admin_client.get(reverse("admin:sources_article_change", args=[article.pk])).content.decode()
    assert "<script>alert" not in page and "<b>raw</b>" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;b&gt;raw&lt;/b&gt;" in page


def test_an_unquoted_articles_text_can_be_corrected_and_is_rehashed(admin_client):
    article = ArticleFactory(body="Kim was fined.")
    url = reverse("admin:sources_article_change", args=[article.pk])
    data = page_data(admin_client.get(url))
    data["body"] = "Kim was arrested and fined.  \r\n"

    assert admin_client.post(url, data).status_code == 302

    article.refresh_from_db()
    assert article.body == "Kim was arrested and fined."
    assert article.sha256 == body_sha256("Kim was arrested and fined.")


def test_a_quoted_articles_text_can_no_longer_be_edited(admin_client, kim_case, kim_article):
    response = admin_client.get(reverse("admin:sources_article_change", args=[kim_article.pk]))
    form = response.context["adminform"].form
    assert "body" not in form.fields and "sha256" not in form.fields
    assert "quoted in" in response.content.decode().lower()


# -- a fact's citations ---------------------------------------------------------------------


def test_a_citation_added_under_a_fact_gets_its_offsets_from_the_article(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data.update({"citations-1-article": kim_article.pk, "citations-1-quote": "asked border guards for help"})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    citation = fact.citations.get(quote="asked border guards for help")
    assert KIM_ARTICLE_BODY[citation.start : citation.end] == citation.quote


def test_a_citation_whose_quote_is_not_in_the_article_is_refused(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data.update({"citations-1-article": kim_article.pk, "citations-1-quote": "Kim flew to Seoul"})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert inline_formset(response, "citations").errors[1]["quote"] == [
        "This text does not appear in the article. Copy the words exactly."
    ]
    assert fact.citations.count() == 1


def test_the_last_citation_of_a_fact_cannot_be_removed(admin_client, kim_case):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data["citations-0-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "A fact needs at least one supporting quote" in str(
        inline_formset(response, "citations").non_form_errors()
    )
    assert fact.citations.count() == 1


def test_a_fact_added_on_its_own_page_needs_a_source(admin_client, kim_case, kim_article):
    url = reverse("admin:cases_fact_add")
    data = page_data(admin_client.get(url))
    data.update(case=kim_case.pk, date="c. 1997", statement="Kim fled North Korea during the famine.")

    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "needs a source" in response.context["adminform"].form.errors["support_quote"][0]

    data.update(support_article=kim_article.pk, support_quote="North Korean refugee known as Kim")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    fact = Fact.objects.get(statement="Kim fled North Korea during the famine.")
    assert str(fact.date) == "c. 1997"
    assert fact.citations.get().quote == "North Korean refugee known as Kim"
    assert Citation.objects.count() == 3


def test_the_nationality_filter_offers_only_the_countries_that_occur(admin_client, kim):
    IndividualFactory(pseudonym="Ivan", nationality="RU")
    url = reverse("admin:people_individual_changelist")

    response = admin_client.get(url)
    [nationality] = [spec for spec in response.context["cl"].filter_specs if spec.title == "nationality"]
    assert [title for _code, title in nationality.lookup_choices] == ["North Korea", "Russia"]

    assert list(admin_client.get(url, {"nationality": "KP"}).context["cl"].result_list) == [kim]


# -- searching across relations (issue 12: no DISTINCT, no join of many rows into the list) ----


def test_a_case_whose_several_subjects_and_proceedings_match_is_listed_once(admin_client, kim_case):
    kim_case.subjects.add(IndividualFactory(pseudonym="Kim Min-jun"))
    ProceedingFactory(case=kim_case, reference_number="Kim-2")
    with CaptureQueriesContext(connection) as queries:
        found = search(admin_client, "admin:cases_case_changelist", "Kim")
    assert found == [kim_case]
    # Each related field is an EXISTS probe: nothing to remove duplicates from.
    assert not [query["sql"] for query in queries.captured_queries if "DISTINCT \"cases_case\"" in query["sql"]]


def test_every_word_of_a_search_must_match_some_field(admin_client, kim_case):
    CaseFactory(title="Kim: another case")
    # "Ким" matches an alias of Kim's, "FMS-77/2016" a proceeding of his case only.
    assert search(admin_client, "admin:cases_case_changelist", "Ким FMS-77/2016") == [kim_case]
    assert search(admin_client, "admin:cases_case_changelist", "Ким nowhere") == []


def test_a_fact_is_found_by_the_quote_of_its_citation_once_whatever_its_citations(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    CitationFactory(fact=fact, article=kim_article, quote="crossed into Russia")
    assert search(admin_client, "admin:cases_fact_changelist", "crossed into") == [fact]
    assert search(admin_client, "admin:cases_fact_changelist", "CT-2013-0001") == [fact]


def test_a_caseworkers_search_finds_nothing_outside_their_cases(client, kim_case):
    other = OrganizationFactory(name="Another NGO", kind="ngo")
    client.force_login(member(other, "caseworker"))
    assert search(client, "admin:cases_fact_changelist", "crossed") == []
    assert search(client, "admin:cases_case_changelist", "Ким") == []
    assert search(client, "admin:people_individual_changelist", "Ким") == []
