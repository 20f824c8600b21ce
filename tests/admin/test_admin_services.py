"""The admin writes through the services: their rules hold there, shown beside the field."""

import pytest
from django.urls import reverse

from apps.cases.models import Case, Fact
from apps.cases.services import fact_update
from apps.sources.models import Citation
from tests.admin.forms import inline_formset, page_data
from tests.factories import (
    CaseFactory,
    FactFactory,
    IndividualFactory,
    ProvisionFactory,
)

pytestmark = pytest.mark.django_db


def change_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def test_a_case_reference_is_shown_not_typed(admin_client, kim_case):
    page = admin_client.get(change_url(kim_case))
    assert "reference" not in page.context["adminform"].form.fields
    assert "CT-2013-0001" in page.content.decode()
    data = page_data(page)
    data.update(reference="CT-2013-0002", title="Renamed")

    response = admin_client.post(change_url(kim_case), data)

    assert response.status_code == 302
    kim_case.refresh_from_db()
    assert (kim_case.reference, kim_case.title) == ("CT-2013-0001", "Renamed")


def test_a_fact_cannot_move_to_another_case_from_its_page(admin_client, kim_case):
    fact = kim_case.facts.get()
    elsewhere = CaseFactory()
    data = page_data(admin_client.get(change_url(fact)))
    data["case"] = elsewhere.pk

    response = admin_client.post(change_url(fact), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["case"] == ["A fact cannot move to another case."]
    fact.refresh_from_db()
    assert fact.case_id == kim_case.pk


def test_a_proceeding_subject_outside_its_case_is_refused_on_the_field(admin_client, kim_case):
    proceeding = kim_case.proceedings.get()
    stranger = IndividualFactory(pseudonym="Someone else")
    data = page_data(admin_client.get(change_url(proceeding)))
    data["subject"] = stranger.pk

    response = admin_client.post(change_url(proceeding), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["subject"] == [
        f"{stranger} is not a subject of case {kim_case.reference}."
    ]
    proceeding.refresh_from_db()
    assert proceeding.subject_id != stranger.pk


def test_a_provision_chosen_in_the_admin_brings_its_agreement(admin_client, kim_case):
    proceeding = kim_case.proceedings.get()
    provision = ProvisionFactory()
    data = page_data(admin_client.get(change_url(proceeding)))
    data["provisions"] = [provision.pk]

    assert admin_client.post(change_url(proceeding), data).status_code == 302

    assert list(proceeding.provisions.all()) == [provision]
    assert list(proceeding.agreements.all()) == [provision.agreement]


def test_saving_a_page_unchanged_writes_no_version(admin_client, kim_case):
    versions = Case.history.filter(id=kim_case.pk).count()
    data = page_data(admin_client.get(change_url(kim_case)))

    assert admin_client.post(change_url(kim_case), data).status_code == 302

    assert Case.history.filter(id=kim_case.pk).count() == versions


def test_a_fact_changed_from_the_case_file_changes_through_its_service_and_returns_there(admin_client, kim_case):
    # The case file is read-only: each fact links to its own page, which returns to the file.
    fact = kim_case.facts.get()
    versions = fact.history.count()
    case_file = change_url(kim_case)
    url = f"{change_url(fact)}?_return={case_file}"
    assert f'href="{url}"' in admin_client.get(case_file).content.decode()
    data = page_data(admin_client.get(url))
    data["date"] = "spring 2013"

    response = admin_client.post(url, data)

    assert response.status_code == 302 and response["Location"] == case_file
    fact.refresh_from_db()
    assert str(fact.date) == "spring 2013"
    assert fact.history.count() == versions + 1


def test_a_contradicted_fact_is_not_deleted_from_the_admin(admin_client, kim_case):
    fact = kim_case.facts.get()
    other = FactFactory(case=kim_case, statement="Kazakhstan returned Kim to North Korea.")
    fact_update(fact=fact, contradicts=[other])
    url = reverse("admin:cases_fact_delete", args=[other.pk])

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    messages = [str(message) for message in response.context["messages"]]
    assert messages and messages[0].startswith("Nothing was deleted. 1 other fact(s) are recorded as contradicting")
    assert Fact.objects.filter(pk=other.pk).exists()


def test_delete_selected_refuses_a_contradicted_fact_and_deletes_nothing(admin_client, kim_case):
    fact = kim_case.facts.get()
    loose = FactFactory(case=kim_case, statement="An unrelated note.")
    other = FactFactory(case=kim_case, statement="Kazakhstan returned Kim to North Korea.")
    fact_update(fact=fact, contradicts=[other])

    response = admin_client.post(
        reverse("admin:cases_fact_changelist"),
        {"action": "delete_selected", "_selected_action": [loose.pk, other.pk], "post": "yes"},
        follow=True,
    )

    assert any(str(m).startswith("Nothing was deleted.") for m in response.context["messages"])
    assert Fact.objects.filter(pk__in=[loose.pk, other.pk]).count() == 2


def test_a_case_subject_is_not_deleted_from_the_admin(admin_client, kim_case, kim):
    response = admin_client.post(reverse("admin:people_individual_delete", args=[kim.pk]), {"post": "yes"}, follow=True)

    assert any("is a subject of case(s) CT-2013-0001" in str(m) for m in response.context["messages"])
    assert kim_case.subjects.filter(pk=kim.pk).exists()


def test_a_facts_only_quote_can_be_replaced_in_one_save(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    data = page_data(admin_client.get(change_url(fact)))
    data["citations-0-DELETE"] = "on"
    row = int(data["citations-INITIAL_FORMS"])
    data.update({f"citations-{row}-article": kim_article.pk, f"citations-{row}-quote": "asked border guards for help"})

    response = admin_client.post(change_url(fact), data)

    assert response.status_code == 302, inline_formset(response, "citations").errors
    assert [c.quote for c in Citation.objects.filter(fact=fact)] == ["asked border guards for help"]
