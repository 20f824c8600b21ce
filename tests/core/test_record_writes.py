"""record_create / record_update: whitelists, only the changed columns, and whether anything changed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.models import Case, Fact
from apps.cases.services import case_update, fact_delete, fact_update
from apps.core.services import record_create, record_update
from apps.people.models import Organization
from apps.people.services import individual_delete, organization_update
from apps.sources.models import Citation
from apps.sources.services import citation_remove
from tests.factories import CaseFactory, CitationFactory, FactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_field_outside_the_whitelist_is_refused_by_name():
    organization = OrganizationFactory(name="FMS")
    with pytest.raises(ValidationError) as error:
        record_update(record=organization, fields=("name",), data={"name": "Federal Migration Service", "kind": "ngo"})
    assert error.value.message_dict == {"kind": ["This field cannot be changed here."]}
    organization.refresh_from_db()
    assert organization.name == "FMS"


def test_an_unchanged_value_is_no_change_and_writes_nothing():
    organization = OrganizationFactory(name="FMS")
    versions = organization.history.count()
    with CaptureQueriesContext(connection) as queries:
        _organization, changed = organization_update(organization=organization, name="FMS")
    assert changed is False
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert organization.history.count() == versions


def test_only_the_changed_columns_are_written():
    case = CaseFactory(title="Kim", priority=Case.Priority.NORMAL)
    with CaptureQueriesContext(connection) as queries:
        _case, changed = case_update(case=case, title="Kim: asylum in Russia", priority=Case.Priority.NORMAL)
    assert changed is True
    # Two UPDATEs of the case: the version, incremented in SQL, then the changed columns (the
    # audit chain's head moves too, apps.core.custody: not the case's table).
    bump, update = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith('UPDATE "CASES_CASE"')
    ]
    assert bump.split(" SET ", 1)[1].split(" WHERE ", 1)[0] == '"version" = ("cases_case"."version" + 1)'
    columns = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert '"title"' in columns and '"updated_at"' in columns
    assert '"priority"' not in columns and '"summary"' not in columns and '"version"' not in columns
    assert case.version == 2


def test_two_stale_copies_changing_different_fields_both_keep_their_change():
    case = CaseFactory(title="Kim", summary="")
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    case_update(case=first, title="Kim: asylum in Russia")
    case_update(case=second, summary="Refused twice by the FMS.")
    case.refresh_from_db()
    assert (case.title, case.summary) == ("Kim: asylum in Russia", "Refused twice by the FMS.")


def test_a_partial_date_written_as_text_equal_to_the_stored_one_is_no_change():
    fact = FactFactory()
    stored = str(fact.date)
    _fact, changed = fact_update(fact=fact, date=stored)
    assert changed is False
    _fact, changed = fact_update(fact=fact, date="spring 2013")
    assert changed is True
    fact.refresh_from_db()
    assert str(fact.date) == "spring 2013"


def test_a_changed_set_is_a_change_and_a_version():
    case = CaseFactory()
    other = case.subjects.get()
    newcomer = CaseFactory().subjects.get()
    versions = case.history.count()
    _case, changed = case_update(case=case, subjects=[other, newcomer])
    assert changed is True
    assert set(case.subjects.all()) == {other, newcomer}
    assert case.history.count() > versions
    versions = case.history.count()
    _case, changed = case_update(case=case, subjects=[newcomer, other])
    assert changed is False
    assert case.history.count() == versions


def test_record_create_validates_the_whole_record_before_saving():
    with pytest.raises(ValidationError) as error:
        record_create(model=Organization, data={"name": "", "kind": "ngo"})
    assert "name" in error.value.message_dict
    assert not Organization.objects.filter(kind="ngo", name="").exists()


def test_a_contradicted_fact_is_not_deleted_by_its_service():
    fact = FactFactory()
    other = FactFactory(case=fact.case)
    fact_update(fact=fact, contradicts=[other])
    with pytest.raises(ValidationError) as error:
        fact_delete(fact=other)
    assert error.value.code == "protected"
    assert Fact.objects.filter(pk=other.pk).exists()
    fact_update(fact=fact, contradicts=[])
    fact_delete(fact=other)
    assert not Fact.objects.filter(pk=other.pk).exists()


def test_the_only_quote_of_a_fact_is_not_removed_by_its_service():
    fact = FactFactory()
    Citation.objects.filter(fact=fact).delete()  # setting up: exactly one quote, below
    citation = CitationFactory(fact=fact)
    with pytest.raises(ValidationError) as error:
        citation_remove(citation=citation)
    assert error.value.code == "protected"
    assert fact.citations.count() == 1


def test_a_case_subject_is_not_deleted_by_its_service():
    case = CaseFactory(reference="CT-2013-0001")
    subject = case.subjects.get()
    with pytest.raises(ValidationError) as error:
        individual_delete(individual=subject)
    assert "CT-2013-0001" in error.value.messages[0]
    assert case.subjects.filter(pk=subject.pk).exists()
