"""GET /api/v1/deadlines/: scoped like cases, filtered by due date, state and case."""

import datetime as dt

import pytest

from apps.deadlines.services import deadline_create_manual, deadline_rule_create
from apps.proceedings.models import Proceeding
from tests.deadlines.conftest import decide
from tests.factories import CaseFactory, CitationFactory, ProvisionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

URL = "/api/v1/deadlines/"


def test_a_caseworker_sees_their_organizations_and_shared_deadlines_never_another_organizations(api, desk):
    mine = deadline_create_manual(case=CaseFactory(organization=desk.home), title="Mine", due_on=dt.date(2026, 12, 5))
    shared = deadline_create_manual(case=desk.shared, title="Shared", due_on=dt.date(2026, 12, 6))
    deadline_create_manual(case=desk.hidden, title="Not Olga's", due_on=dt.date(2026, 12, 4))
    response = api.get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(mine.public_id), str(shared.public_id)]
    hidden = desk.hidden.deadlines.get()
    assert api.get(f"{URL}{hidden.public_id}/").status_code == 404


def test_the_list_filters_by_due_date_state_and_case(api, desk):
    case = CaseFactory(organization=desk.home)
    soon = deadline_create_manual(case=case, title="Soon", due_on=dt.date(2026, 12, 5))
    deadline_create_manual(case=case, title="Later", due_on=dt.date(2027, 1, 20))
    other = deadline_create_manual(case=CaseFactory(organization=desk.second), title="Other", due_on=dt.date(2026, 12, 1))
    ids = lambda query: [row["id"] for row in api.get(URL, query).json()["results"]]  # noqa: E731
    assert ids({"due_before": "2026-12-31"}) == [str(other.public_id), str(soon.public_id)]
    assert ids({"due_before": "2026-12-31", "case": case.reference}) == [str(soon.public_id)]
    assert ids({"state": "missed"}) == []
    bad = api.get(URL, {"due_before": "soon"})
    assert bad.status_code == 400
    assert "due_before" in bad.content.decode()


def test_a_computed_deadline_says_its_rule_is_unverified(api, desk, appeal_rule, refusal):
    decide(refusal(CaseFactory(organization=desk.home)))
    row = api.get(URL).json()["results"][0]
    assert row["kind"] == "Appeal against a refusal of temporary asylum"
    assert row["due_on"] == "2016-02-26"
    assert row["unverified"] is True
    assert row["rule"] == str(appeal_rule.public_id)


def test_the_list_costs_the_same_queries_for_one_row_as_for_many(api, desk, appeal_rule, refusal,
                                                                  django_assert_num_queries):
    # A second rule counts its provision's own time limit: the page loads the provisions' quotes.
    provision = ProvisionFactory()
    CitationFactory(fact=None, provision=provision)
    deadline_rule_create(name="Readmission", proceeding_kind=Proceeding.Kind.TEMPORARY_ASYLUM,
                         event_kind="decision", provision=provision)

    def measured():
        api.get(URL)
        with django_assert_num_queries(3):  # count, page, the provisions' citations
            response = api.get(URL)
        return response.json()["count"]

    decide(refusal(CaseFactory(organization=desk.home)))
    assert measured() == 2
    for _n in range(4):
        decide(refusal(CaseFactory(organization=desk.second)))
        deadline_create_manual(case=desk.shared, title="Hearing", due_on=dt.date(2026, 12, 5))
    assert measured() == 14


def test_writes_are_not_offered(api, desk):
    deadline = deadline_create_manual(case=CaseFactory(organization=desk.home), title="Mine", due_on=dt.date(2026, 12, 5))
    assert api.post(URL, {}, format="json").status_code == 405
    assert api.patch(f"{URL}{deadline.public_id}/", {}, format="json").status_code == 405
