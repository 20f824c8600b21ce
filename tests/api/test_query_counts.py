"""What a caseworker's API calls cost: an exact number of queries, the same for one row as for many.

The caseworker is an ordinary one (tests/conftest.py ``desk``): a member of two organizations
with a third's case shared with them, so every call runs the scoping subqueries it runs in
real use. Each URL is called once first, for Django's per-process caches, then measured.
"""

import pytest

from tests.factories import (
    AliasFactory,
    CitationFactory,
    FactFactory,
    OrganizationFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProvisionFactory,
)

# The view's own queries: the token throttle's depend on the cache backend (a few on the
# database cache, none on Redis) and are pinned on their own in tests/tokens.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

ROWS = [1, 6]


def measured_get(api, url, django_assert_num_queries, expected):
    api.get(url)  # warm the per-process caches
    with django_assert_num_queries(expected):
        response = api.get(url)
    assert response.status_code == 200, response.content
    return response.json()


# resource: (what one row is, built by the desk; the queries the page costs). Cases,
# proceedings and people: the caseworker sees few of them, which one capped count says, and the
# page then brings its total (apps.core.api.policies.PageWithTotal) where others count apart.
LISTS = {
    "individuals": ("individual", 3),  # no protected identity in a list, not even loaded
    "organizations": ("organization", 2),
    "cases": ("case", 4),
    # Proceedings and agreements: +1 for their date readings (+1 more for the readings' quotes
    # when there are any; tests/sources/test_date_readings.py pins that).
    "proceedings": ("proceeding", 9),
    "agreements": ("agreement", 5),
    "provisions": ("provision", 2),
    "articles": ("article", 1),
    "citations": ("citation", 1),
    "facts": ("fact", 3),
    "documents": ("document", 2),  # the page and its count
}


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("resource", LISTS)
def test_a_list_costs_the_same_pinned_queries_for_one_row_or_many(
    api, desk, resource, rows, django_assert_num_queries
):
    kind, expected = LISTS[resource]
    for _ in range(rows):
        getattr(desk, kind)()

    body = measured_get(api, f"/api/v1/{resource}/?page_size=100", django_assert_num_queries, expected)

    assert len(body["results"]) >= rows


def more_of_the_case(desk, case):
    desk.proceeding(case=case)
    desk.fact(case=case)
    case.subjects.add(AliasFactory().individual)


def more_of_the_proceeding(desk, proceeding):
    ProceedingEventFactory(proceeding=proceeding)
    CitationFactory(fact=None, proceeding=proceeding)
    provision = ProvisionFactory()
    proceeding.provisions.add(provision)
    proceeding.agreements.add(provision.agreement)
    ProceedingFactory(case=proceeding.case, appeal_of=proceeding, kind="appeal")


def more_of_the_agreement(desk, agreement):
    ProvisionFactory(agreement=agreement)
    agreement.party_organizations.add(OrganizationFactory())


def more_quotes_of_the_article(desk, article):
    FactFactory(case=desk.fact().case, citation__article=article)
    FactFactory(case=desk.hidden, citation__article=article)


def case_url(case):
    return f"/api/v1/cases/{case.reference}/"


def url_of(resource):
    return lambda record: f"/api/v1/{resource}/{record.public_id}/"


# A leaf record (organization, article, citation, provision) shows nothing that grows: for
# them "many" is more of the records around them, which a careless serializer would touch.
DETAILS = {
    "case": (lambda desk: desk.case(), more_of_the_case, case_url, 5),
    "shared case": (lambda desk: desk.shared, more_of_the_case, case_url, 5),
    # 6: the case, its facts, their quotes, the events, the agreements and their date readings
    # (the contradiction links are not loaded: the timeline shows only ``disputed``).
    "timeline": (lambda desk: desk.case(), more_of_the_case, lambda case: f"{case_url(case)}timeline/", 6),
    "individual": (
        lambda desk: desk.individual(),
        lambda desk, person: AliasFactory(individual=person),
        url_of("individuals"),
        8,  # 3 of them seal the access-log entry of the protected read (apps.core.custody)
    ),
    "fact": (lambda desk: desk.fact(), lambda desk, fact: CitationFactory(fact=fact), url_of("facts"), 3),
    "proceeding": (lambda desk: desk.proceeding(), more_of_the_proceeding, url_of("proceedings"), 8),
    "agreement": (lambda desk: desk.agreement(), more_of_the_agreement, url_of("agreements"), 4),
    "organization": (
        lambda desk: desk.organization(),
        lambda desk, organization: OrganizationFactory(parent=organization),
        url_of("organizations"),
        1,
    ),
    "article": (lambda desk: desk.article(), more_quotes_of_the_article, url_of("articles"), 1),
    "citation": (
        lambda desk: desk.citation(),
        lambda desk, citation: CitationFactory(fact=citation.fact, article=citation.article),
        url_of("citations"),
        1,
    ),
    "provision": (
        lambda desk: desk.provision(),
        lambda desk, provision: CitationFactory(fact=None, provision=provision),
        url_of("provisions"),
        1,
    ),
}


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("name", DETAILS)
def test_a_detail_costs_the_same_pinned_queries_for_one_related_row_or_many(
    api, desk, name, rows, django_assert_num_queries
):
    make, add_one_more, url, expected = DETAILS[name]
    record = make(desk)
    for _ in range(rows - 1):
        add_one_more(desk, record)

    measured_get(api, url(record), django_assert_num_queries, expected)
