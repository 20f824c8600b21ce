"""Through the REST API: no write reaches another organization, and records show their history."""

import pytest
from django.contrib.auth.models import Permission

from apps.cases.models import Case
from tests.access.conftest import api
from tests.http import if_match

pytestmark = pytest.mark.django_db


def test_the_history_endpoint_lists_versions_with_their_changes(world, caseworker_a):
    case_a, _case_b = world
    case_a._history_user = caseworker_a
    case_a.title = "Kim: appeal"
    case_a.save()

    response = api(caseworker_a).get(f"/api/v1/cases/{case_a.reference}/history/")

    assert response.status_code == 200
    versions = response.json()
    assert (versions[0]["type"], versions[-1]["type"]) == ("changed", "created")
    latest = versions[0]
    assert latest["user"] == caseworker_a.username
    assert {"field": "title", "old": "Kim (A)", "new": "Kim: appeal"} in latest["changes"]
    created = {change["field"]: change["new"] for change in versions[-1]["changes"]}
    # Related records by public id, never the internal number.
    assert created["organization"] == str(case_a.organization.public_id)


def test_the_history_of_an_individual_carries_no_protected_values(world, superuser):
    case_a, _case_b = world
    subject = case_a.subjects.get()
    body = api(superuser).get(f"/api/v1/individuals/{subject.public_id}/history/")
    assert body.status_code == 200
    assert "Legal" not in body.content.decode()


def test_no_case_is_created_in_another_organization(world, caseworker_a, org_b):
    case_a, _case_b = world
    payload = {
        "title": "Smuggled", "organization": str(org_b.public_id),
        "subjects": [str(case_a.subjects.get().public_id)], "opened_on": "2020-02-01",
    }
    response = api(caseworker_a).post("/api/v1/cases/", payload, format="json")
    assert response.status_code in (400, 403), response.content
    assert not Case.objects.filter(title="Smuggled").exists()


def test_the_partner_cannot_change_a_shared_case(world, legal_partner):
    case_a, _case_b = world
    # Even with the permission to change cases, a share grants reading only.
    legal_partner.user_permissions.add(Permission.objects.get(codename="change_case"))
    response = api(legal_partner).patch(f"/api/v1/cases/{case_a.reference}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.title == "Kim (A)"


def test_no_fact_is_attached_to_another_organizations_case(world, caseworker_a):
    from tests.factories import ArticleFactory

    _case_a, case_b = world
    article = ArticleFactory()
    payload = {
        "case": case_b.reference, "statement": "Planted", "date": "2016",
        "citations": [{"article": str(article.public_id), "quote": article.body[:20]}],
    }
    response = api(caseworker_a).post("/api/v1/facts/", payload, format="json")
    assert response.status_code == 400, response.content
    assert "case" in response.json()["errors"]
    assert not case_b.facts.filter(statement="Planted").exists()


def test_each_protected_identity_sent_is_logged_with_the_token(world, caseworker_a, org_a):
    from apps.access.models import AccessLog

    case_a, _case_b = world
    subject = case_a.subjects.get()
    client = api(caseworker_a)

    assert client.get(f"/api/v1/individuals/{subject.public_id}/").json()["legal_name"] == "Legal Kim (A)"
    # A list never carries protected identity, so reading one logs nothing.
    listed = client.get("/api/v1/individuals/").json()["results"]
    assert listed and all("legal_name" not in row for row in listed)

    entries = AccessLog.objects.filter(action="api_protected_read", object_id=str(subject.pk))
    assert entries.count() == 1
    assert {entry.organization_id for entry in entries} == {org_a.pk}
    assert all(entry.user == caseworker_a for entry in entries)


def test_a_change_through_the_api_is_versioned_with_its_user(world, caseworker_a):
    case_a, _case_b = world
    client = api(caseworker_a)

    response = client.patch(f"/api/v1/cases/{case_a.reference}/", {"title": "Kim: second appeal"}, format="json", **if_match(client, f"/api/v1/cases/{case_a.reference}/"))

    assert response.status_code == 200, response.content
    latest = Case.history.filter(id=case_a.pk).order_by("-history_date", "-history_id").first()
    assert (latest.title, latest.history_user) == ("Kim: second appeal", caseworker_a)
