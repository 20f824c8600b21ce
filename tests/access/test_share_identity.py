"""A share shows a case, not who its people legally are — unless the share says so."""

import pytest
from django.urls import reverse

from apps.cases.services import case_share_grant, case_share_update
from apps.core import scoping
from apps.dossiers.levels import dossier_levels_allowed
from apps.people.models import ProtectedIdentity
from tests.access.conftest import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world, supervisor_a, caseworker_b):
    """Case A shared with a caseworker of organization B (who may read identities in general)."""
    case_a, _case_b = world
    share = case_share_grant(case=case_a, user=caseworker_b, by=supervisor_a, reason="second opinion")
    return case_a, share


def test_a_share_does_not_reveal_the_subjects_identity(shared, caseworker_b):
    case_a, _share = shared
    subject = case_a.subjects.get()
    assert caseworker_b.has_perm("people.view_protectedidentity")

    assert not scoping.visible(ProtectedIdentity, caseworker_b).filter(individual=subject).exists()
    detail = api(caseworker_b).get(f"/api/v1/individuals/{subject.public_id}/").json()
    assert detail["pseudonym"] == subject.pseudonym and not detail.get("legal_name")
    page = _admin_page(caseworker_b, subject)
    assert "Legal Kim (A)" not in page
    assert dossier_levels_allowed(user=caseworker_b, cases=[case_a]) == ["legal", "public"]


def test_a_share_that_says_so_reveals_it(shared, caseworker_b, supervisor_a):
    case_a, share = shared
    case_share_update(share=share, by=supervisor_a, reveals_identity=True)
    subject = case_a.subjects.get()

    detail = api(caseworker_b).get(f"/api/v1/individuals/{subject.public_id}/").json()
    assert detail["legal_name"] == "Legal Kim (A)"
    assert "Legal Kim (A)" in _admin_page(caseworker_b, subject)
    assert dossier_levels_allowed(user=caseworker_b, cases=[case_a]) == ["full", "legal", "public"]


def test_lists_never_carry_protected_identity(world, caseworker_a):
    rows = api(caseworker_a).get("/api/v1/individuals/").json()["results"]
    assert rows and all("legal_name" not in row and "date_of_birth" not in row for row in rows)


def test_the_organization_holding_the_case_still_sees_the_identity(world, caseworker_a):
    case_a, _case_b = world
    subject = case_a.subjects.get()
    assert api(caseworker_a).get(f"/api/v1/individuals/{subject.public_id}/").json()["legal_name"] == "Legal Kim (A)"
    assert dossier_levels_allowed(user=caseworker_a, cases=[case_a]) == ["full", "legal", "public"]


def _admin_page(user, subject) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:people_individual_change", args=[subject.pk]))
    assert response.status_code == 200
    return response.content.decode()
