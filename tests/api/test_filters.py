import datetime as dt

import pytest
from django.db import connection

from apps.core.partial_dates import Precision
from tests.factories import AgreementFactory, CaseFactory, FactFactory, IndividualFactory

pytestmark = pytest.mark.django_db


def listed(client, resource, **params):
    response = client.get(f"/api/v1/{resource}/", params)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_agreements_filter_by_party_country_kind_and_signing_date(admin_api):
    readmission = AgreementFactory(title="Readmission", party_countries=["RU", "KP"], signed_start=dt.date(2016, 2, 2),
                                   signed_end=dt.date(2016, 2, 2), signed_precision=Precision.DAY)
    AgreementFactory(title="Protocol", kind="protocol", party_countries=["CN", "KP"])
    assert [a["title"] for a in listed(admin_api, "agreements", party_country="RU")] == ["Readmission"]
    assert [a["title"] for a in listed(admin_api, "agreements", kind="protocol")] == ["Protocol"]
    assert [a["title"] for a in listed(admin_api, "agreements", signed_after="2016-01-01")] == [readmission.title]


def test_facts_filter_by_case_and_by_partial_date_overlap(admin_api):
    case = CaseFactory()
    spring = FactFactory(case=case, date_start=dt.date(2013, 3, 1), date_end=dt.date(2013, 5, 31),
                         date_precision=Precision.SEASON)
    FactFactory(case=case, date_start=dt.date(2016, 1, 1), date_end=dt.date(2016, 1, 31))
    FactFactory()  # another case
    assert len(listed(admin_api, "facts", case=case.reference)) == 2
    # "spring 2013" may have happened on 2013-04-15: it is in both open-ended ranges.
    in_april = listed(admin_api, "facts", date_after="2013-04-15", date_before="2013-04-15")
    assert [fact["id"] for fact in in_april] == [str(spring.public_id)]


def test_a_filter_value_of_the_wrong_type_is_a_400_naming_the_filter(admin_api):
    response = admin_api.get("/api/v1/proceedings/", {"decided_after": "last week"})
    assert response.status_code == 400
    assert "decided_after" in response.json()["errors"]
    response = admin_api.get("/api/v1/cases/", {"organization": "not-a-uuid"})
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite folds case for ASCII only")
def test_on_postgresql_name_search_ignores_case_in_any_script(admin_api):
    from apps.people.services import alias_add

    person = IndividualFactory(pseudonym="Kim")
    alias_add(individual=person, name="Ким Ын Чхоль", script="Cyrl")
    assert [i["pseudonym"] for i in listed(admin_api, "individuals", search="КИМ")] == ["Kim"]
