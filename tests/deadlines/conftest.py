import datetime as dt

import pytest

from apps.deadlines.services import deadline_rule_create
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.proceedings.services import proceeding_event_add, proceeding_record
from tests.factories import CaseFactory, OrganizationFactory


@pytest.fixture
def appeal_rule(db):
    """Appeal against a refused temporary-asylum application: 30 calendar days, Russian calendar."""
    return deadline_rule_create(
        name="Appeal against a refusal of temporary asylum",
        proceeding_kind=Proceeding.Kind.TEMPORARY_ASYLUM, event_kind=ProceedingEvent.Kind.DECISION,
        outcome=Proceeding.Outcome.REFUSED, jurisdiction="RU", offset=30, calendar_country="RU",
    )


@pytest.fixture
def refusal(db):
    """A refused temporary-asylum application in a case, without its decision event yet."""
    def make(case=None):
        case = case or CaseFactory()
        return proceeding_record(
            case=case, kind=Proceeding.Kind.TEMPORARY_ASYLUM, country="RU",
            authority=OrganizationFactory(name="Moscow FMS office"), outcome=Proceeding.Outcome.REFUSED,
            status=Proceeding.Status.DECIDED,
        )
    return make


def decide(proceeding, date="2016-01-27"):
    return proceeding_event_add(proceeding=proceeding, kind=ProceedingEvent.Kind.DECISION, date=date)


JAN_27 = dt.date(2016, 1, 27)


@pytest.fixture
def unthrottled(settings):
    """No API throttle, for pinned query counts (as tests/api/conftest.py)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": None}}
