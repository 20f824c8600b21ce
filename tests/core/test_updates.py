"""The update services: every change is validated whole and saved all or nothing."""

import pytest
from django.core.exceptions import ValidationError

from apps.agreements.services import agreement_update, provision_update
from apps.cases.services import case_update, fact_record, fact_update
from apps.people.services import individual_update
from apps.proceedings.services import proceeding_update
from tests.factories import (
    AgreementFactory,
    ArticleFactory,
    CaseFactory,
    FactFactory,
    IndividualFactory,
    ProceedingFactory,
    ProvisionFactory,
)

pytestmark = pytest.mark.django_db


def test_a_case_reference_never_changes():
    case = CaseFactory(reference="CT-2013-0001")
    with pytest.raises(ValidationError) as error:
        case_update(case=case, reference="CT-2013-0002", title="Renamed")
    assert "reference" in error.value.message_dict
    case.refresh_from_db()
    assert (case.reference, case.title) != ("CT-2013-0002", "Renamed")


def test_a_case_keeps_at_least_one_subject():
    case = CaseFactory()
    with pytest.raises(ValidationError):
        case_update(case=case, subjects=[])
    assert case.subjects.count() == 1
    kim = IndividualFactory(pseudonym="Kim")
    case_update(case=case, subjects=[kim], priority=40)
    assert list(case.subjects.all()) == [kim]


def test_an_invalid_change_saves_nothing():
    proceeding = ProceedingFactory()
    proceeding_update(proceeding=proceeding, filed="2015", decided="January 2016")
    with pytest.raises(ValidationError):
        proceeding_update(proceeding=proceeding, filed="2017")
    proceeding.refresh_from_db()
    assert str(proceeding.filed) == "2015"


def test_a_proceeding_subject_must_belong_to_its_case():
    proceeding = ProceedingFactory()
    with pytest.raises(ValidationError) as error:
        proceeding_update(proceeding=proceeding, subject=IndividualFactory())
    assert "subject" in error.value.message_dict


def test_changing_the_provisions_invokes_their_agreements():
    proceeding = ProceedingFactory()
    provision = ProvisionFactory()
    proceeding_update(proceeding=proceeding, provisions=[provision])
    assert list(proceeding.agreements.all()) == [provision.agreement]


def test_the_contradicted_facts_given_replace_the_old_ones():
    case = CaseFactory()
    article = ArticleFactory(body="China returned him. Kazakhstan returned him. Nobody knows.")
    first, second, third = (
        fact_record(case=case, statement=s, date="2008", supports=[{"article": article, "quote": s}])
        for s in ("China returned him.", "Kazakhstan returned him.", "Nobody knows.")
    )
    fact_update(fact=first, contradicts=[second])
    fact_update(fact=first, contradicts=[third])
    assert list(first.contradicts.all()) == [third]
    with pytest.raises(ValidationError):
        fact_update(fact=first, case=CaseFactory())
    with pytest.raises(ValidationError):
        fact_update(fact=FactFactory(), contradicts=[first])


def test_an_agreement_lifecycle_stays_in_order_on_update():
    agreement = AgreementFactory()
    agreement_update(agreement=agreement, signed="2 Feb 2016")
    with pytest.raises(ValidationError):
        agreement_update(agreement=agreement, drafted="2017")
    with pytest.raises(ValidationError):
        provision_update(provision=ProvisionFactory(), agreement=agreement)


def test_named_aliases_keep_their_identity_and_others_go():
    kim = IndividualFactory(pseudonym="Kim")
    individual_update(individual=kim, aliases=[{"name": "김", "script": "Hang"}, {"name": "Ким", "script": "Cyrl"}])
    hangul = kim.aliases.get(name="김")
    individual_update(individual=kim, aliases=[{"name": "김", "script": "Hang", "note": "as 004 writes it"}])
    assert list(kim.aliases.values_list("public_id", "note")) == [(hangul.public_id, "as 004 writes it")]
