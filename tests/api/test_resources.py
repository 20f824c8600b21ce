"""Create, read, update and delete through the API, for every resource."""

import pytest

from apps.agreements.models import Agreement, Provision
from apps.cases.models import Fact
from apps.people.models import Individual, Organization
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from tests.factories import CaseFactory, IndividualFactory
from tests.http import if_match

pytestmark = pytest.mark.django_db


def test_organizations_crud(admin_api):
    created = admin_api.post("/api/v1/organizations/", {"name": "Memorial", "kind": "ngo", "country": "RU"},
                             format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/organizations/{created.json()['id']}/"
    branch = admin_api.post("/api/v1/organizations/", {
        "name": "Memorial Blagoveshchensk", "kind": "ngo", "parent": created.json()["id"],
    }, format="json")
    assert branch.json()["parent"] == created.json()["id"]
    assert admin_api.patch(url, {"short_name": "MHRC"}, format="json", **if_match(admin_api, url)).json()["short_name"] == "MHRC"
    assert admin_api.delete(url, **if_match(admin_api, url)).status_code == 409  # its branch refers to it
    assert admin_api.delete(f"/api/v1/organizations/{branch.json()['id']}/", **if_match(admin_api, f"/api/v1/organizations/{branch.json()['id']}/")).status_code == 204
    assert admin_api.delete(url, **if_match(admin_api, url)).status_code == 204
    assert not Organization.objects.exists()


def test_ids_are_uuids_and_no_row_id_leaks(admin_api, kim):
    body = admin_api.get(f"/api/v1/proceedings/{kim['refusal'].public_id}/").json()
    assert body["id"] == str(kim["refusal"].public_id)
    assert body["authority"] == str(kim["fms"].public_id)
    assert body["case"] == "CT-2013-0001"
    assert str(kim["refusal"].pk) not in {str(value) for value in body.values() if isinstance(value, int)}


def test_individuals_crud_with_aliases_and_partial_dates(admin_api):
    created = admin_api.post("/api/v1/individuals/", {
        "pseudonym": "Kim Eun-chol", "nationality": "KP", "born": "c. 1980", "status": "deported",
        "aliases": [{"name": "김은철", "script": "Hang"}],
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["born"]["display"] == "c. 1980" and body["born"]["approximate"] is True
    assert [alias["name"] for alias in body["aliases"]] == ["김은철"]
    url = f"/api/v1/individuals/{body['id']}/"
    updated = admin_api.patch(url, {"aliases": [{"name": "김은철", "script": "Hang"}, {"name": "Ким Ын Чхоль",
                                                                                    "script": "Cyrl"}]},
                              format="json", **if_match(admin_api, url)).json()
    assert sorted(alias["name"] for alias in updated["aliases"]) == ["Ким Ын Чхоль", "김은철"]
    # A partial date read can be sent back as it was.
    assert admin_api.patch(url, {"born": updated["born"]}, format="json", **if_match(admin_api, url)).status_code == 200
    assert admin_api.delete(url, **if_match(admin_api, url)).status_code == 204
    assert not Individual.objects.exists()


def test_individual_search_and_filters(admin_api, kim):

    IndividualFactory(pseudonym="Lee", status="protected", nationality="CN")
    names = lambda **params: [i["pseudonym"] for i in admin_api.get("/api/v1/individuals/", params).json()["results"]]  # noqa: E731
    assert names(search="Ким") == ["Kim"]
    assert names(search="김") == ["Kim"]
    assert names(status="protected") == ["Lee"]
    assert names(nationality="KP") == ["Kim"]


def test_record_a_proceeding_with_a_citation_then_an_event(admin_api, kim):
    response = admin_api.post("/api/v1/proceedings/", {
        "case": "CT-2013-0001", "kind": "court_case", "authority": str(kim["fms"].public_id),
        "filed": "November 2014", "decided": "14 Nov 2014", "outcome": "overturned",
        "appeal_of": str(kim["refusal"].public_id), "agreements": [str(kim["agreement"].public_id)],
        "citations": [{"article": str(kim["article"].public_id), "quote": "transit country", "note": "RBC"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["appeal_chain"] == [str(kim["refusal"].public_id)]
    assert body["citations"][0]["quote"] == "transit country"
    assert body["decided"]["precision"] == "day"
    event = admin_api.post(f"/api/v1/proceedings/{body['id']}/events/", {"kind": "hearing", "date": "Nov 2014"},
                           format="json")
    assert event.status_code == 201, event.json()
    assert admin_api.get(f"/api/v1/proceedings/{body['id']}/").json()["events"][0]["kind"] == "hearing"
    assert Proceeding.objects.get(public_id=body["id"]).citations.count() == 1


def test_a_proceeding_decided_before_it_was_filed_is_refused(admin_api, kim):
    response = admin_api.patch(f"/api/v1/proceedings/{kim['refusal'].public_id}/", {"filed": "2017"}, format="json", **if_match(admin_api, f"/api/v1/proceedings/{kim['refusal'].public_id}/"))
    assert response.status_code == 400
    assert "decided" in response.json()["errors"]


def test_a_proceeding_stays_in_its_case_with_one_of_its_subjects(admin_api, kim):
    url = f"/api/v1/proceedings/{kim['refusal'].public_id}/"
    subject_before = kim["refusal"].subject_id
    stranger = IndividualFactory(pseudonym="Not in this case")
    response = admin_api.patch(url, {"subject": str(stranger.public_id)}, format="json", **if_match(admin_api, url))
    assert response.status_code == 400
    assert "subject" in response.json()["errors"]
    other_case = CaseFactory()
    response = admin_api.patch(url, {"case": other_case.reference}, format="json", **if_match(admin_api, url))
    assert response.status_code == 400
    assert "case" in response.json()["errors"]
    kim["refusal"].refresh_from_db()
    assert (kim["refusal"].subject_id, kim["refusal"].case.reference) == (subject_before, "CT-2013-0001")


def test_proceeding_filters(admin_api, kim):
    ids = lambda **params: [p["id"] for p in admin_api.get("/api/v1/proceedings/", params).json()["results"]]  # noqa: E731
    refusal, appeal = str(kim["refusal"].public_id), str(kim["appeal"].public_id)
    assert ids(kind="appeal") == [appeal]
    assert ids(outcome="refused") == [refusal]
    assert ids(decided_after="2016-01-15") == [refusal]
    assert ids(decided_before="2015-12-31") == []
    assert set(ids(authority=str(kim["fms"].public_id))) == {refusal, appeal}
    assert ids(case="CT-2013-0001", kind="temporary_asylum_application") == [refusal]


def test_agreements_and_provisions_crud(admin_api):
    created = admin_api.post("/api/v1/agreements/", {
        "title": "Russia–DPRK extradition treaty", "kind": "extradition_treaty", "signed": "November 2015",
        "party_countries": ["RU", "KP"],
    }, format="json")
    assert created.status_code == 201, created.json()
    agreement = created.json()
    assert agreement["party_countries"] == ["KP", "RU"] or agreement["party_countries"] == ["RU", "KP"]
    provision = admin_api.post("/api/v1/provisions/", {
        "agreement": agreement["id"], "summary": "Deportation within 30 days.", "time_limit_days": 30,
    }, format="json")
    assert provision.status_code == 201, provision.json()
    assert provision.json()["position"] == 1
    bad = admin_api.post("/api/v1/provisions/", {"agreement": agreement["id"], "summary": "x", "time_limit_days": 0},
                         format="json")
    assert bad.status_code == 400 and "time_limit_days" in bad.json()["errors"]
    listed = admin_api.get("/api/v1/provisions/", {"agreement": agreement["id"]}).json()["results"]
    assert [p["summary"] for p in listed] == ["Deportation within 30 days."]
    assert admin_api.delete(f"/api/v1/agreements/{agreement['id']}/", **if_match(admin_api, f"/api/v1/agreements/{agreement['id']}/")).status_code == 204
    assert not Agreement.objects.exists() and not Provision.objects.exists()


def test_articles_crud(admin_api, kim):
    created = admin_api.post("/api/v1/articles/", {
        "title": "Russia, North ink deportation pact", "outlet": str(kim["outlet"].public_id),
        "body": "Russia and North Korea finalized in September a deportation pact.\r\n", "language": "en",
        "published_on": "2014-11-12",
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["body"].endswith("pact.")  # stored in normal form
    assert len(body["sha256"]) == 64
    url = f"/api/v1/articles/{body['id']}/"
    assert admin_api.patch(url, {"title": "Russia, North Korea ink deportation pact"}, format="json", **if_match(admin_api, url)).status_code == 200
    assert admin_api.delete(url, **if_match(admin_api, url)).status_code == 204
    assert Article.objects.count() == 1


def test_a_quoted_articles_text_cannot_change(admin_api, kim):
    response = admin_api.patch(f"/api/v1/articles/{kim['article'].public_id}/", {"body": "Other text."},
                               format="json", **if_match(admin_api, f"/api/v1/articles/{kim['article'].public_id}/"))
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_article_filters(admin_api, kim):
    from tests.factories import ArticleFactory

    ArticleFactory(language="ru", published_on="2014-11-14")
    titles = lambda **params: [a["title"] for a in admin_api.get("/api/v1/articles/", params).json()["results"]]  # noqa: E731
    assert titles(outlet=str(kim["outlet"].public_id)) == [kim["article"].title]
    assert titles(language="en") == [kim["article"].title]
    assert titles(published_after="2016-01-01") == [kim["article"].title]
    assert titles(published_before="2015-01-01") != [kim["article"].title]


def test_citations_create_list_and_delete(admin_api, kim):
    response = admin_api.post("/api/v1/citations/", {
        "article": str(kim["article"].public_id), "quote": "asked border guards for help",
        "fact": str(kim["fact"].public_id),
    }, format="json")
    assert response.status_code == 201, response.json()
    citation = response.json()
    assert (citation["start"], citation["end"]) == (
        kim["article"].body.index("asked border guards"), kim["article"].body.index("asked border guards") + 28
    )
    listed = admin_api.get("/api/v1/citations/", {"fact": str(kim["fact"].public_id)}).json()
    assert len(listed["results"]) == 2 and "next" in listed and "count" not in listed
    two_targets = admin_api.post("/api/v1/citations/", {
        "article": str(kim["article"].public_id), "quote": "Kim", "fact": str(kim["fact"].public_id),
        "proceeding": str(kim["refusal"].public_id),
    }, format="json")
    assert two_targets.status_code == 400
    assert admin_api.delete(f"/api/v1/citations/{citation['id']}/", **if_match(admin_api, f"/api/v1/citations/{citation['id']}/")).status_code == 204
    assert Citation.objects.filter(fact=kim["fact"]).count() == 1


def test_facts_crud_disputes_and_filters(admin_api, kim):
    article = str(kim["article"].public_id)
    response = admin_api.post("/api/v1/facts/", {
        "case": "CT-2013-0001", "date": "2013", "statement": "Kazakhstan returned Kim to China.",
        "contradicts": [str(kim["fact"].public_id)],
        "citations": [{"article": article, "quote": "asked border guards for help"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    new = response.json()
    assert new["disputed"] is True and new["contradicts"] == [str(kim["fact"].public_id)]
    disputed = admin_api.get("/api/v1/facts/", {"disputed": "true"}).json()["results"]
    assert {fact["id"] for fact in disputed} == {new["id"], str(kim["fact"].public_id)}
    url = f"/api/v1/facts/{new['id']}/"
    assert admin_api.patch(url, {"contradicts": []}, format="json", **if_match(admin_api, url)).json()["contradicts"] == []
    assert admin_api.patch(url, {"citations": []}, format="json", **if_match(admin_api, url)).status_code == 400
    no_quote = admin_api.post("/api/v1/facts/", {"case": "CT-2013-0001", "statement": "Unsourced."}, format="json")
    assert no_quote.status_code == 400 and "citations" in no_quote.json()["errors"]
    assert admin_api.delete(url, **if_match(admin_api, url)).status_code == 204
    assert Fact.objects.count() == 1


def test_cursor_pagination_pages_through_facts_without_counting(admin_api, kim):
    from tests.factories import CitationFactory

    for _ in range(5):
        CitationFactory(fact__case=kim["case"])
    seen, url = [], "/api/v1/facts/?page_size=2"
    while url:
        page = admin_api.get(url).json()
        assert "count" not in page
        seen += [fact["id"] for fact in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 6


def test_page_size_is_bounded(admin_api):
    from tests.factories import OrganizationFactory

    OrganizationFactory.create_batch(3)
    body = admin_api.get("/api/v1/organizations/", {"page_size": 100000}).json()
    assert body["count"] == 3 and len(body["results"]) == 3
    assert admin_api.get("/api/v1/organizations/", {"page": 99}).status_code == 404
