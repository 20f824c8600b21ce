"""No lost update: ETags on every record answer, If-Match required to change or delete."""

import pytest

from apps.cases.models import Case, Fact
from apps.cases.services import fact_record
from apps.people.models import Organization
from apps.proceedings.models import Proceeding
from tests.api.conftest import client_with_perms
from tests.http import if_match

pytestmark = pytest.mark.django_db


def detail_urls(kim):
    """One URL per resource that can be changed, with a change it accepts."""
    return [
        (f"/api/v1/organizations/{kim['fms'].public_id}/", {"short_name": "FMS of Russia"}),
        (f"/api/v1/individuals/{kim['person'].public_id}/", {"summary": "Now in Vladivostok."}),
        (f"/api/v1/cases/{kim['case'].reference}/", {"title": "Kim: second appeal"}),
        (f"/api/v1/proceedings/{kim['refusal'].public_id}/", {"summary": "Refused in writing."}),
        (f"/api/v1/agreements/{kim['agreement'].public_id}/", {"summary": "Readmission, 2014."}),
        (f"/api/v1/provisions/{kim['provision'].public_id}/", {"summary": "Within 30 days."}),
        (f"/api/v1/articles/{kim['article'].public_id}/", {"title": "Russia refuses asylum"}),
        (f"/api/v1/facts/{kim['fact'].public_id}/", {"statement": "Kim crossed into Russia in spring 2013."}),
    ]


def test_every_detail_write_answers_with_the_new_etag(admin_api, kim):
    for url, change in detail_urls(kim):
        read = admin_api.get(url)
        assert read.status_code == 200, url
        before = read["ETag"]
        public_id, version = before.strip('"').rsplit("-", 1)
        assert read.json()["id"] == public_id, url
        written = admin_api.patch(url, change, format="json", HTTP_IF_MATCH=before)
        assert written.status_code == 200, (url, written.content)
        assert written["ETag"] == f'"{public_id}-{int(version) + 1}"', url
        assert admin_api.get(url)["ETag"] == written["ETag"], url


def test_put_answers_with_the_new_etag(admin_api, kim):
    url = f"/api/v1/organizations/{kim['fms'].public_id}/"
    written = admin_api.put(url, {"name": "FMS", "kind": "government_agency"}, format="json", **if_match(admin_api, url))
    assert written.status_code == 200, written.content
    assert written["ETag"] == f'"{kim["fms"].public_id}-2"'


def test_creates_answer_with_version_1_and_the_new_records_address(admin_api, kim):
    created = admin_api.post("/api/v1/organizations/", {"name": "Civic Assistance", "kind": "ngo"}, format="json")
    assert created.status_code == 201
    assert created["ETag"] == f'"{created.json()["id"]}-1"'
    assert created["Location"] == f"http://testserver/api/v1/organizations/{created.json()['id']}/"
    case = admin_api.post("/api/v1/cases/", {
        "title": "Lee", "organization": str(kim["memorial"].public_id), "subjects": [str(kim["person"].public_id)],
        "opened_on": "2014-11-12",
    }, format="json")
    assert case.status_code == 201, case.content
    assert case["ETag"] == f'"{case.json()["id"]}-1"'
    assert case["Location"].endswith(f"/api/v1/cases/{case.json()['reference']}/")
    event = admin_api.post(f"/api/v1/proceedings/{kim['refusal'].public_id}/events/", {"kind": "hearing", "date": "March 2016"},
                           format="json")
    assert event.status_code == 201, event.content
    assert event["ETag"] == f'"{event.json()["id"]}-1"'  # the event's own, not the proceeding's
    assert "Location" not in event


