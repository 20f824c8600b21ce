import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, Fact
from apps.core.partial_dates import Precision
from apps.people.models import Individual, Organization
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from tests.factories import (
    AgreementFactory,
    AliasFactory,
    ArticleFactory,
    CaseFactory,
    CaseShareFactory,
    CitationFactory,
    FactFactory,
    IndividualFactory,
    MembershipFactory,
    OrganizationFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProtectedIdentityFactory,
    ProvisionFactory,
    SuperuserFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _empty_cache(request, django_db_blocker):
    """Each test starts with an empty cache: lock-out and throttle counts must not leak.

    With Redis (TEST_CACHE=redis) always. With the database cache (the default, a table in the
    test database) for the tests that use the database: the others cannot reach the cache at
    all. Cleared outside the test's transaction, whose rollback would otherwise bring back
    what a transactional test left.
    """
    from django.core.cache import cache, caches
    from django.core.cache.backends.db import DatabaseCache

    if isinstance(caches["default"], DatabaseCache) and not (
        "_django_db_helper" in request.fixturenames or request.node.get_closest_marker("django_db")
    ):
        yield
        return
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def _audit_chains_whole(request):
    """With TEST_AUDIT_VERIFY=1, every test that used the database ends with whole audit chains.

    Off by default (it costs a walk of every chain per test): run the suite with it after
    changing how history or log rows are written, to find a path that writes one unsealed
    (apps.core.custody). Tests that tamper on purpose are marked ``audit_tampered``.
    """
    import os

    uses_db = "_django_db_helper" in request.fixturenames or request.node.get_closest_marker("django_db")
    if not os.environ.get("TEST_AUDIT_VERIFY") or not uses_db or request.node.get_closest_marker("audit_tampered"):
        yield
        return
    # Set the database up before this fixture, so that it is torn down (rolled back) after it.
    request.getfixturevalue("_django_db_helper")
    yield
    from apps.core.custody import audit_verify

    broken = [str(item) for report in audit_verify() for item in report.breaks]
    assert not broken, broken[:5]


@pytest.fixture
def superuser(db):
    return SuperuserFactory()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def api_client():
    return APIClient()


@dataclass
class Desk:
    """What an ordinary caseworker works with, and builders of what their screens list.

    ``user`` holds the caseworker role (not superuser) in two organizations, ``home`` and
    ``second``; ``shared`` is a case of a third organization shared with them (read-only);
    ``hidden`` is a fourth organization's case they must not see. Each builder makes one
    visible record with everything its screens show, so a query per row would show.
    """

    user: object
    home: Organization
    second: Organization
    shared: Case
    hidden: Case
    made: int = 0

    def organization_for_next(self) -> Organization:
        # Alternate between the two organizations, so that both memberships are exercised.
        self.made += 1
        return self.home if self.made % 2 else self.second

    def case(self) -> Case:
        subjects = [IndividualFactory(), IndividualFactory()]
        for subject in subjects:
            AliasFactory(individual=subject)
            ProtectedIdentityFactory(individual=subject)
        case = CaseFactory(organization=self.organization_for_next(), subjects=subjects)
        case.caseworkers.add(self.user, UserFactory())
        self.proceeding(case=case)
        FactFactory(case=case)
        return case

    def fact(self, case: Case | None = None) -> Fact:
        fact = FactFactory(case=case or CaseFactory(organization=self.organization_for_next()))
        CitationFactory(fact=fact)
        return fact

    def proceeding(self, case: Case | None = None) -> Proceeding:
        case = case or CaseFactory(organization=self.organization_for_next())
        subject = case.subjects.first()
        first = ProceedingFactory(case=case, subject=subject)
        appeal = ProceedingFactory(case=case, subject=subject, kind=Proceeding.Kind.APPEAL, appeal_of=first)
        provision = self.provision()
        appeal.provisions.add(provision)
        appeal.agreements.add(provision.agreement)
        ProceedingEventFactory(proceeding=appeal)
        CitationFactory(fact=None, proceeding=appeal)
        return appeal

    def individual(self) -> Individual:
        return self.case().subjects.first()

    def article(self) -> Article:
        article = ArticleFactory()
        FactFactory(case=CaseFactory(organization=self.organization_for_next()), citation__article=article)
        FactFactory(case=self.hidden, citation__article=article)
        return article

    def citation(self) -> Citation:
        return self.fact().citations.first()

    def agreement(self) -> Agreement:
        agreement = AgreementFactory(signed_start=SIGNED, signed_end=SIGNED, signed_precision=Precision.DAY)
        ProvisionFactory(agreement=agreement)
        agreement.party_organizations.add(OrganizationFactory(), self.home)
        return agreement

    def provision(self) -> Provision:
        provision = ProvisionFactory(agreement=AgreementFactory())
        CitationFactory(fact=None, provision=provision)
        return provision

    def organization(self) -> Organization:
        return OrganizationFactory(parent=OrganizationFactory())


SIGNED = dt.date(2016, 2, 2)


@pytest.fixture
def desk(db) -> Desk:
    """An ordinary caseworker of two organizations, with a third's case shared with them."""
    home, second, lender, outside = (OrganizationFactory(name=f"{name} (desk)") for name in (
        "Memorial", "Civic Assistance", "Partner Law Office", "Elsewhere"
    ))
    user = UserFactory(username="olga")
    user.groups.set(Group.objects.filter(name="caseworker"))
    for organization in (home, second):
        MembershipFactory(user=user, organization=organization)
    shared = CaseFactory(organization=lender, title="Shared with Olga")
    FactFactory(case=shared)
    ProceedingFactory(case=shared, subject=shared.subjects.get())
    CaseShareFactory(case=shared, user=user)
    hidden = CaseFactory(organization=outside, title="Not Olga's")
    FactFactory(case=hidden)
    ProceedingFactory(case=hidden)
    return Desk(user=user, home=home, second=second, shared=shared, hidden=hidden)
