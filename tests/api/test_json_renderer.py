"""The API's JSON is written by orjson (apps/core/api/renderers.py), byte for byte as DRF wrote it."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from apps.core.api.renderers import JSONRenderer

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "nested text in every script": {
        "title": "Kim: asylum in Russia",
        "aliases": [{"name": "김은철", "script": "Hang"}, {"name": "Ким", "script": "Cyrl"}],
        "quote": 'He said "no" \\ then left\n\ttabbed',
        "treaty": "協定",
        "control": "\x00\x1f\x7f",
        "emoji": "\U0001f4c4",
    },
    "numbers, booleans, null": {
        "count": 3,
        "negative": -(2**40),
        "ratio": 0.1,
        "score": 0.8333333333333334,
        "yes": True,
        "no": False,
        "nothing": None,
        "empty": [],
        "none": {},
    },
    "dates and times": {
        "utc": dt.datetime(2016, 1, 28, 9, 30, 15, 123456, tzinfo=dt.UTC),
        "moscow": dt.datetime(2016, 1, 28, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        "naive": dt.datetime(2016, 1, 28, 9, 30),
        "day": dt.date(2016, 1, 28),
        "time": dt.time(9, 30, 15),
        "span": dt.timedelta(days=30),
    },
    "what JSON has no type for": {
        "lazy": gettext_lazy("Case"),
        "decimal": decimal.Decimal("12.50"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "tuple": (1, "two"),
        1: "integer key",
    },
    "line separators": {"text": "one\u2028two\u2029three"},
    "a list at the top": [1, {"a": [2, [3, [4]]]}],
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_same_bytes_as_drf(payload):
    assert JSONRenderer().render(payload) == DRFJSONRenderer().render(payload)


def test_a_float_in_exponent_form_is_the_same_number_in_its_shortest_form():
    # Python writes 1e-07, orjson 1e-7: the same number to every JSON reader.
    payload = {"small": 1e-7, "big": 1e22}
    assert JSONRenderer().render(payload) == b'{"small":1e-7,"big":1e+22}'
    assert (
        json.loads(JSONRenderer().render(payload)) == json.loads(DRFJSONRenderer().render(payload)) == payload
    )


def test_the_javascript_line_separators_are_escaped():
    content = JSONRenderer().render({"text": "a\u2028b\u2029c"})
    assert content == b'{"text":"a\\u2028b\\u2029c"}'


def test_an_indented_body_asked_for_is_indented_as_drf_indents_it():
    payload = PAYLOADS["nested text in every script"]
    rendered = JSONRenderer().render(payload, "application/json; indent=4")
    assert rendered == DRFJSONRenderer().render(payload, "application/json; indent=4")
    assert b'\n    "title"' in rendered


def test_an_integer_beyond_64_bits_is_written_by_drf():
    payload = {"huge": 2**70}
    assert JSONRenderer().render(payload) == b'{"huge":1180591620717411303424}'


def test_nothing_renders_as_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_a_float_that_is_not_a_number_is_null():
    # DRF's strict JSON answers such a value with an error (a 500); no field of ours holds one.
    assert JSONRenderer().render({"x": float("nan"), "y": float("inf")}) == b'{"x":null,"y":null}'


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/",
        "/api/v1/cases/{case}/",
        "/api/v1/cases/{case}/timeline/",
        "/api/v1/individuals/",
        "/api/v1/articles/",
        "/api/v1/proceedings/",
        "/api/v1/agreements/",
        "/api/v1/nowhere/",
    ],
)
def test_every_api_answer_is_what_drf_wrote(token_client, kim, url):
    response = token_client().get(url.format(case=kim["case"].reference))
    assert response.status_code in (200, 404)
    assert response["Content-Type"].startswith(("application/json", "application/problem+json"))
    if hasattr(response, "data"):
        assert response.content == DRFJSONRenderer().render(response.data)
    assert response.json()
