"""``Individual.in_a_case``: kept by the database on every path (cases migration 0012).

Scoping finds the people in no case through it (apps/cases/scoping.py), so a wrong flag would
hide a person from the caseworker who recorded them, or show one to members of every
organization. Run on SQLite and on PostgreSQL: each has its own triggers.
"""

import pytest

from apps.cases.services import case_update
from apps.people.models import Individual
from tests.factories import CaseFactory, IndividualFactory

pytestmark = pytest.mark.django_db


def in_a_case(individual) -> bool:
    return Individual.objects.values_list("in_a_case", flat=True).get(pk=individual.pk)


def test_a_person_is_in_no_case_until_a_case_takes_them_in_and_again_when_it_lets_go():
    kim, other = IndividualFactory(pseudonym="Kim"), IndividualFactory(pseudonym="Lee")
    assert not in_a_case(kim)
    case = CaseFactory(subjects=[kim])
    assert in_a_case(kim)
    case_update(case=case, subjects=[other])
    assert not in_a_case(kim)
    assert in_a_case(other)


def test_a_person_in_two_cases_stays_in_a_case_when_one_lets_go():
    kim, other = IndividualFactory(), IndividualFactory()
    first, _second = CaseFactory(subjects=[kim]), CaseFactory(subjects=[kim])
    case_update(case=first, subjects=[other])
    assert in_a_case(kim)


def test_deleting_the_only_case_returns_its_subject_to_no_case():
    kim = IndividualFactory()
    case = CaseFactory(subjects=[kim])
    case.delete()
    assert not in_a_case(kim)


def test_saving_a_copy_read_before_the_case_took_them_in_does_not_undo_it():
    kim = IndividualFactory()
    stale = Individual.objects.get(pk=kim.pk)  # in_a_case False in memory
    CaseFactory(subjects=[kim])
    stale.summary = "Edited on a page opened earlier."
    stale.save()
    assert in_a_case(kim)


def test_a_write_of_the_flag_itself_is_corrected():
    kim = IndividualFactory()
    Individual.objects.filter(pk=kim.pk).update(in_a_case=True)
    assert not in_a_case(kim)


def test_the_flag_is_not_part_of_the_persons_history():
    kim = IndividualFactory()
    CaseFactory(subjects=[kim])
    assert not hasattr(kim.history.model, "in_a_case")
