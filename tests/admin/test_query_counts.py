"""What a caseworker's admin screens cost: an exact number of queries, the same for one row as for many.

The caseworker is an ordinary one (tests/conftest.py ``desk``): a member of two organizations
with a third's case shared with them, so every page runs the scoping subqueries it runs in
real use. Each page is opened once first, for Django's per-process caches (content types),
then measured as a caseworker opening it again would cost.
"""

import pytest
from django.urls import reverse

from apps.cases.services import fact_update
from tests.factories import (
    AliasFactory,
    ArticleFactory,
    CitationFactory,
    DocumentFactory,
    FactFactory,
    OrganizationFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProvisionFactory,
)

pytestmark = pytest.mark.django_db

ROWS = [1, 6]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# Every signed-in admin request loads the authenticator its session was verified with
# (django-otp's OTPMiddleware): one query, counted here once rather than in every figure below.
SECOND_FACTOR_QUERIES = 1


def measured_get(client, url, django_assert_num_queries, expected):
    client.get(url)  # warm the per-process caches
    with django_assert_num_queries(expected + SECOND_FACTOR_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    return response


# screen: (what one row is, built by the desk; the queries the page costs)
# No list counts its whole table (show_full_result_count off, a capped count); the article
# list reads no filter choices from its table (apps/core/admin_lists.py).
# A list dated by a drill-down (cases, facts, proceedings, agreements) is counted by the same
# grouped query that lists its months (apps/core/admin_lists.py: DatedChangeList); the facts'
# and cases' rows fall in one month, so their days are one query more.
CHANGELISTS = {
    "cases": ("case", 10),
    "facts": ("fact", 7),
    "proceedings": ("proceeding", 8),
    "individuals": ("individual", 8),
    "articles": ("article", 6),
    "citations": ("citation", 6),
    "agreements": ("agreement", 7),
    "organizations": ("organization", 7),
    "documents": ("document", 6),
}


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("screen", CHANGELISTS)
def test_a_changelist_costs_the_same_pinned_queries_for_one_row_or_many(
    client, desk, screen, rows, django_assert_num_queries
):
    kind, expected = CHANGELISTS[screen]
    model = type(getattr(desk, kind)())
    for _ in range(rows - 1):
        getattr(desk, kind)()
    client.force_login(desk.user)

    response = measured_get(client, admin_url(model, "changelist"), django_assert_num_queries, expected)

    assert response.context["cl"].result_count >= rows


def more_of_the_case(desk, case):
    desk.proceeding(case=case)
    desk.fact(case=case)
    subject = AliasFactory().individual
    case.subjects.add(subject)
    DocumentFactory(case=case, proceeding=ProceedingFactory(case=case))


def more_of_the_shared_case(desk, case):
    ProceedingEventFactory(proceeding=ProceedingFactory(case=case))
    FactFactory(case=case)


def more_of_the_proceeding(desk, proceeding):
    ProceedingEventFactory(proceeding=proceeding)
    CitationFactory(fact=None, proceeding=proceeding)
    provision = ProvisionFactory()
    proceeding.provisions.add(provision)
    proceeding.agreements.add(provision.agreement)
    ProceedingFactory(case=proceeding.case, appeal_of=proceeding, kind="appeal")


def more_of_the_article(desk, article):
    FactFactory(case=desk.fact().case, citation__article=article)
    FactFactory(case=desk.hidden, citation__article=article)


def more_of_the_agreement(desk, agreement):
    ProvisionFactory(agreement=agreement)
    agreement.party_organizations.add(OrganizationFactory())


# page: (the record, built by the desk; one more of what the page shows of it; the queries).
# A change page asks whether the user may write the record once (apps.core.admin.can_write),
# not once per inline, button and link; the case page is the case file (apps.workspace).
CHANGE_PAGES = {
    # +1 each: the next deadline in the case file's header (apps.deadlines); +1 each: the
    # documents section (apps.documents). The case page +1: its agreements' date readings
    # (their quotes one more once a reading exists; the desk's case has none).
    "case page": (lambda desk: desk.case(), more_of_the_case, 26),
    "shared case page, read-only": (lambda desk: desk.shared, more_of_the_shared_case, 23),
    "fact": (lambda desk: desk.fact(), lambda desk, fact: CitationFactory(fact=fact), 10),
    "proceeding": (lambda desk: desk.proceeding(), more_of_the_proceeding, 19),
    # The view of the protected identity is logged, and its entry sealed in the audit chain
    # (apps.core.custody: lock the heads, insert the link, move the head): 3 of these.
    "individual": (lambda desk: desk.individual(), lambda desk, person: AliasFactory(individual=person), 28),
    "article": (lambda desk: desk.article(), more_of_the_article, 14),  # +1: the original as received (its summary on the page)
    "citation": (
        lambda desk: desk.citation(),
        lambda desk, citation: CitationFactory(fact=citation.fact, article=citation.article),
        11,
    ),
    "agreement": (lambda desk: desk.agreement(), more_of_the_agreement, 8),
    "document": (lambda desk: desk.document(), lambda desk, document: None, 10),
    "organization": (
        lambda desk: desk.organization(),
        lambda desk, organization: OrganizationFactory(parent=organization),
        6,
    ),
}


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("page", CHANGE_PAGES)
def test_a_change_page_costs_the_same_pinned_queries_for_one_related_row_or_many(
    client, desk, page, rows, django_assert_num_queries
):
    make, add_one_more, expected = CHANGE_PAGES[page]
    record = make(desk)
    for _ in range(rows - 1):
        add_one_more(desk, record)
    client.force_login(desk.user)

    measured_get(client, admin_url(type(record), "change", record.pk), django_assert_num_queries, expected)


def test_the_case_file_of_a_200_fact_case_costs_what_a_one_fact_case_costs(client, desk, django_assert_num_queries):
    """Issue 12: the case page of a 200-fact case is read, not 200 forms; its queries do not grow."""
    case = desk.case()
    client.force_login(desk.user)
    url = admin_url(type(case), "change", case.pk)
    measured_get(client, url, django_assert_num_queries, CHANGE_PAGES["case page"][2])

    article = ArticleFactory()
    facts = [FactFactory(case=case, citation__article=article) for _ in range(199)]
    for fact, other in zip(facts[:20:2], facts[1:20:2], strict=True):
        fact_update(fact=fact, contradicts=[other])  # disputed readings, side by side
    for _ in range(10):
        ProceedingEventFactory(proceeding=case.proceedings.first())

    response = measured_get(client, url, django_assert_num_queries, CHANGE_PAGES["case page"][2])

    assert response.context["case_file"].fact_total == 200
    assert len(response.context["chronology"]) == 60  # the first entries (disputes as one), no form
    assert response.context["chronology_rest"] == len(response.context["case_file"].chronology) - 60
    whole = measured_get(client, f"{url}?all=1", django_assert_num_queries, CHANGE_PAGES["case page"][2])
    assert whole.content.decode().count('class="ct-edit"') == 200  # the rest, one click away
    assert [inline.formset.initial_form_count() for inline in response.context["inline_admin_formsets"]] == [0, 0]
