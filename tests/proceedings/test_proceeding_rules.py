import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.proceedings.models import Proceeding
from apps.proceedings.services import proceeding_event_add, proceeding_record
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    IndividualFactory,
    OrganizationFactory,
    ProceedingFactory,
    ProvisionFactory,
)

pytestmark = pytest.mark.django_db


def record(case, **kwargs):
    kwargs.setdefault("kind", Proceeding.Kind.REFUGEE_STATUS)
    kwargs.setdefault("authority", OrganizationFactory(name="Federal Migration Service"))
    return proceeding_record(case=case, **kwargs)


def test_it_records_a_proceeding_with_partial_dates_and_a_quote():
    case = CaseFactory()
    article = ArticleFactory(body="The FMS refused him temporary asylum in January.")
    proceeding = record(case, filed="2015", decided="January 2016", outcome="refused",
                        supports=[{"article": article, "quote": "refused him temporary asylum"}])
    proceeding.refresh_from_db()
    assert str(proceeding.filed) == "2015"
    assert str(proceeding.decided) == "January 2016"
    assert proceeding.citations.get().quote == "refused him temporary asylum"


def test_it_rejects_a_decision_before_the_filing():
    with pytest.raises(ValidationError) as error:
        record(CaseFactory(), filed="March 2016", decided="January 2016")
    assert "decided" in error.value.message_dict


def test_dates_of_different_precision_that_may_be_in_order_are_accepted():
    proceeding = record(CaseFactory(), filed="5 Nov 2014", decided="2014")
    assert proceeding.pk


def test_the_database_refuses_dates_out_of_order():
    proceeding = ProceedingFactory()
    proceeding.filed, proceeding.decided = "2016", "2015"
    with pytest.raises(IntegrityError), transaction.atomic():
        proceeding.save()


def test_an_appeal_belongs_to_the_same_case_and_never_loops():
    case = CaseFactory()
    refusal = record(case, decided="2014")
    appeal = record(case, kind=Proceeding.Kind.COURT_CASE, appeal_of=refusal, decided="November 2014",
                    outcome=Proceeding.Outcome.OVERTURNED)
    assert appeal.appeal_chain() == [refusal]
    with pytest.raises(ValidationError):
        record(CaseFactory(), kind=Proceeding.Kind.APPEAL, appeal_of=refusal)
    refusal.appeal_of = appeal
    with pytest.raises(ValidationError) as error:
        refusal.full_clean()
    assert "loop" in error.value.message_dict["appeal_of"][0]


def test_the_subject_must_be_one_of_the_case():
    with pytest.raises(ValidationError) as error:
        record(CaseFactory(), subject=IndividualFactory())
    assert "subject" in error.value.message_dict


def test_invoking_a_provision_invokes_its_agreement():
    provision = ProvisionFactory()
    proceeding = record(CaseFactory(), provisions=[provision])
    assert list(proceeding.agreements.all()) == [provision.agreement]


def test_an_event_needs_a_date():
    with pytest.raises(ValidationError):
        proceeding_event_add(proceeding=ProceedingFactory(), kind="hearing", date=None)
    event = proceeding_event_add(proceeding=ProceedingFactory(), kind="hearing", date="14 Nov 2014")
    assert str(event) == "Hearing, 14 Nov 2014"
