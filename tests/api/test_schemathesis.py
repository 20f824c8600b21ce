"""The whole OpenAPI schema, fuzzed in-process with schemathesis.

Every operation gets generated requests, valid and invalid (fixed seed, bounded count), as a
superuser with a write token, over a small real data set. The API must never answer 5xx, and
every answer must be one the schema documents: status code, content type, headers, body.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from apps.tokens.services import api_token_create
from tests.factories import SuperuserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 40
# Valid and invalid requests from a fixed seed. The "coverage" phase (boundary values of every
# field, hundreds of requests per operation) is left to occasional manual runs: it would take
# `make test` past a few minutes on two cores.
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "generation": {"deterministic": True}}
)


# schemathesis sends requests to the WSGI app as Host: localhost.
WSGI_HOST = "localhost"


@pytest.fixture(scope="session")
def api_schema(django_db_blocker):
    with django_db_blocker.unblock(), override_settings(ALLOWED_HOSTS=[WSGI_HOST]):
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def superuser_token(db, settings):
    settings.ALLOWED_HOSTS = [WSGI_HOST]
    # Thousands of requests on one token: the throttle is tested elsewhere.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000000/hour"}
    }
    _record, token = api_token_create(user=SuperuserFactory(), scope="write")
    return token


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """Requests to the WSGI app start and end with close_old_connections(), which would close
    the test's connection (and its open transaction) on PostgreSQL. Django's test client
    disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(kim):
    """Path parameters that name stored records, so that detail operations reach the serializers."""
    return {
        "cases": {"reference": kim["case"].reference},
        "individuals": {"id": str(kim["person"].public_id)},
        "organizations": {"id": str(kim["outlet"].public_id)},
        "proceedings": {"id": str(kim["refusal"].public_id)},
        "agreements": {"id": str(kim["agreement"].public_id)},
        "provisions": {"id": str(kim["provision"].public_id)},
        "articles": {"id": str(kim["article"].public_id)},
        "citations": {"id": str(kim["fact"].citations.get().public_id)},
        "facts": {"id": str(kim["fact"].public_id)},
    }


@pytest.fixture
def real_references(kim):
    """Values for the body fields that name other records: random UUIDs would name nothing,
    and nearly every write would stop at "object does not exist"."""
    return {
        "outlet": str(kim["outlet"].public_id),
        "organization": str(kim["memorial"].public_id),
        "authority": str(kim["fms"].public_id),
        "party_organizations": [str(kim["memorial"].public_id)],
        "subjects": [str(kim["person"].public_id)],
        "subject": str(kim["person"].public_id),
        "case": kim["case"].reference,
        "article": str(kim["article"].public_id),
        "fact": str(kim["fact"].public_id),
        "agreement": str(kim["agreement"].public_id),
        "agreements": [str(kim["agreement"].public_id)],
        "provisions": [str(kim["provision"].public_id)],
        "appeal_of": str(kim["refusal"].public_id),
    }


def point_at_real_records(body, references):
    if not isinstance(body, dict):
        return body
    body = dict(body)
    for key, value in references.items():
        if key in body and body[key] is not None and isinstance(body[key], str | list):
            body[key] = value
    # Citations inside a fact or proceeding: a real article and words it really contains.
    if isinstance(body.get("citations"), list):
        body["citations"] = [
            {**item, "article": references["article"], "quote": "Kim crossed", "start": None}
            if isinstance(item, dict) else item
            for item in body["citations"]
        ]
    if body.keys() & {"fact", "proceeding", "provision"} and "quote" in body:
        body["quote"] = "Kim crossed"
        body.pop("start", None)
    return body


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_conforms_to_its_schema_and_never_fails(case, superuser_token, real_ids, real_references):
    resource = case.path.split("/")[3]
    if case.path_parameters and resource in real_ids and case.method != "DELETE":
        case.path_parameters = {**case.path_parameters, **real_ids[resource]}
    if case.meta and case.meta.generation.mode == GenerationMode.POSITIVE:
        case.body = point_at_real_records(case.body, real_references)
    response = case.call(headers={"Authorization": f"Bearer {superuser_token}"})
    case.validate_response(response, checks=CHECKS)
