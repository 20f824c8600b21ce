"""Partial dates as the admin, the API and the database take them: ranges, thirds, warnings."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from apps.agreements.models import Agreement
from apps.core.admin_forms import PartialDateFormField
from apps.core.partial_dates import PartialDate, Precision
from tests.admin.forms import page_data
from tests.factories import AgreementFactory, SuperuserFactory
from tests.http import if_match

pytestmark = pytest.mark.django_db


def _change(admin_client, agreement, **dates):
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = page_data(admin_client.get(url))
    data.update(dates)
    return admin_client.post(url, data)


def test_the_admin_offers_both_readings_of_2011_12_instead_of_choosing_one():
    field = PartialDateFormField()
    with pytest.raises(Exception) as refused:
        field.clean("2011-12")
    assert refused.value.messages == [
        "“2011-12” can mean December 2011 or the years 2011 to 2012. "
        "Type “December 2011” or “2011–2012” to say which."
    ]
    assert field.clean("2016-01") == PartialDate(2016, Precision.MONTH, 1)
    assert field.clean("2011–2012") == PartialDate(2011, Precision.YEAR_RANGE, end_year=2012)


def test_the_admin_page_shows_the_two_readings_beside_the_field(admin_client):
    agreement = AgreementFactory()
    response = _change(admin_client, agreement, signed="2011-12")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["signed"] == [
        "“2011-12” can mean December 2011 or the years 2011 to 2012. "
        "Type “December 2011” or “2011–2012” to say which."
    ]


def test_the_admin_saves_a_date_in_the_future_with_a_warning(admin_client):
    agreement = AgreementFactory()
    response = _change(admin_client, agreement, signed="spring 2100")
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert str(agreement.signed) == "spring 2100"
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "Signed: spring 2100 is in the future. It was saved; check that this is what the source says."
    ]


def test_the_admin_does_not_warn_again_about_a_stored_date_or_one_in_the_past(admin_client):
    agreement = AgreementFactory()
    agreement.signed = "spring 2100"
    agreement.save()
    response = _change(admin_client, agreement, drafted="May–June 2016")
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    agreement.refresh_from_db()
    assert str(agreement.drafted) == "May–June 2016"


def test_the_admin_shows_a_stored_range_as_people_write_it_and_keeps_it(admin_client):
    agreement = AgreementFactory()
    agreement.drafted = "3–5 May 2016"
    agreement.save()
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = page_data(admin_client.get(url))
    assert data["drafted"] == "3–5 May 2016"
    assert admin_client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.drafted == PartialDate.parse("3–5 May 2016")


def test_a_range_and_a_third_are_stored_in_the_four_columns_and_read_back():
    agreement = AgreementFactory()
    agreement.drafted, agreement.signed = "с 2014 по 2015", "mid-2016"
    agreement.save()
    stored = Agreement.objects.values(
        "drafted_start", "drafted_end", "drafted_precision", "signed_start", "signed_end", "signed_precision"
    ).get(pk=agreement.pk)
    assert stored == {
        "drafted_start": dt.date(2014, 1, 1), "drafted_end": dt.date(2015, 12, 31),
        "drafted_precision": "year_range",
        "signed_start": dt.date(2016, 5, 1), "signed_end": dt.date(2016, 8, 31),
        "signed_precision": "year_part",
    }  # fmt: skip
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert (str(fresh.drafted), str(fresh.signed)) == ("2014–2015", "mid-2016")


def test_the_in_order_constraint_compares_a_range_by_its_bounds():
    agreement = AgreementFactory()
    agreement.signed, agreement.ratified = "2014–2016", "2015"  # may well be in order
    agreement.save()
    agreement.signed, agreement.ratified = "late 2016", "mid-2016"
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(SuperuserFactory())
    return client


def test_the_api_accepts_dates_as_sources_write_them_and_its_own_machine_form_back(api):
    created = api.post("/api/v1/agreements/", {
        "title": "Readmission", "kind": "readmission_agreement", "drafted": "May–June 2016", "signed": "начало 2017",
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["drafted"] == {
        "value": "2016-05/2016-06", "display": "May–June 2016", "start": "2016-05-01", "end": "2016-06-30",
        "precision": "month_range", "approximate": False,
    }  # fmt: skip
    assert body["signed"]["value"] == "2017-early"
    url = f"/api/v1/agreements/{body['id']}/"
    month = api.patch(url, {"drafted": "2011-12"}, format="json", **if_match(api, url))
    assert month.status_code == 200, month.json()
    assert month.json()["drafted"]["display"] == "December 2011"  # the machine form of a month
    sent_back = api.patch(url, {"drafted": body["drafted"]}, format="json", **if_match(api, url))
    assert sent_back.status_code == 200, sent_back.json()
    assert sent_back.json()["drafted"] == body["drafted"]


def test_the_api_accepts_a_date_in_the_future_and_refuses_in_plain_words(api):
    def post(signed):
        data = {"title": "Readmission", "kind": "readmission_agreement", "signed": signed}
        return api.post("/api/v1/agreements/", data, format="json")

    future = post("spring 2100")
    assert future.status_code == 201
    refused = post("31.04.2016")
    assert refused.status_code == 400
    assert refused.json()["errors"]["signed"] == ["There is no 31 April."]
