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


def pytest_sessionstart(session):
    """Compile the translations before any test reads them (as `make install` does).

    Tests started without make (``python -m pytest tests/...``) would otherwise find no .mo
    file, or a stale one, and the Russian tests would fail for a reason that is not theirs.
    """
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    stale = [
        po
        for po in root.glob("locale/*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    for po in stale:  # what compilemessages runs, without walking the whole tree for catalogues
        subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)



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
def _sign_in_with_second_factor(monkeypatch):
    """Tests sign staff in as the admin's sign-in does: password *and* second factor.

    ``client.force_login(user)`` stands for the password step; for a staff account this helper
    then gives it an authenticator and marks the session as verified with it, as the code
    page does (apps/access/two_factor.py). Tests of the sign-in itself use the real pages
    (tests/access/test_two_factor.py, tests/browser) with real codes.
    """
    from django.test import Client

    plain_force_login = Client.force_login

    def force_login(self, user, backend=None):
        plain_force_login(self, user, backend)
        if user.is_staff:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="Test authenticator", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


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

    def document(self):
        from tests.factories import DocumentFactory

        case = CaseFactory(organization=self.organization_for_next())
        document = DocumentFactory(case=case, proceeding=ProceedingFactory(case=case))
        DocumentFactory(case=self.hidden)
        return document


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


@pytest.fixture
def api(desk):
    """An API client signed in as the desk's caseworker (a file's own ``api`` fixture wins)."""
    client = APIClient()
    client.force_authenticate(desk.user)
    return client


@pytest.fixture(scope="session", autouse=True)
def _job_files_of_this_run():
    """Remove the job files folder tests/settings.py made for this run (unless it was named)."""
    yield
    import os
    import shutil

    from django.conf import settings

    root = str(settings.JOBS_FILES_ROOT)
    if not os.environ.get("TEST_JOBS_FILES_ROOT") and "casetracker-test-jobs-" in root:
        shutil.rmtree(root, ignore_errors=True)
