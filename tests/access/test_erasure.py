import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.access.models import AccessLog
from apps.people.models import ProtectedIdentity
from apps.people.services import individual_identity_erase
from tests.factories import FactFactory, ProtectedIdentityFactory

pytestmark = pytest.mark.django_db


def test_erasure_blanks_the_identity_and_keeps_the_case(case_a, caseworker_a):
    subject = case_a.subjects.get()
    ProtectedIdentityFactory(individual=subject, email="kim@example.org", address="Amur region")
    fact = FactFactory(case=case_a)

    individual_identity_erase(individual=subject, by=caseworker_a, reason="The person asked us to.")

    identity = ProtectedIdentity.objects.get(individual=subject)
    assert (identity.legal_name, identity.date_of_birth, identity.phone, identity.email, identity.address) == (
        "", None, "", "", "",
    )
    subject.refresh_from_db()
    assert subject.pseudonym and list(subject.cases.all()) == [case_a]
    assert fact.case.facts.get() == fact


def test_erasure_is_written_to_the_access_log_without_the_values(case_a, caseworker_a, org_a):
    subject = case_a.subjects.get()
    ProtectedIdentityFactory(individual=subject, legal_name="Kim Chol-su")

    individual_identity_erase(individual=subject, by=caseworker_a, reason="Request of 2026-11-20")

    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.ERASE_PROTECTED
    assert entry.user == caseworker_a and entry.username == caseworker_a.username
    assert (entry.object_type, entry.object_id, entry.organization) == ("people.individual", str(subject.pk), org_a)
    assert entry.detail["reason"] == "Request of 2026-11-20"
    assert set(entry.detail["fields"]) == {"legal_name", "date_of_birth", "phone"}
    assert "Kim Chol-su" not in repr(entry.detail)


def test_it_refuses_erasure_of_another_organizations_subject(case_b, caseworker_a):
    subject = case_b.subjects.get()
    ProtectedIdentityFactory(individual=subject)
    with pytest.raises(PermissionDenied):
        individual_identity_erase(individual=subject, by=caseworker_a, reason="…")
    assert ProtectedIdentity.objects.get(individual=subject).legal_name
    assert not AccessLog.objects.exists()


def test_it_refuses_erasure_without_the_permission_or_a_reason(case_a, auditor_a, caseworker_a):
    subject = case_a.subjects.get()
    ProtectedIdentityFactory(individual=subject)
    with pytest.raises(PermissionDenied):
        individual_identity_erase(individual=subject, by=auditor_a, reason="Request")
    with pytest.raises(ValidationError):
        individual_identity_erase(individual=subject, by=caseworker_a, reason="  ")
    assert ProtectedIdentity.objects.get(individual=subject).legal_name