def test_a_write_without_if_match_is_a_428_and_changes_nothing(admin_api, kim):
    url = f"/api/v1/cases/{kim['case'].reference}/"
    response = admin_api.patch(url, {"title": "Lost?"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:casetracker:problem:precondition-required"
    assert "If-Match" in body["detail"] and admin_api.get(url)["ETag"] in body["detail"]
    assert admin_api.delete(url).status_code == 428
    assert Case.objects.get(pk=kim["case"].pk).title == kim["case"].title


def test_a_stale_if_match_is_a_412_with_the_current_etag_and_changes_nothing(admin_api, kim):
    url = f"/api/v1/cases/{kim['case'].reference}/"
    first = if_match(admin_api, url)
    assert admin_api.patch(url, {"title": "First"}, format="json", **first).status_code == 200
    # A second client read the same version and changes another field: refused, not merged.
    response = admin_api.patch(url, {"summary": "Second"}, format="json", **first)
    assert response.status_code == 412
    assert response.json()["type"] == "urn:casetracker:problem:precondition-failed"
    assert response["ETag"] == f'"{kim["case"].public_id}-2"' == admin_api.get(url)["ETag"]
    case = Case.objects.get(pk=kim["case"].pk)
    assert (case.title, case.summary, case.version) == ("First", kim["case"].summary, 2)
    # With the current ETag it goes through.
    again = admin_api.patch(url, {"summary": "Second"}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200 and again["ETag"] == f'"{kim["case"].public_id}-3"'


def test_a_delete_with_a_stale_if_match_leaves_the_record(admin_api, kim):
    url = f"/api/v1/organizations/{kim['memorial'].public_id}/"
    stale = if_match(admin_api, url)
    admin_api.patch(url, {"short_name": "Memorial"}, format="json", **stale)
    assert admin_api.delete(url, **stale).status_code == 412
    assert Organization.objects.filter(pk=kim["memorial"].pk).exists()


def test_an_etag_of_another_record_or_a_weak_one_never_matches(admin_api, kim):
    url = f"/api/v1/proceedings/{kim['refusal'].public_id}/"
    other = admin_api.get(f"/api/v1/proceedings/{kim['appeal'].public_id}/")["ETag"]
    assert admin_api.patch(url, {"summary": "x"}, format="json", HTTP_IF_MATCH=other).status_code == 412
    weak = "W/" + admin_api.get(url)["ETag"]
    assert admin_api.patch(url, {"summary": "x"}, format="json", HTTP_IF_MATCH=weak).status_code == 412
    assert admin_api.patch(url, {"summary": "x"}, format="json", HTTP_IF_MATCH="*").status_code == 428
    listed = f'{other}, {admin_api.get(url)["ETag"]}'
    assert admin_api.patch(url, {"summary": "x"}, format="json", HTTP_IF_MATCH=listed).status_code == 200
    assert Proceeding.objects.get(pk=kim["refusal"].pk).summary == "x"


def test_an_unquoted_if_match_is_a_400_naming_the_header(admin_api, kim):
    url = f"/api/v1/proceedings/{kim['refusal'].public_id}/"
    unquoted = admin_api.get(url)["ETag"].strip('"')
    response = admin_api.patch(url, {"summary": "x"}, format="json", HTTP_IF_MATCH=unquoted)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["If-Match"]


def test_the_etag_is_the_same_whatever_the_viewer_may_see(admin_api, kim):
    url = f"/api/v1/individuals/{kim['person'].public_id}/"
    reader = client_with_perms("people.view_individual", organization=kim["case"].organization)
    as_admin, as_reader = admin_api.get(url), reader.get(url)
    assert "legal_name" in as_admin.json() and "legal_name" not in as_reader.json()
    assert as_admin["ETag"] == as_reader["ETag"]


def test_a_change_of_the_protected_identity_is_a_new_version_of_the_individual(admin_api, kim):
    url = f"/api/v1/individuals/{kim['person'].public_id}/"
    before = admin_api.get(url)["ETag"]
    written = admin_api.patch(url, {"legal_name": "Kim Chol-su"}, format="json", HTTP_IF_MATCH=before)
    assert written.status_code == 200 and written["ETag"] != before
    assert admin_api.patch(url, {"summary": "x"}, format="json", HTTP_IF_MATCH=before).status_code == 412


def test_writes_around_record_update_move_the_version_too(kim):
    fact = kim["fact"]
    version = Fact.objects.get(pk=fact.pk).version
    fact_record(
        case=kim["case"], statement="Kim was never in Russia.", contradicts=[fact],
        supports=[{"article": kim["article"], "quote": "Kim crossed"}],
    )
    # Marked disputed by its own save: its version moved, so a stale copy cannot undo that.
    assert Fact.objects.get(pk=fact.pk).version == version + 1
