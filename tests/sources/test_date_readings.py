"""Dates of agreements and proceedings backed by sources, disputed when the sources differ."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from apps.agreements.services import agreement_create
from apps.people.models import Organization
from apps.people.services import organization_create
from apps.sources.models import Citation, DateReading
from apps.sources.selectors import date_readings_grouped
from apps.sources.services import article_create, citation_remove, date_reading_add, date_reading_remove
from tests.factories import ProceedingFactory

UPI = "Russia's Foreign Ministry spokeswoman Maria Zakharova said Friday the agreement is to be signed on Feb. 2."
MT = "Russia has signed an agreement with North Korea, State Duma deputy Dmitry Gudkov said in an online post Wednesday."


@pytest.fixture
def sources(db):
    upi = organization_create(name="UPI", kind=Organization.Kind.NEWS_OUTLET)
    times = organization_create(name="The Moscow Times", kind=Organization.Kind.NEWS_OUTLET)
    return (
        article_create(title="Russia, North Korea agree", outlet=upi, body=UPI, published_on=dt.date(2016, 1, 29)),
        article_create(title="Russia Signs Deal", outlet=times, body=MT, published_on=dt.date(2016, 2, 4)),
    )


@pytest.fixture
def agreement(db):
    return agreement_create(title="Russia–DPRK readmission agreement", kind="readmission_agreement", signed="2 Feb 2016")


def _two_readings(agreement, sources):
    upi, times = sources
    first = date_reading_add(
        agreement=agreement, field="signed", value="2 Feb 2016",
        supports=[{"article": upi, "quote": "to be signed on Feb. 2"}],
    )
    second = date_reading_add(
        agreement=agreement, field="signed", value="3 Feb 2016",
        supports=[{"article": times, "quote": "Russia has signed an agreement"}],
    )
    return first, second


def test_one_reading_is_not_disputed_two_different_ones_are(agreement, sources):
    upi, times = sources
    date_reading_add(agreement=agreement, field="signed", value="2 Feb 2016",
                     supports=[{"article": upi, "quote": "to be signed on Feb. 2"}])
    assert date_readings_grouped(agreement.date_readings.all())["signed"]["disputed"] is False
    second = date_reading_add(agreement=agreement, field="signed", value="3 Feb 2016",
                              supports=[{"article": times, "quote": "Russia has signed an agreement"}])
    grouped = date_readings_grouped(agreement.date_readings.all())["signed"]
    assert grouped["disputed"] is True
    assert [str(r.value) for r in grouped["readings"]] == ["2 Feb 2016", "3 Feb 2016"]
    date_reading_remove(reading=second)
    assert date_readings_grouped(agreement.date_readings.all())["signed"]["disputed"] is False


def test_a_reading_needs_a_source_and_an_existing_date_field(agreement, sources):
    upi, _ = sources
    with pytest.raises(ValidationError) as refused:
        date_reading_add(agreement=agreement, field="signed", value="2 Feb 2016", supports=[])
    assert "citations" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        date_reading_add(agreement=agreement, field="decided", value="2 Feb 2016",
                         supports=[{"article": upi, "quote": "to be signed on Feb. 2"}])
    assert "no such date" in refused.value.message_dict["field"][0]
    with pytest.raises(ValidationError) as refused:
        date_reading_add(agreement=agreement, field="signed", value="31 April 2016",
                         supports=[{"article": upi, "quote": "to be signed on Feb. 2"}])
    assert "value" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        date_reading_add(agreement=agreement, field="signed", value="2 Feb 2016",
                         supports=[{"article": upi, "quote": "signed on 3 Feb"}])
    assert "quote" in refused.value.message_dict
    assert not DateReading.objects.exists()


def test_the_same_date_read_twice_is_one_reading_with_two_sources(agreement, sources):
    upi, times = sources
    date_reading_add(agreement=agreement, field="signed", value="2 Feb 2016",
                     supports=[{"article": upi, "quote": "to be signed on Feb. 2"}])
    with pytest.raises(ValidationError) as refused:
        date_reading_add(agreement=agreement, field="signed", value="2 February 2016",
                         supports=[{"article": times, "quote": "Russia has signed an agreement"}])
    assert "already read as 2 Feb 2016" in refused.value.message_dict["value"][0]


def test_a_readings_last_quote_cannot_be_removed(agreement, sources):
    first, _second = _two_readings(agreement, sources)
    with pytest.raises(ValidationError) as refused:
        citation_remove(citation=first.citations.get())
    assert refused.value.code == "protected"


def test_a_proceedings_date_reading_is_scoped_like_the_proceeding(sources, desk):
    upi, _ = sources
    elsewhere = ProceedingFactory()  # a case of an organization the caseworker is not in
    reading = date_reading_add(proceeding=elsewhere, field="decided", value="2 Feb 2016",
                               supports=[{"article": upi, "quote": "to be signed on Feb. 2"}])
    client = APIClient()
    client.force_authenticate(desk.user)
    assert client.get("/api/v1/date-readings/").json()["results"] == []
    assert client.get(f"/api/v1/date-readings/{reading.public_id}/").status_code == 404
    cited = {c["id"] for c in client.get("/api/v1/citations/").json()["results"]}
    assert str(reading.citations.get().public_id) not in cited


def test_the_api_shows_both_readings_side_by_side(agreement, sources, superuser):
    _two_readings(agreement, sources)
    client = APIClient()
    client.force_authenticate(superuser)
    data = client.get(f"/api/v1/agreements/{agreement.public_id}/").json()["date_readings"]["signed"]
    assert data["disputed"] is True
    assert [r["value"]["display"] for r in data["readings"]] == ["2 Feb 2016", "3 Feb 2016"]
    assert data["readings"][0]["citations"][0]["quote"] == "to be signed on Feb. 2"
    assert data["readings"][1]["citations"][0]["outlet"] == "The Moscow Times"


def test_the_api_records_a_reading_with_its_quote_and_names_a_bad_field(agreement, sources, superuser):
    upi, _ = sources
    client = APIClient()
    client.force_authenticate(superuser)
    body = {"agreement": str(agreement.public_id), "field": "signed", "value": "2 Feb 2016",
            "citations": [{"article": str(upi.public_id), "quote": "to be signed on Feb. 2"}]}
    created = client.post("/api/v1/date-readings/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["citations"][0]["quote"] == "to be signed on Feb. 2"
    wrong = client.post("/api/v1/date-readings/", {**body, "field": "filed"}, format="json")
    assert wrong.status_code == 400 and "field" in str(wrong.json())
    assert Citation.objects.filter(date_reading__isnull=False).count() == 1


def test_an_agreements_readings_cost_two_queries_however_many(agreement, sources, superuser, django_assert_num_queries):
    client = APIClient()
    client.force_authenticate(superuser)
    url = f"/api/v1/agreements/{agreement.public_id}/"
    _two_readings(agreement, sources)
    client.get(url)  # warm the session and the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    upi, _ = sources
    date_reading_add(agreement=agreement, field="drafted", value="2014", supports=[{"article": upi, "quote": "Feb. 2"}])
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["date_readings"]) == 2


def test_a_shared_cases_proceeding_dates_are_read_only_for_the_partner(sources, desk, superuser):
    upi, _ = sources
    proceeding = desk.shared.proceedings.first()
    reading = date_reading_add(proceeding=proceeding, field="decided", value="2 Feb 2016",
                               supports=[{"article": upi, "quote": "to be signed on Feb. 2"}])
    client = APIClient()
    client.force_authenticate(desk.user)
    assert client.get(f"/api/v1/date-readings/{reading.public_id}/").status_code == 200
    body = {"proceeding": str(proceeding.public_id), "field": "filed", "value": "2015",
            "citations": [{"article": str(upi.public_id), "quote": "Feb. 2"}]}
    assert client.post("/api/v1/date-readings/", body, format="json").status_code == 400
    cite = {"article": str(upi.public_id), "quote": "Feb. 2", "date_reading": str(reading.public_id)}
    assert client.post("/api/v1/citations/", cite, format="json").status_code == 400
    assert reading.citations.count() == 1 and DateReading.objects.count() == 1
