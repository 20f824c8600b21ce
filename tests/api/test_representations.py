"""The read paths answered from rows give the serializers' JSON, byte for byte.

The serializers stay the documented shape (the OpenAPI schema reads them) and the write path;
lists and details are answered by the plain functions of the apps' ``representations.py``
(docs/performance.md). Each test renders both for the same records — the seeds, and the
desk's factory world (memberships, a share, appeals, quotes, aliases) — so that a field added
to one and not the other fails here.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from rest_framework.renderers import JSONRenderer

from apps.cases.selectors import case_list, visible_case_row
from apps.cases.serializers import CaseSerializer
from apps.cases.services import facts_contradict
from apps.core.partial_dates import Precision
from apps.people.representations import individual_rows, individuals_json
from apps.people.selectors import individual_list
from apps.people.serializers import IndividualSerializer
from apps.proceedings.representations import proceeding_rows, proceedings_json
from apps.proceedings.selectors import proceeding_list
from apps.proceedings.serializers import ProceedingSerializer
from apps.workspace.representations import case_detail_json, case_rows, case_timeline_json, cases_json
from apps.workspace.selectors import case_detail_list, case_timeline
from apps.workspace.serializers import CaseDetailSerializer, TimelineEntrySerializer
from tests.factories import DateReadingFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def rendered(data) -> bytes:
    return JSONRenderer().render(data)


@pytest.fixture(params=["seeds", "desk"])
def world(request):
    """(a user, the cases they see): the seeds as a superuser sees them, or the desk's world
    as its caseworker sees it."""
    if request.param == "seeds":
        call_command("loaddata", "seed", verbosity=0)
        user = SuperuserFactory()
    else:
        desk = request.getfixturevalue("desk")
        for _ in range(3):
            desk.case()
        case = desk.case()
        facts_contradict(facts=[desk.fact(case=case), desk.fact(case=case)])
        appeal = desk.proceeding(case=case)
        # A milestone whose sources disagree: two readings of its signing date.
        agreement = appeal.agreements.get()
        agreement.signed_start = agreement.signed_end = dt.date(2016, 2, 2)
        agreement.signed_precision = Precision.DAY
        agreement.save()
        DateReadingFactory(agreement=agreement)
        DateReadingFactory(
            agreement=agreement,
            value_start=dt.date(2016, 3, 1),
            value_end=dt.date(2016, 3, 31),
            value_precision=Precision.MONTH,
        )
        user = desk.user
    cases = list(case_list(user=user))
    assert len(cases) >= 2
    return user, cases


def test_the_case_list_rows_give_the_case_serializers_json(world):
    user, cases = world
    fast = cases_json(case_rows(case_list(user=user)))
    assert rendered(fast) == rendered(CaseSerializer(case_list(user=user), many=True).data)


def test_a_case_from_rows_gives_the_detail_serializers_json(world):
    user, cases = world
    for case in cases:
        detailed = case_detail_list(user=user).get(pk=case.pk)
        row = visible_case_row(user=user, reference=case.reference)
        assert rendered(case_detail_json(row)) == rendered(CaseDetailSerializer(detailed).data), (
            case.reference
        )


def test_a_timeline_from_rows_gives_the_timeline_serializers_json(world):
    _user, cases = world
    for case in cases:
        assert rendered(case_timeline_json(case.pk)) == rendered(
            TimelineEntrySerializer(case_timeline(case=case), many=True).data
        ), case.reference


def test_the_proceeding_list_rows_give_the_proceeding_serializers_json(world):
    user, _cases = world
    queryset = proceeding_list(user=user).order_by("case__reference", "filed_start", "created_at")
    assert queryset.exists()
    fast = proceedings_json(proceeding_rows(queryset))
    assert rendered(fast) == rendered(ProceedingSerializer(queryset, many=True).data)


def test_the_individual_list_rows_give_the_individual_serializers_json(world):
    user, _cases = world
    queryset = individual_list(user=user, with_identity=False)
    assert queryset.exists()
    view = SimpleNamespace(action="list")
    fast = individuals_json(individual_rows(queryset))
    assert rendered(fast) == rendered(IndividualSerializer(queryset, many=True, context={"view": view}).data)
