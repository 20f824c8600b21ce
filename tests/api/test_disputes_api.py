"""Disputes through the API: ``disputed`` follows ``contradicts``; a disagreeing one is a 400."""

import pytest

from apps.cases.models import Fact
from tests.http import if_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter_claim(admin_api, kim):
    """A second fact of Kim's case, contradicting the first: both disputed."""
    response = admin_api.post("/api/v1/facts/", {
        "case": "CT-2013-0001", "date": "2013", "statement": "Kim never reached Russia.",
        "contradicts": [str(kim["fact"].public_id)],
        "citations": [{"article": str(kim["article"].public_id), "quote": "Kim crossed into Russia"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_counter_claim_marks_both_facts_disputed(admin_api, kim, counter_claim):
    crossing = admin_api.get(f"/api/v1/facts/{kim['fact'].public_id}/").json()

    assert counter_claim["disputed"] is True and crossing["disputed"] is True
    assert crossing["contradicts"] == [counter_claim["id"]]


def test_disputed_false_while_contradicted_is_a_400_naming_disputed(admin_api, kim, counter_claim):
    url = f"/api/v1/facts/{counter_claim['id']}/"

    response = admin_api.patch(url, {"disputed": False}, format="json", **if_match(admin_api, url))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["disputed"]
    assert "stays disputed while other facts contradict it" in response.json()["errors"]["disputed"][0]
    assert Fact.objects.get(public_id=counter_claim["id"]).disputed


def test_disputed_true_without_a_contradicting_fact_is_a_400_naming_disputed(admin_api, kim):
    response = admin_api.post("/api/v1/facts/", {
        "case": "CT-2013-0001", "statement": "Disputed, by nobody.", "disputed": True,
        "citations": [{"article": str(kim["article"].public_id), "quote": "Kim crossed into Russia"}],
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["disputed"]
    assert not Fact.objects.filter(statement="Disputed, by nobody.").exists()


def test_removing_the_last_contradiction_clears_both_and_both_etags_move(admin_api, kim, counter_claim):
    url = f"/api/v1/facts/{counter_claim['id']}/"
    crossing_url = f"/api/v1/facts/{kim['fact'].public_id}/"
    crossing_etag = admin_api.get(crossing_url)["ETag"]

    response = admin_api.patch(url, {"contradicts": []}, format="json", **if_match(admin_api, url))

    assert response.status_code == 200 and response.json()["disputed"] is False
    crossing = admin_api.get(crossing_url)
    assert crossing.json()["disputed"] is False and crossing["ETag"] != crossing_etag
    for public_id in (counter_claim["id"], kim["fact"].public_id):
        history = Fact.history.filter(public_id=public_id).order_by("-history_id")
        assert [row.disputed for row in history[:2]] == [False, True]
