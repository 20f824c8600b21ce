"""A person imported from a spreadsheet is offered as a possible duplicate, as one typed in the admin."""

import pytest
from django.core.management import call_command

from apps.people.models import DuplicateCandidate, Individual
from apps.people.services import duplicates_refresh, individual_create
from apps.workspace.management.commands.load_seed import DEFAULT_FIXTURE
from tests.factories import CaseFactory
from tests.sheets.test_sheets import (
    XLSX,
    caseworker,
    confirm,
    export,
    home,
    preview,
    signed_in,
    xlsx_file,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db
__all__ = ["caseworker", "home", "signed_in"]  # fixtures, imported for this module's tests


def pairs_of(individual):
    return {
        pair.second if pair.first == individual else pair.first
        for pair in DuplicateCandidate.objects.filter(first=individual) | DuplicateCandidate.objects.filter(second=individual)
    }


def test_a_person_imported_in_cyrillic_is_offered_as_the_latin_record_of_the_same_person(signed_in, home):
    latin = individual_create(pseudonym="Kim Eun-chol", nationality="KP")
    CaseFactory(organization=home, subjects=[latin])
    header, rows = xlsx_rows(export(signed_in, Individual))
    blank = dict.fromkeys(header, "")
    blank.update({"pseudonym": "Ким Ын Чхоль", "nationality": "KP"})

    response = preview(signed_in, Individual, xlsx_file(header, [[blank[column] for column in header]]), XLSX)
    assert [row.import_type for row in response.context["result"].rows] == ["new"]
    confirm(signed_in, Individual, response)

    cyrillic = Individual.objects.get(pseudonym="Ким Ын Чхоль")
    assert pairs_of(cyrillic) == {latin}


def test_the_seeded_kim_is_offered_when_someone_records_him_again_in_hangul(db):
    # load_seed keys the seed's names (loaddata alone bypasses the services that do).
    call_command("load_seed", fixture=str(DEFAULT_FIXTURE), verbosity=0)
    seeded = Individual.objects.get(pseudonym="Kim Eun-chol")
    again = individual_create(pseudonym="김은철", nationality="KP")
    duplicates_refresh(individual=again)
    assert seeded in pairs_of(again)
