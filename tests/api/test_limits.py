"""Limits are answers: a body over a limit is a 413 problem whatever its type, bad or too deep
JSON a 400 problem, and an article of the documented size fits in a JSON body."""

import json

import pytest
from django.conf import settings

from apps.core.api.policies import MAX_JSON_DEPTH
from apps.sources.models import Article

pytestmark = pytest.mark.django_db


def assert_problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_the_body_limit_holds_an_article_of_the_import_limit_escaped():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 3 * settings.ARTICLE_IMPORT_MAX_BYTES


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_over_the_limit_is_a_413_problem_whatever_its_type(admin_api, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 2000, "kind": "ngo"})
    response = admin_api.generic("POST", "/api/v1/organizations/", body, content_type=content_type)
    problem = assert_problem(response, 413)
    assert problem["type"] == "urn:casetracker:problem:too-large"
    assert "1,000 bytes" in problem["detail"]


def test_too_many_form_fields_is_a_413_problem(admin_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=x" for i in range(50))
    response = admin_api.generic("POST", "/api/v1/articles/import/", body,
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code in (413, 415)
    assert response["Content-Type"] == "application/problem+json"


def test_a_json_import_of_a_five_mib_article_is_accepted(admin_api, kim):
    text = "Kim crossed into Russia. " + "Сотрудники миграционной службы отказали. " * 68_000
    payload = json.dumps({"text": text, "outlet": str(kim["outlet"].public_id)})  # ensure_ascii: \uXXXX
    assert len(payload) > 2.5 * 1024 * 1024
    assert len(text.encode()) <= settings.ARTICLE_IMPORT_MAX_BYTES
    response = admin_api.generic("POST", "/api/v1/articles/import/", payload, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert Article.objects.filter(title__startswith="Kim crossed").exists()


@pytest.mark.parametrize("body", ["[" * 5000, "{" * 5000, '{"a":' * 2000, "[" * 5000 + "]" * 5000])
def test_deeply_nested_json_is_a_400_problem(admin_api, body):
    problem = assert_problem(admin_api.generic("POST", "/api/v1/organizations/", body, content_type="application/json"), 400)
    assert "non_field_errors" in problem["errors"]


def test_json_nested_just_within_the_depth_is_read(admin_api):
    nested = {"name": "An office", "kind": "ngo", "notes": "x"}
    body = json.dumps({**nested, "ignored": [[[]]]})
    assert MAX_JSON_DEPTH >= 5
    response = admin_api.generic("POST", "/api/v1/organizations/", body, content_type="application/json")
    assert response.status_code < 500


def test_json_one_level_too_deep_is_refused(admin_api):
    value = []
    for _ in range(MAX_JSON_DEPTH):
        value = [value]
    body = json.dumps({"name": "x", "kind": "ngo", "notes": value})
    problem = assert_problem(admin_api.generic("POST", "/api/v1/organizations/", body, content_type="application/json"), 400)
    assert f"deeper than {MAX_JSON_DEPTH}" in problem["detail"]


def test_malformed_json_is_a_400_problem(admin_api):
    assert_problem(admin_api.generic("POST", "/api/v1/organizations/", '{"name": ', content_type="application/json"), 400)
