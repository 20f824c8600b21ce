"""Two organizations sharing one installation, and a user for each role."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from apps.access.models import Membership
from apps.cases.models import CaseShare
from tests.factories import (
    CaseFactory,
    FactFactory,
    OrganizationFactory,
    ProceedingFactory,
    ProtectedIdentityFactory,
    UserFactory,
)


def member(organization, *roles, **fields):
    """A staff user of ``organization`` holding the given roles (group names)."""
    user = UserFactory(**fields)
    Membership.objects.create(user=user, organization=organization)
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def api(user) -> APIClient:
    """An API client signed in as ``user``."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Memorial (test)")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Civic Assistance (test)")


@pytest.fixture
def case_a(org_a):
    return CaseFactory(organization=org_a, title="Kim (A)")


@pytest.fixture
def case_b(org_b):
    return CaseFactory(organization=org_b, title="Other (B)")


@pytest.fixture
def caseworker_a(org_a):
    return member(org_a, "caseworker")


@pytest.fixture
def supervisor_a(org_a):
    return member(org_a, "supervisor")


@pytest.fixture
def caseworker_b(org_b):
    return member(org_b, "caseworker")


@pytest.fixture
def auditor_a(org_a):
    return member(org_a, "auditor")


@pytest.fixture
def legal_partner(case_a, supervisor_a):
    """A lawyer of no organization, with case A shared with them."""
    user = UserFactory(username="lawyer")
    user.groups.set(Group.objects.filter(name="legal partner"))
    CaseShare.objects.create(case=case_a, user=user, granted_by=supervisor_a, reason="appeal counsel")
    return user


@pytest.fixture
def world(case_a, case_b):
    """Each case with a fact (and its citation), a proceeding and its subject's protected identity."""
    for case in (case_a, case_b):
        FactFactory(case=case, statement=f"Statement of {case.title}")
        ProceedingFactory(case=case, reference_number=f"REF-{case.title}")
        ProtectedIdentityFactory(individual=case.subjects.get(), legal_name=f"Legal {case.title}")
    return case_a, case_b
