"""A record's page costs the same queries whether it has one inline row or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    AgreementFactory,
    AliasFactory,
    ArticleFactory,
    CitationFactory,
    FactFactory,
    IndividualFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProvisionFactory,
)

pytestmark = pytest.mark.django_db


def proceeding_citation(proceeding):
    return CitationFactory(fact=None, proceeding=proceeding, article=ArticleFactory())


PAGES = {
    "fact with citations": (FactFactory, lambda fact: CitationFactory(fact=fact, article=ArticleFactory())),
    "proceeding with events": (
        ProceedingFactory,
        lambda proceeding: ProceedingEventFactory(proceeding=proceeding),
    ),
    "proceeding with citations": (ProceedingFactory, proceeding_citation),
    "individual with aliases": (IndividualFactory, lambda individual: AliasFactory(individual=individual)),
    "agreement with provisions": (AgreementFactory, lambda agreement: ProvisionFactory(agreement=agreement)),
    "article with citations": (ArticleFactory, lambda article: CitationFactory(article=article)),
}


def page_queries(client, obj) -> int:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_a_change_page_costs_the_same_queries_for_one_inline_row_or_many(admin_client, page):
    make_parent, add_child = PAGES[page]
    parent = make_parent()
    add_child(parent)
    page_queries(admin_client, parent)  # warm the per-process caches (content types, sites)
    one = page_queries(admin_client, parent)
    for _ in range(4):
        add_child(parent)
    assert page_queries(admin_client, parent) == one
