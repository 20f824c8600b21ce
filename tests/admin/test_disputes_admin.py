"""Disputes in the admin go through the services: a refusal shows beside ``disputed``."""

import pytest
from django.urls import reverse

from apps.cases.models import Fact
from apps.cases.services import fact_update
from tests.admin.forms import page_data
from tests.factories import FactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed_pair(kim_case):
    fact = kim_case.facts.get()
    other = FactFactory(case=kim_case, statement="Kazakhstan returned Kim to North Korea.")
    fact_update(fact=fact, contradicts=[other])
    return Fact.objects.get(pk=fact.pk), Fact.objects.get(pk=other.pk)


def test_unticking_disputed_while_contradicted_is_refused_beside_the_field(admin_client, disputed_pair):
    fact, other = disputed_pair
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    del data["disputed"]  # the box unticked, the link kept

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["disputed"] == [
        f"This fact stays disputed while other facts contradict it (“{other}”); "
        "unlink them in contradicts to end the dispute."
    ]
    assert Fact.objects.get(pk=fact.pk).disputed


def test_ticking_disputed_without_a_contradicting_fact_is_refused_beside_the_field(admin_client, kim_case):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data["disputed"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "name that fact in contradicts" in response.context["adminform"].form.errors["disputed"][0]
    assert not Fact.objects.get(pk=fact.pk).disputed


def test_removing_the_last_contradiction_in_the_admin_clears_both_in_their_history(admin_client, disputed_pair):
    fact, other = disputed_pair
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    del data["contradicts"]
    del data["disputed"]

    assert admin_client.post(url, data).status_code == 302

    for side in (fact, other):
        assert not Fact.objects.get(pk=side.pk).disputed
        assert [row.disputed for row in Fact.history.filter(id=side.pk).order_by("-history_id")[:2]] == [False, True]


def test_removing_the_link_alone_clears_disputed_too(admin_client, disputed_pair):
    fact, other = disputed_pair
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    del data["contradicts"]  # the box still ticked, as the page showed it

    response = admin_client.post(url, data)

    # The box was not changed, so only contradicts reaches the service, and disputed follows it.
    assert response.status_code == 302
    assert not Fact.objects.get(pk=fact.pk).disputed and not Fact.objects.get(pk=other.pk).disputed


def test_a_new_fact_linked_in_the_admin_is_disputed_without_ticking_the_box(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_add")
    data = page_data(admin_client.get(url))
    data.update(
        case=kim_case.pk, date="2013", statement="Kim never reached Russia.", contradicts=[fact.pk],
        support_article=kim_article.pk, support_quote="he crossed into Russia",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    new = Fact.objects.get(statement="Kim never reached Russia.")
    assert new.disputed and Fact.objects.get(pk=fact.pk).disputed


def test_the_disputed_action_on_one_fact_says_why_and_changes_nothing(admin_client, kim_case):
    fact = kim_case.facts.get()

    response = admin_client.post(
        reverse("admin:cases_fact_changelist"),
        {"action": "mark_disputed", "_selected_action": [fact.pk]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Select at least two facts of one case that say otherwise: a fact is disputed by another fact of its case."
    ]
    assert not Fact.objects.get(pk=fact.pk).disputed


def test_the_case_page_shows_disputed_but_does_not_edit_it(admin_client, disputed_pair):
    fact, _other = disputed_pair
    response = admin_client.get(reverse("admin:cases_case_change", args=[fact.case.pk]))

    data = page_data(response)
    assert not any(name.startswith("facts-") and name.endswith("-disputed") for name in data)
    assert admin_client.post(reverse("admin:cases_case_change", args=[fact.case.pk]), data).status_code == 302
    assert Fact.objects.get(pk=fact.pk).disputed
