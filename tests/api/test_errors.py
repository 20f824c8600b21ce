"""Every error is RFC 9457 problem details, with each invalid field listed on 400."""

import pytest

from tests.http import if_match

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response, status, type_suffix):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_KEYS <= body.keys()
    assert body["status"] == status
    assert body["type"] == f"urn:casetracker:problem:{type_suffix}"
    return body


def test_malformed_json_is_a_400_problem(admin_api):
    response = admin_api.post("/api/v1/organizations/", "{not json", content_type="application/json")
    body = assert_problem(response, 400, "parse-error")
    assert "JSON parse error" in body["errors"]["non_field_errors"][0]


def test_nul_characters_are_refused_before_they_reach_the_database(admin_api):
    response = admin_api.post("/api/v1/organizations/", '{"name": "a\\u0000b", "kind": "ngo"}',
                              content_type="application/json")
    assert_problem(response, 400, "parse-error")


def test_wrong_types_and_unknown_choices_name_each_field(admin_api):
    response = admin_api.post("/api/v1/organizations/", {"name": ["a list"], "kind": "bakery"}, format="json")
    body = assert_problem(response, 400, "validation-error")
    assert set(body["errors"]) == {"name", "kind"}
    assert "not a valid choice" in body["errors"]["kind"][0]


def test_a_quote_not_in_its_article_is_a_400_on_the_quote(admin_api, kim):
    response = admin_api.post(
        "/api/v1/facts/",
        {
            "case": "CT-2013-0001",
            "statement": "Kim was granted asylum.",
            "citations": [{"article": str(kim["article"].public_id), "quote": "granted asylum"}],
        },
        format="json",
    )
    body = assert_problem(response, 400, "validation-error")
    assert list(body["errors"]) == ["citations.0.quote"]
    assert "does not appear in the article" in body["errors"]["citations.0.quote"][0]


def test_partial_dates_out_of_order_are_a_400_on_the_later_date(admin_api):
    response = admin_api.post(
        "/api/v1/agreements/",
        {"title": "A treaty", "kind": "protocol", "drafted": "2016", "signed": "spring 2014"},
        format="json",
    )
    body = assert_problem(response, 400, "validation-error")
    assert "signed" in body["errors"]


def test_an_unreadable_partial_date_is_a_400_explaining_the_forms(admin_api, kim):
    response = admin_api.patch(f"/api/v1/individuals/{kim['person'].public_id}/", {"born": "the other day"},
                               format="json", **if_match(admin_api, f"/api/v1/individuals/{kim['person'].public_id}/"))
    body = assert_problem(response, 400, "validation-error")
    assert "spring 2013" in body["errors"]["born"][0]


def test_an_unknown_record_is_a_404_problem(admin_api):
    assert_problem(admin_api.get("/api/v1/cases/CT-1999-0001/"), 404, "not-found")
    assert_problem(admin_api.get("/api/v1/individuals/not-a-uuid/"), 404, "not-found")


def test_an_unknown_address_under_api_is_a_404_problem(admin_api):
    response = admin_api.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_method_not_allowed_is_a_405_problem(admin_api, kim):
    citation = kim["fact"].citations.get()
    assert_problem(admin_api.patch(f"/api/v1/citations/{citation.public_id}/", {}, format="json"),
                   405, "method-not-allowed")


def test_a_body_that_is_not_json_is_a_415_problem(admin_api):
    response = admin_api.post("/api/v1/organizations/", "name=x", content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415, "unsupported-media-type")


def test_deleting_a_quoted_article_is_a_409_with_the_reason(admin_api, kim):
    body = assert_problem(admin_api.delete(f"/api/v1/articles/{kim['article'].public_id}/", **if_match(admin_api, f"/api/v1/articles/{kim['article'].public_id}/")), 409, "conflict")
    assert "quoted by 2 citation(s)" in body["detail"]


def test_deleting_a_contradicted_fact_is_a_409_with_the_reason(admin_api, kim):
    other = admin_api.post(
        "/api/v1/facts/",
        {
            "case": "CT-2013-0001",
            "statement": "Kazakhstan returned Kim to China.",
            "contradicts": [str(kim["fact"].public_id)],
            "citations": [{"article": str(kim["article"].public_id), "quote": "asked border guards"}],
        },
        format="json",
    )
    assert other.status_code == 201, other.json()
    body = assert_problem(admin_api.delete(f"/api/v1/facts/{kim['fact'].public_id}/", **if_match(admin_api, f"/api/v1/facts/{kim['fact'].public_id}/")), 409, "conflict")
    assert "contradicting" in body["detail"]


def test_deleting_an_organization_still_referred_to_is_a_409(admin_api, kim):
    body = assert_problem(admin_api.delete(f"/api/v1/organizations/{kim['fms'].public_id}/", **if_match(admin_api, f"/api/v1/organizations/{kim['fms'].public_id}/")), 409, "conflict")
    assert "proceeding" in body["detail"]


def test_deleting_the_only_quote_of_a_fact_is_a_409(admin_api, kim):
    citation = kim["fact"].citations.get()
    assert_problem(admin_api.delete(f"/api/v1/citations/{citation.public_id}/", **if_match(admin_api, f"/api/v1/citations/{citation.public_id}/")), 409, "conflict")


def test_storing_the_same_article_twice_is_a_409_naming_the_first(admin_api, kim):
    article = kim["article"]
    response = admin_api.post(
        "/api/v1/articles/",
        {"title": "Copy", "outlet": str(kim["outlet"].public_id), "body": article.body},
        format="json",
    )
    body = assert_problem(response, 409, "conflict")
    assert str(article.public_id) in body["detail"]


def test_deleting_the_subject_of_a_case_is_a_409(admin_api, kim):
    body = assert_problem(admin_api.delete(f"/api/v1/individuals/{kim['person'].public_id}/", **if_match(admin_api, f"/api/v1/individuals/{kim['person'].public_id}/")), 409, "conflict")
    assert "CT-2013-0001" in body["detail"]
