"""Every list and detail endpoint runs the same number of queries for 1 and for 50 rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AgreementFactory,
    AliasFactory,
    ArticleFactory,
    CaseFactory,
    CitationFactory,
    FactFactory,
    IndividualFactory,
    OrganizationFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProtectedIdentityFactory,
    ProvisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2016, 2, 2)


def rich_individual():
    person = IndividualFactory()
    AliasFactory(individual=person)
    ProtectedIdentityFactory(individual=person)
    return person


def rich_case():
    case = CaseFactory()
    case.caseworkers.add(UserFactory())
    return case


def rich_proceeding():
    proceeding = ProceedingFactory(appeal_of=None)
    appeal = ProceedingFactory(case=proceeding.case, appeal_of=proceeding, kind="appeal")
    ProceedingEventFactory(proceeding=appeal)
    proceeding.agreements.add(AgreementFactory())
    proceeding.provisions.add(ProvisionFactory())
    CitationFactory(fact=None, proceeding=appeal)
    return appeal


def rich_agreement():
    agreement = AgreementFactory()
    ProvisionFactory(agreement=agreement)
    agreement.party_organizations.add(OrganizationFactory())
    return agreement


LISTS = {
    "individuals": rich_individual,
    "organizations": lambda: OrganizationFactory(parent=OrganizationFactory()),
    "cases": rich_case,
    "proceedings": rich_proceeding,
    "agreements": rich_agreement,
    "provisions": ProvisionFactory,
    "articles": ArticleFactory,
    "citations": CitationFactory,
    "facts": lambda: CitationFactory().fact,
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize("resource", LISTS)
def test_each_list_runs_a_constant_number_of_queries(admin_api, resource, django_assert_num_queries):
    build = LISTS[resource]
    url = f"/api/v1/{resource}/?page_size=100"
    build()
    expected, _body = count_queries(admin_api, url)
    for _ in range(49):
        build()
    with django_assert_num_queries(expected):
        body = admin_api.get(url).json()
    assert len(body["results"]) >= 50


def case_with(children):
    """A case whose detail and timeline grow with ``children``."""
    case = CaseFactory()

    def add():
        proceeding = ProceedingFactory(case=case)
        ProceedingEventFactory(proceeding=proceeding)
        proceeding.agreements.add(AgreementFactory(
            signed_start=SIGNED, signed_end=SIGNED, signed_precision="day"
        ))
        CitationFactory(fact=FactFactory(case=case))
        case.subjects.add(IndividualFactory())

    return case, add


def individual_with():
    person = rich_individual()
    return person, lambda: AliasFactory(individual=person)


def fact_with():
    fact = CitationFactory().fact
    return fact, lambda: CitationFactory(fact=fact)


def proceeding_with():
    proceeding = rich_proceeding()

    def add():
        ProceedingEventFactory(proceeding=proceeding)
        CitationFactory(fact=None, proceeding=proceeding)
        proceeding.provisions.add(ProvisionFactory())
        ProceedingFactory(case=proceeding.case, appeal_of=proceeding, kind="appeal")

    return proceeding, add


def agreement_with():
    agreement = rich_agreement()

    def add():
        ProvisionFactory(agreement=agreement)
        agreement.party_organizations.add(OrganizationFactory())

    return agreement, add


DETAILS = {
    "case": (lambda: case_with(None), lambda case: f"/api/v1/cases/{case.reference}/"),
    "timeline": (lambda: case_with(None), lambda case: f"/api/v1/cases/{case.reference}/timeline/"),
    "individual": (individual_with, lambda obj: f"/api/v1/individuals/{obj.public_id}/"),
    "fact": (fact_with, lambda obj: f"/api/v1/facts/{obj.public_id}/"),
    "proceeding": (proceeding_with, lambda obj: f"/api/v1/proceedings/{obj.public_id}/"),
    "agreement": (agreement_with, lambda obj: f"/api/v1/agreements/{obj.public_id}/"),
    "organization": (
        lambda: (OrganizationFactory(), lambda: None), lambda obj: f"/api/v1/organizations/{obj.public_id}/"
    ),
    "article": (lambda: (ArticleFactory(), lambda: None), lambda obj: f"/api/v1/articles/{obj.public_id}/"),
    "citation": (lambda: (CitationFactory(), lambda: None), lambda obj: f"/api/v1/citations/{obj.public_id}/"),
    "provision": (lambda: (ProvisionFactory(), lambda: None), lambda obj: f"/api/v1/provisions/{obj.public_id}/"),
}


@pytest.mark.parametrize("name", DETAILS)
def test_each_detail_runs_a_constant_number_of_queries(admin_api, name, django_assert_num_queries):
    make, url_of = DETAILS[name]
    record, add_child = make()
    add_child()
    url = url_of(record)
    expected, _body = count_queries(admin_api, url)
    for _ in range(49):
        add_child()
    with django_assert_num_queries(expected):
        response = admin_api.get(url)
    assert response.status_code == 200
