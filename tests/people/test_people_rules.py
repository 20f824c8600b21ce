import pytest
from django.core.exceptions import ValidationError

from apps.people.models import Alias
from apps.people.services import alias_add, individual_create, organization_create

pytestmark = pytest.mark.django_db


def test_it_keeps_aliases_in_any_script_with_their_transliteration():
    kim = individual_create(
        pseudonym="Kim",
        nationality="KP",
        born="c. 1980",
        aliases=[
            {"name": "김", "script": Alias.Script.HANGUL},
            {"name": "Ким", "script": Alias.Script.CYRILLIC, "transliteration": "Kontsevich"},
        ],
    )
    assert str(kim.born) == "c. 1980"
    assert sorted(kim.aliases.values_list("name", flat=True)) == ["Ким", "김"]
    with pytest.raises(ValidationError):
        alias_add(individual=kim, name="김", script=Alias.Script.HANGUL)


def test_it_rejects_an_unknown_nationality_code():
    with pytest.raises(ValidationError) as error:
        individual_create(pseudonym="Someone", nationality="XX")
    assert "nationality" in error.value.message_dict


def test_an_organization_cannot_be_its_own_ancestor():
    fms = organization_create(name="Federal Migration Service", kind="government_agency", country="RU")
    moscow = organization_create(name="FMS Moscow office", kind="government_agency", country="RU", parent=fms)
    fms.parent = moscow
    with pytest.raises(ValidationError):
        fms.full_clean()
