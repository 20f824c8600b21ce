import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.cases.services import fact_record
from apps.sources.models import Citation
from apps.sources.services import article_update, citation_add
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    CitationFactory,
    FactFactory,
    MembershipFactory,
    ProvisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_records_the_offsets_of_a_quote_found_in_the_article():
    article = ArticleFactory(body="First sentence. The FMS refused asylum. Last sentence.")
    citation = citation_add(article=article, quote="The FMS refused asylum.", fact=FactFactory())
    assert (citation.start, citation.end) == (16, 39)
    assert article.body[citation.start : citation.end] == citation.quote


def test_it_rejects_quote_not_in_article():
    article = ArticleFactory(body="The FMS refused asylum.")
    with pytest.raises(ValidationError) as error:
        citation_add(article=article, quote="The FMS granted asylum.", fact=FactFactory())
    assert "does not appear in the article" in error.value.message_dict["quote"][0]
    assert not article.citations.exists()


def test_it_rejects_a_start_that_does_not_point_at_the_quote():
    article = ArticleFactory(body="Kim was fined. Kim was fined again.")
    with pytest.raises(ValidationError):
        citation_add(article=article, quote="Kim was fined", start=3, fact=FactFactory())
    second = citation_add(article=article, quote="Kim was fined", start=15, fact=FactFactory())
    assert second.start == 15


def test_the_database_refuses_offsets_that_do_not_match_the_quote_length():
    article = ArticleFactory(body="The FMS refused asylum.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(article=article, quote="The FMS", start=0, end=3, fact=FactFactory())


def test_a_citation_supports_exactly_one_thing():
    article = ArticleFactory(body="The FMS refused asylum.")
    with pytest.raises(ValidationError):
        citation_add(article=article, quote="The FMS")


def test_a_fact_needs_a_supporting_quote_and_saves_nothing_without_one():
    case = CaseFactory()
    with pytest.raises(ValidationError):
        fact_record(case=case, statement="Kim crossed into Russia.", date="spring 2013", supports=[])
    assert not case.facts.exists()


def test_a_fact_with_a_bad_quote_is_not_half_saved():
    case = CaseFactory()
    article = ArticleFactory(body="In the spring of 2013, he crossed the Russian border.")
    with pytest.raises(ValidationError):
        fact_record(
            case=case,
            statement="Kim crossed into Russia.",
            date="spring 2013",
            supports=[{"article": article, "quote": "In the spring of 2013"}, {"article": article, "quote": "autumn"}],
        )
    assert not case.facts.exists()
    assert not Citation.objects.exists()


def test_the_citation_list_shows_a_user_only_the_citations_of_cases_they_may_see(django_assert_num_queries):
    from apps.sources.selectors import article_list, citation_list

    mine = CaseFactory()
    user = UserFactory()
    MembershipFactory(user=user, organization=mine.organization)
    own = FactFactory(case=mine).citations.get()
    others = FactFactory(case=CaseFactory()).citations.get()
    of_a_provision = CitationFactory(fact=None, provision=ProvisionFactory())
    with django_assert_num_queries(1):
        assert set(citation_list(user=user)) == {own, of_a_provision}
    assert set(citation_list(user=UserFactory(is_superuser=True))) == {own, others, of_a_provision}
    # Articles are published sources: every one is listed, whichever case quotes it.
    assert set(article_list(user=user)) == {own.article, others.article, of_a_provision.article}


def test_the_text_as_received_never_changes():
    article = ArticleFactory()
    received = article.raw_text
    with pytest.raises(ValidationError) as error:
        article_update(article=article, raw_text="Something else", title="New title")
    assert "raw_text" in error.value.message_dict
    article.refresh_from_db()
    assert (article.raw_text, article.title) != ("Something else", "New title")
    assert article.raw_text == received
    article, changed = article_update(article=article, raw_text=received, title="New title")
    assert (article.title, changed) == ("New title", True)
