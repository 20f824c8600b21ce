import io

import pytest
import yaml
from django.core.management import call_command
from django.test import RequestFactory

from apps.core.api.problems import handler500

ERRORS = {"400", "401", "403", "404", "409", "415", "429"}


@pytest.fixture(scope="module")
def openapi(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    # --fail-on-warn: a schema drf-spectacular had to guess at fails the suite.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path), stderr=io.StringIO())
    return yaml.safe_load(path.read_text())


def test_the_schema_validates_without_warnings_and_covers_every_resource(openapi):
    resources = {path.split("/")[3] for path in openapi["paths"]}
    assert resources == {"individuals", "organizations", "cases", "proceedings", "agreements", "provisions",
                         "articles", "citations", "facts", "jobs", "deadlines", "documents",
                         "date-readings", "signing-key", "webhooks"}
    assert openapi["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_write_documents_its_problem_responses(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if method not in {"post", "put", "patch", "delete"}:
                continue
            documented = set(operation["responses"])
            assert {"400", "401", "403", "409"} <= documented, (method, path)
            problem = operation["responses"]["409"]["content"]
            assert list(problem) == ["application/problem+json"]


def test_no_integer_row_id_is_exposed(openapi):
    for name, component in openapi["components"]["schemas"].items():
        properties = component.get("properties", {})
        if "id" in properties:
            assert properties["id"].get("format") == "uuid", name


def test_a_server_error_under_api_is_a_problem_too():
    response = handler500(RequestFactory().get("/api/v1/cases/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    html = handler500(RequestFactory().get("/admin/"))
    assert html["Content-Type"].startswith("text/html")
