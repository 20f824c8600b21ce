"""Every optional field of every resource left out or set empty: answers, never a 5xx.

A case whose subject had no nationality used to be stored and then answered 500 (an empty
``Country`` reached the JSON renderer), and its page stayed 500. Its siblings are looked for
here systematically: for each resource, the optional request fields (taken from the OpenAPI
schema, so a new field is covered the day it is added) are left out, then all set to their
empty value, through create, every read (detail, list, history, timeline, dossier) and update.
"""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from apps.cases.models import Case
from apps.people.models import Individual

pytestmark = pytest.mark.django_db

# Each resource: its request component in the schema, and the required fields' values
# (callables of the ``kim`` fixture, so they name records that exist).
RESOURCES = {
    "individuals": ("IndividualRequest", lambda kim: {"pseudonym": "Nobody in particular"}),
    "organizations": ("OrganizationRequest", lambda kim: {"name": "An office", "kind": "ngo"}),
    "cases": (
        "CaseRequest",
        lambda kim: {
            "title": "Somebody", "organization": str(kim["memorial"].public_id),
            "subjects": [str(kim["nobody"].public_id)], "opened_on": "2020-02-02",
        },
    ),
    "proceedings": (
        "ProceedingRequest",
        lambda kim: {"case": "CT-2013-0001", "kind": "appeal", "authority": str(kim["fms"].public_id)},
    ),
    "agreements": ("AgreementRequest", lambda kim: {"title": "An agreement", "kind": "readmission_agreement"}),
    "provisions": ("ProvisionRequest", lambda kim: {"agreement": str(kim["agreement"].public_id), "summary": "A rule."}),
    "articles": (
        "ArticleRequest",
        lambda kim: {"title": "A report", "outlet": str(kim["outlet"].public_id), "body": "Something happened."},
    ),
    "citations": (
        "CitationRequest",
        lambda kim: {
            "article": str(kim["article"].public_id), "quote": "asked border guards for help",
            "fact": str(kim["fact"].public_id),
        },
    ),
    "facts": (
        "FactRequest",
        lambda kim: {
            "case": "CT-2013-0001", "statement": "Something.",
            "citations": [{"article": str(kim["article"].public_id), "quote": "transit country"}],
        },
    ),
}


@pytest.fixture(scope="module")
def request_components(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def empty_value(prop: dict):
    """The empty value a client would send for a property, or ... when it has none."""
    if prop.get("nullable"):
        return None
    if prop.get("type") == "array":
        return []
    variants = prop.get("oneOf", [])
    if prop.get("type") == "string" and "format" not in prop or any(
        v.get("maxLength") == 0 or v.get("$ref", "").endswith("/BlankEnum") for v in variants
    ):
        return ""
    return ...  # an enum, a boolean, a number: it can be left out, not emptied


def empties(component: dict, required: dict) -> dict:
    data = {}
    for name, prop in component["properties"].items():
        if name in required or prop.get("readOnly"):
            continue
        value = empty_value(prop)
        if value is not ...:
            data[name] = value
    return data


@pytest.fixture
def world(kim):
    return {**kim, "nobody": Individual.objects.create(pseudonym="No nationality")}


def detail_url(resource: str, body: dict) -> str:
    key = body["reference"] if resource == "cases" else body["id"]
    return f"/api/v1/{resource}/{key}/"


def reads(resource: str, url: str) -> list[str]:
    urls = [url, f"/api/v1/{resource}/", f"{url}history/"]
    if resource == "cases":
        urls += [f"{url}timeline/", f"{url}dossier/?format=json"]
    return urls


def assert_no_5xx(response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.content[:500])


@pytest.mark.parametrize("resource", sorted(RESOURCES))
@pytest.mark.parametrize("mode", ["absent", "empty"])
def test_optional_fields_absent_or_empty_never_give_a_5xx(admin_api, world, request_components, resource, mode):
    component_name, required_values = RESOURCES[resource]
    component = request_components[component_name]
    required = required_values(world)
    payload = {**required, **(empties(component, required) if mode == "empty" else {})}

    created = admin_api.post(f"/api/v1/{resource}/", payload, format="json")
    assert_no_5xx(created, f"POST {resource} {payload}")
    if created.status_code == 400 and mode == "empty":
        # Some fields refuse the empty value (a blank language): a fine answer, if it names
        # them. Store the rest of the empties, so that they are read back below.
        refused = created.json()["errors"]
        assert set(refused) <= set(payload) - set(required), refused
        payload = {name: value for name, value in payload.items() if name not in refused}
        created = admin_api.post(f"/api/v1/{resource}/", payload, format="json")

    assert created.status_code == 201, created.json()
    url = detail_url(resource, created.json())
    for read in reads(resource, url):
        assert_no_5xx(admin_api.get(read), f"GET {read}")
    blanked = empties(component, required)
    for method in ("patch", "put"):
        body = blanked if method == "patch" else {**required, **blanked}
        if resource == "cases":
            body.pop("reference", None)  # an empty reference means "keep it" on update
        answer = getattr(admin_api, method)(url, body, format="json")
        assert_no_5xx(answer, f"{method.upper()} {url} {body}")
    for read in reads(resource, url):
        assert_no_5xx(admin_api.get(read), f"GET {read} after update")


def test_a_case_whose_subject_has_no_nationality_is_stored_and_shown(admin_api, world):
    response = admin_api.post("/api/v1/cases/", RESOURCES["cases"][1](world), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["subjects"][0]["nationality"] == ""
    assert admin_api.get(detail_url("cases", response.json())).status_code == 200


def test_the_admin_case_page_shows_a_subject_without_nationality(admin_client, world):
    from apps.cases.services import case_open

    case = case_open(title="Somebody", organization=world["memorial"], subjects=[world["nobody"]],
                     opened_on=world["case"].opened_on)

    assert admin_client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    assert admin_client.get(reverse("admin:cases_case_history", args=[case.pk])).status_code == 200
    assert admin_client.get(reverse("admin:people_individual_change", args=[world["nobody"].pk])).status_code == 200


def test_a_response_that_cannot_be_built_takes_its_write_back(admin_api, world, monkeypatch):
    from apps.workspace import serializers

    class Unencodable:
        pass

    original = serializers.CaseDetailSerializer.to_representation
    monkeypatch.setattr(
        serializers.CaseDetailSerializer, "to_representation",
        lambda self, case: {**original(self, case), "title": Unencodable()},
    )
    before = Case.objects.count()
    admin_api.raise_request_exception = False

    response = admin_api.post("/api/v1/cases/", RESOURCES["cases"][1](world), format="json")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert Case.objects.count() == before  # nothing left behind: a retry cannot make a duplicate
