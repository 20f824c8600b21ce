"""A write naming a field that does not exist is a 400 naming it, and the schema says so."""

import pytest

from apps.people.models import Organization
from tests.factories import ArticleFactory, CaseFactory, FactFactory, OrganizationFactory
from tests.http import if_match

pytestmark = pytest.mark.django_db

RESOURCES = ["organizations", "individuals", "cases", "proceedings", "agreements", "provisions",
             "articles", "citations", "facts"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_post_with_an_unknown_field_is_refused_naming_it(admin_api, resource):
    response = admin_api.post(f"/api/v1/{resource}/", {"nmae": "typo", "titel": "typo"}, format="json")

    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors["nmae"] == errors["titel"] == ["There is no such field here; check its name in /api/docs/."]


def test_a_patch_with_a_misspelt_field_changes_nothing(admin_api):
    organization = OrganizationFactory(name="FMS")
    url = f"/api/v1/organizations/{organization.public_id}/"

    response = admin_api.patch(url, {"nmae": "Federal Migration Service"}, format="json", **if_match(admin_api, url))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["nmae"]
    assert Organization.objects.get(pk=organization.pk).name == "FMS"


def test_a_nested_quote_with_an_unknown_field_is_refused_on_its_path(admin_api):
    case, article = CaseFactory(), ArticleFactory(body="Kim asked for asylum.")
    response = admin_api.post("/api/v1/facts/", {
        "case": case.reference, "statement": "Kim asked for asylum.",
        "citations": [{"article": str(article.public_id), "quote": "Kim asked for asylum.", "page": 3}],
    }, format="json")

    assert response.status_code == 400
    assert "citations.0.page" in response.json()["errors"]


def test_what_a_client_read_can_be_sent_back(admin_api):
    fact = FactFactory()
    url = f"/api/v1/facts/{fact.public_id}/"
    body = admin_api.get(url).json()
    body.pop("citations")  # quotes are added through /citations/

    response = admin_api.put(url, body, format="json", **if_match(admin_api, url))

    assert response.status_code == 200, response.json()


def test_the_schema_allows_no_other_properties_in_write_bodies(admin_api):
    schemas = admin_api.get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("CaseRequest", "PatchedCaseRequest", "FactRequest", "CitationInlineRequest", "IndividualRequest"):
        assert schemas[name]["additionalProperties"] is False, name
    assert "additionalProperties" not in schemas["Case"]  # answers may grow new fields
