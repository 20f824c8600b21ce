import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.cases.models import Case
from apps.cases.services import case_close, case_open, fact_mark_disputed, fact_record
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    FactFactory,
    IndividualFactory,
    OrganizationFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_server_gives_each_case_an_opaque_reference_of_its_year():
    organization, kim = OrganizationFactory(), IndividualFactory(pseudonym="Kim")
    first = case_open(title="Kim", organization=organization, subjects=[kim], opened_on=dt.date(2013, 5, 1))
    second = case_open(title="Kim 2", organization=organization, subjects=[kim], opened_on=dt.date(2013, 6, 1))
    other_year = case_open(title="Kim 3", organization=organization, subjects=[kim], opened_on=dt.date(2014, 1, 1))
    assert re.fullmatch(r"CT-2013-\d{6}", first.reference)
    assert re.fullmatch(r"CT-2013-\d{6}", second.reference)
    assert re.fullmatch(r"CT-2014-\d{6}", other_year.reference)
    assert first.reference != second.reference
    assert list(first.subjects.all()) == [kim]


def test_a_drawn_reference_that_is_taken_is_drawn_again(monkeypatch):
    from apps.cases import services

    CaseFactory(reference="CT-2013-000007")
    draws = iter([7, 7, 8])
    monkeypatch.setattr(services.secrets, "randbelow", lambda _limit: next(draws))

    case = case_open(title="Kim", organization=OrganizationFactory(), subjects=[IndividualFactory()],
                     opened_on=dt.date(2013, 5, 1))

    assert case.reference == "CT-2013-000008"


def test_a_user_cannot_choose_a_reference_whatever_it_is():
    CaseFactory(reference="CT-2013-0001")
    user = SuperuserFactory()
    for reference in ("CT-2013-0001", "CT-2013-0999", "nonsense"):
        with pytest.raises(ValidationError) as error:
            case_open(title="x", organization=OrganizationFactory(), subjects=[IndividualFactory()],
                      opened_on=dt.date(2013, 1, 1), reference=reference, by=user)
        assert error.value.message_dict == {"reference": ["References are given by the server: leave this field out."]}


def test_it_rejects_a_duplicate_reference():
    CaseFactory(reference="CT-2013-0001")
    with pytest.raises(ValidationError) as error:
        case_open(
            title="Again",
            organization=OrganizationFactory(),
            subjects=[IndividualFactory()],
            opened_on=dt.date(2013, 1, 1),
            reference="CT-2013-0001",
        )
    assert "reference" in error.value.message_dict


def test_the_database_refuses_a_duplicate_reference():
    CaseFactory(reference="CT-2013-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            reference="CT-2013-0001", title="x", organization=OrganizationFactory(), opened_on=dt.date(2013, 1, 1)
        )


@pytest.mark.parametrize("reference", ["2013-0001", "CT-13-0001", "ct-2013-0001", "CT-2013-1"])
def test_it_rejects_a_malformed_reference(reference):
    with pytest.raises(ValidationError) as error:
        case_open(title="x", organization=OrganizationFactory(), subjects=[IndividualFactory()],
                  opened_on=dt.date(2013, 1, 1), reference=reference)
    assert "reference" in error.value.message_dict


def test_a_case_needs_a_subject():
    with pytest.raises(ValidationError) as error:
        case_open(title="x", organization=OrganizationFactory(), subjects=[], opened_on=dt.date(2013, 1, 1))
    assert "subjects" in error.value.message_dict
    assert not Case.objects.exists()


def test_closing_needs_a_date_after_opening_and_a_reason():
    case = CaseFactory(opened_on=dt.date(2014, 1, 1))
    with pytest.raises(ValidationError) as error:
        case_close(case=case, closed_on=dt.date(2013, 12, 31), reason="Resettled")
    assert "closed_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        case_close(case=CaseFactory(), closed_on=dt.date(2021, 1, 1), reason="")
    assert "closed_reason" in error.value.message_dict
    closed = case_close(case=CaseFactory(), closed_on=dt.date(2021, 1, 1), reason="Resettled in a third country")
    closed.refresh_from_db()
    assert closed.status == Case.Status.CLOSED


def test_the_database_refuses_a_closed_case_without_reason():
    case = CaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="closed", closed_on=dt.date(2021, 1, 1))


def test_disputed_facts_are_linked_both_ways():
    case = CaseFactory()
    article = ArticleFactory(body="The Chinese military returned him. Kazakhstan repatriated him.")
    chinese = fact_record(case=case, statement="China returned Kim.", date="2008",
                          supports=[{"article": article, "quote": "The Chinese military returned him."}])
    kazakh = fact_record(case=case, statement="Kazakhstan returned Kim.", date="2008",
                         supports=[{"article": article, "quote": "Kazakhstan repatriated him."}],
                         contradicts=[chinese])
    chinese.refresh_from_db()
    assert chinese.disputed and kazakh.disputed
    assert list(chinese.contradicts.all()) == [kazakh]
    assert list(kazakh.contradicts.all()) == [chinese]


def test_facts_of_different_cases_cannot_contradict_each_other():
    with pytest.raises(ValidationError):
        fact_mark_disputed(fact=FactFactory(), contradicts=[FactFactory()])


def test_facts_are_ordered_by_partial_date():
    case = CaseFactory()
    article = ArticleFactory(body="a b c d")
    for statement, date in [("fined", "2013"), ("crossed", "spring 2013"), ("fled", "1997"), ("refused", "Jan 2016")]:
        fact_record(case=case, statement=statement, date=date, supports=[{"article": article, "quote": "a"}])
    assert [f.statement for f in case.facts.all()] == ["fled", "fined", "crossed", "refused"]
