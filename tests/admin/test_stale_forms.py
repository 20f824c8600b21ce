"""The admin refuses a form opened on a version of the record that is no longer the stored one."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.cases.models import Case
from tests.admin.forms import page_data
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


def case_url(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def signed_in(username):
    client = Client()
    client.force_login(SuperuserFactory(username=username))
    return client


def test_a_form_opened_before_someone_else_saved_is_refused_and_keeps_what_was_typed(kim_case):
    alice, bob = signed_in("alice"), signed_in("bob")
    alices_page = page_data(alice.get(case_url(kim_case)))
    bobs_page = page_data(bob.get(case_url(kim_case)))
    assert alices_page["row_version"] == bobs_page["row_version"] == str(kim_case.version)

    versions = kim_case.history.count()
    saved = alice.post(case_url(kim_case), {**alices_page, "title": "Kim: second appeal"})
    assert saved.status_code == 302

    refused = bob.post(case_url(kim_case), {**bobs_page, "summary": "Bob's summary of the case."})
    assert refused.status_code == 200  # the page again, not a redirect
    text = refused.content.decode()
    assert "alice changed title at" in text
    assert "reload the page" in text
    assert "Bob&#x27;s summary of the case." in text  # what Bob typed is still there
    case = Case.objects.get(pk=kim_case.pk)
    assert case.title == "Kim: second appeal"
    assert case.summary == kim_case.summary  # nothing of Bob's was saved
    assert case.history.count() == versions + 1  # Alice's version only

    # Bob reloads: the page is on the new version, and his change goes through.
    reloaded = page_data(bob.get(case_url(kim_case)))
    assert reloaded["title"] == "Kim: second appeal"
    assert bob.post(case_url(kim_case), {**reloaded, "summary": "Bob's summary of the case."}).status_code == 302
    case.refresh_from_db()
    assert (case.title, case.summary) == ("Kim: second appeal", "Bob's summary of the case.")
    assert case.history.order_by("-history_date").first().history_user.username == "bob"


def test_a_form_of_the_current_version_saves(admin_client, kim_case):
    data = page_data(admin_client.get(case_url(kim_case)))
    assert admin_client.post(case_url(kim_case), {**data, "summary": "New."}).status_code == 302
    assert Case.objects.get(pk=kim_case.pk).version == kim_case.version + 1


def test_a_fact_changed_elsewhere_since_its_page_was_opened_from_the_case_file_is_not_overwritten(
    admin_client, kim_case
):
    from apps.cases.services import fact_update

    fact = kim_case.facts.get()
    url = f"{reverse('admin:cases_fact_change', args=[fact.pk])}?_return={case_url(kim_case)}"
    data = page_data(admin_client.get(url))
    # Meanwhile a colleague corrects the fact; this caseworker, on the fact's page opened from
    # the case file, changes its date.
    fact_update(fact=fact, statement="Kim crossed into Russia near Blagoveshchensk.")
    data["date"] = "spring 2013"

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the page again, not back to the case file
    assert "reload the page" in response.content.decode()
    fact.refresh_from_db()
    assert fact.statement == "Kim crossed into Russia near Blagoveshchensk."
    assert str(fact.date) != "spring 2013"
