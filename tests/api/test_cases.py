import re

import pytest

from apps.cases.models import Case
from apps.sources.models import Citation
from tests.factories import IndividualFactory
from tests.http import if_match

pytestmark = pytest.mark.django_db


def test_case_detail_has_subjects_proceedings_with_appeal_chains_and_agreements(admin_api, kim):
    body = admin_api.get("/api/v1/cases/CT-2013-0001/").json()
    assert [subject["pseudonym"] for subject in body["subjects"]] == ["Kim"]
    by_kind = {proceeding["kind"]: proceeding for proceeding in body["proceedings"]}
    refusal, appeal = by_kind["temporary_asylum_application"], by_kind["appeal"]
    assert refusal["decided"]["display"] == "January 2016"
    assert refusal["authority"]["short_name"] == "FMS"
    assert appeal["appeal_of"] == refusal["id"]
    assert appeal["appeal_chain"] == [refusal["id"]]
    assert [agreement["title"] for agreement in body["agreements_invoked"]] == ["Russia–DPRK readmission agreement"]


def test_the_timeline_merges_facts_events_and_milestones_in_date_order(admin_api, kim):
    entries = admin_api.get("/api/v1/cases/CT-2013-0001/timeline/").json()
    assert [(entry["type"], entry["date"]["value"]) for entry in entries] == [
        ("fact", "2013-spring"),
        ("agreement_milestone", "2014-09-02"),
        ("proceeding_event", "2016-01-27"),
        ("agreement_milestone", "2016-02-02"),
    ]
    fact = entries[0]
    assert fact["date"] == {
        "value": "2013-spring", "display": "spring 2013", "start": "2013-03-01", "end": "2013-05-31",
        "precision": "season", "approximate": False,
    }
    (citation,) = fact["citations"]
    assert citation["quote"] == "Kim crossed into Russia in the Amur region"
    assert citation["article_title"] == "Russia Refuses Asylum to North Korean Refugee"
    assert citation["outlet"] == "The Moscow Times"
    assert citation["published_on"] == "2016-01-28"
    assert citation["url"] == "https://news.example.org/kim-refused"


def test_a_wider_period_comes_before_a_narrower_one_starting_the_same_day(admin_api, kim):
    article = str(kim["article"].public_id)
    for date, statement in [("March 2013", "In March."), ("2013", "That year.")]:
        response = admin_api.post("/api/v1/facts/", {
            "case": "CT-2013-0001", "date": date, "statement": statement,
            "citations": [{"article": article, "quote": "asked border guards for help"}],
        }, format="json")
        assert response.status_code == 201, response.json()
    entries = admin_api.get("/api/v1/cases/CT-2013-0001/timeline/").json()
    # 2013 and spring 2013 and March 2013: the year, the season, then the month.
    assert [entry["summary"] for entry in entries[:3]] == [
        "That year.", "Kim crossed into Russia in the Amur region.", "In March.",
    ]


@pytest.mark.parametrize("text", ["Kim", "kim", "김", "Ким", "CT-2013"])
def test_case_search_matches_pseudonyms_and_aliases_in_any_script(admin_api, kim, text):
    from tests.factories import CaseFactory

    CaseFactory(title="Another case")
    results = admin_api.get("/api/v1/cases/", {"search": text}).json()["results"]
    assert [case["reference"] for case in results] == ["CT-2013-0001"]


