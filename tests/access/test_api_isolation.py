"""Two organizations through the REST API: lists, search, details and history stay apart."""

import pytest

from tests.access.conftest import api
from tests.factories import ProtectedIdentityFactory

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


RECORDS = {
    "cases": lambda case: case,
    "facts": lambda case: case.facts.get(),
    "proceedings": lambda case: case.proceedings.get(),
    "individuals": lambda case: case.subjects.get(),
    "citations": lambda case: case.facts.get().citations.get(),
}


def key(resource, case) -> str:
    """The record's address in the API: a case by its reference, the rest by public id."""
    record = RECORDS[resource](case)
    return record.reference if resource == "cases" else str(record.public_id)


@pytest.mark.parametrize("resource", RECORDS)
def test_lists_hold_only_the_organizations_records(world, caseworker_a, resource):
    case_a, case_b = world
    listed = ids(api(caseworker_a).get(f"/api/v1/{resource}/"))
    assert str(RECORDS[resource](case_a).public_id) in listed
    assert str(RECORDS[resource](case_b).public_id) not in listed


@pytest.mark.parametrize("resource", RECORDS)
def test_another_organizations_record_is_404_on_detail_and_history(world, caseworker_a, resource):
    case_a, case_b = world
    client = api(caseworker_a)
    assert client.get(f"/api/v1/{resource}/{key(resource, case_a)}/").status_code == 200
    assert client.get(f"/api/v1/{resource}/{key(resource, case_b)}/").status_code == 404
    assert client.get(f"/api/v1/{resource}/{key(resource, case_b)}/history/").status_code == 404


def test_search_does_not_find_another_organizations_case(world, caseworker_a):
    response = api(caseworker_a).get("/api/v1/cases/", {"search": "Other (B)"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_shared_case_is_readable_by_the_partner_through_the_api(world, legal_partner):
    case_a, case_b = world
    client = api(legal_partner)
    assert client.get(f"/api/v1/cases/{case_a.reference}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case_b.reference}/").status_code == 404


def test_protected_fields_show_only_for_visible_identities(world, org_a, caseworker_b):
    from tests.access.conftest import member
    from tests.factories import IndividualFactory

    case_a, _case_b = world
    reader = member(org_a, "caseworker")
    theirs = IndividualFactory.build()
    theirs._history_user = caseworker_b  # registered by the other organization, in no case yet
    theirs.save()
    ProtectedIdentityFactory(individual=theirs, legal_name="Not yours")
    imported = IndividualFactory()  # in no case, recorded by no user: attachable, identity hidden
    ProtectedIdentityFactory(individual=imported, legal_name="Not yours either")
    client = api(reader)

    mine = client.get(f"/api/v1/individuals/{case_a.subjects.get().public_id}/").json()
    assert mine["legal_name"] == "Legal Kim (A)"
    assert client.get(f"/api/v1/individuals/{theirs.public_id}/").status_code == 404
    assert client.get(f"/api/v1/individuals/{imported.public_id}/").json()["legal_name"] == ""
    listing = client.get("/api/v1/individuals/").content.decode()
    assert "Not yours" not in listing