def test_opening_a_case_numbers_it_and_answers_with_the_detail(admin_api, kim):
    response = admin_api.post("/api/v1/cases/", {
        "title": "Kim Eun-chol", "organization": str(kim["memorial"].public_id),
        "subjects": [str(kim["person"].public_id)], "opened_on": "2014-11-12", "priority": 30,
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert re.fullmatch(r"CT-2014-\d{6}", body["reference"])  # opaque: it counts nobody's cases
    assert body["subjects"][0]["pseudonym"] == "Kim"
    assert "proceedings" in body


def test_a_case_cannot_be_opened_without_subjects_or_closed_without_a_reason(admin_api, kim):
    response = admin_api.post("/api/v1/cases/", {
        "title": "Nobody", "organization": str(kim["memorial"].public_id), "subjects": [],
        "opened_on": "2014-11-12",
    }, format="json")
    assert response.status_code == 400
    assert "subjects" in response.json()["errors"]
    response = admin_api.patch("/api/v1/cases/CT-2013-0001/", {"status": "closed"}, format="json", **if_match(admin_api, "/api/v1/cases/CT-2013-0001/"))
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"closed_on"}
    response = admin_api.patch("/api/v1/cases/CT-2013-0001/", {
        "status": "closed", "closed_on": "2016-06-01", "closed_reason": "Resettled.",
    }, format="json", **if_match(admin_api, "/api/v1/cases/CT-2013-0001/"))
    assert response.status_code == 200, response.json()
    assert Case.objects.get().status == "closed"


def test_a_reference_sent_by_a_client_is_refused_the_same_way_whether_it_exists_or_not(perms_client, kim):
    from apps.people.services import organization_create

    # Another organization's caseworker: CT-2013-0001 (Memorial's) is no business of theirs.
    elsewhere = organization_create(name="Elsewhere", kind="ngo")
    client = perms_client("cases.add_case", "cases.view_case", "people.view_individual", organization=elsewhere)
    subject = IndividualFactory()
    from apps.cases.services import case_open

    case_open(title="Their own", organization=elsewhere, subjects=[subject], opened_on=kim["case"].opened_on)
    answers = []
    for reference in ["CT-2013-0001", "CT-2013-0002", "CT-2099-9999", "not a reference"]:
        response = client.post("/api/v1/cases/", {
            "title": "Mine", "organization": str(elsewhere.public_id), "subjects": [str(subject.public_id)],
            "opened_on": "2013-06-01", "reference": reference,
        }, format="json")
        answers.append((response.status_code, response.json()))
    assert answers[0][0] == 400
    assert answers[0][1]["errors"] == {"reference": ["References are given by the server: leave this field out."]}
    assert all(answer == answers[0] for answer in answers)
    assert Case.objects.filter(title="Mine").count() == 0


def test_a_case_read_back_can_be_sent_back_with_its_reference(admin_api, kim):
    body = admin_api.get("/api/v1/cases/CT-2013-0001/").json()
    response = admin_api.patch("/api/v1/cases/CT-2013-0001/", {"reference": body["reference"], "title": "New"},
                               format="json", **if_match(admin_api, "/api/v1/cases/CT-2013-0001/"))
    assert response.status_code == 200, response.json()


def test_a_case_reference_cannot_change(admin_api, kim):
    response = admin_api.patch("/api/v1/cases/CT-2013-0001/", {"reference": "CT-2013-0002"}, format="json", **if_match(admin_api, "/api/v1/cases/CT-2013-0001/"))
    assert response.status_code == 400
    assert "reference" in response.json()["errors"]


def test_deleting_a_case_deletes_its_timeline(admin_api, kim):
    # An appeal protects the proceeding it appeals (Proceeding.appeal_of is PROTECT), so the
    # case cannot go while the chain exists: 409, and nothing is deleted.
    refused = admin_api.delete("/api/v1/cases/CT-2013-0001/", **if_match(admin_api, "/api/v1/cases/CT-2013-0001/"))
    assert refused.status_code == 409
    assert "proceeding" in refused.json()["detail"]
    assert Case.objects.exists()
    assert admin_api.delete(f"/api/v1/proceedings/{kim['appeal'].public_id}/", **if_match(admin_api, f"/api/v1/proceedings/{kim['appeal'].public_id}/")).status_code == 204
    assert admin_api.delete("/api/v1/cases/CT-2013-0001/", **if_match(admin_api, "/api/v1/cases/CT-2013-0001/")).status_code == 204
    assert not Case.objects.exists()
    assert not Citation.objects.filter(fact__isnull=False).exists()


def test_cases_filter_by_status_priority_organization_and_caseworker(admin_api, kim):
    from tests.factories import CaseFactory, UserFactory

    worker = UserFactory(username="tatarets")
    kim["case"].caseworkers.add(worker)
    CaseFactory(status="monitoring", priority=40)
    get = lambda **params: [c["reference"] for c in admin_api.get("/api/v1/cases/", params).json()["results"]]  # noqa: E731
    assert get(caseworker="tatarets") == ["CT-2013-0001"]
    assert get(organization=str(kim["memorial"].public_id)) == ["CT-2013-0001"]
    assert get(status="open") == ["CT-2013-0001"]
    assert len(get(priority=40)) == 1 and get(priority=40) != ["CT-2013-0001"]
    assert get(ordering="reference")[0] == "CT-2013-0001"
