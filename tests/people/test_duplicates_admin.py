"""The admin's side of duplicates: candidates offered after a save, the review list, its actions."""

import pytest
from django.urls import reverse

from apps.people.models import DuplicateCandidate, Individual
from apps.people.services import duplicates_refresh, individual_create
from tests.access.conftest import member
from tests.factories import CaseFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:people_duplicatecandidate_changelist")


def person(org, pseudonym):
    individual = individual_create(pseudonym=pseudonym, nationality="KP")
    CaseFactory(organization=org, subjects=[individual])
    return individual


def test_creating_a_person_offers_the_candidates_with_links_and_reasons(client):
    org = OrganizationFactory()
    existing = person(org, "Kim Eun-chol")
    user = member(org, "caseworker", is_staff=True)
    client.force_login(user)

    response = client.post(
        reverse("admin:people_individual_add"),
        {
            "pseudonym": "김은철",
            "status": "unknown",
            "nationality": "KP",
            "born": "",
            "summary": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "protected_identity-TOTAL_FORMS": "0",
            "protected_identity-INITIAL_FORMS": "0",
        },
        follow=True,
    )

    [message] = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert "This may be the same person as another record:" in message
    assert reverse("admin:people_individual_change", args=[existing.pk]) in message
    assert "same name in another script (pseudonym ↔ pseudonym)" in message
    assert DuplicateCandidate.objects.filter(first=existing).count() == 1


def test_the_review_list_shows_only_pairs_of_visible_people_and_dismisses(client):
    org = OrganizationFactory()
    latin, cyrillic = person(org, "Kim Eun-chol"), person(org, "Ким Ын Чхоль")
    duplicates_refresh(individual=latin)
    other = OrganizationFactory()
    duplicates_refresh(individual=person(other, "Park Yeon-mi") and person(other, "박연미"))
    user = member(org, "caseworker", is_staff=True)
    client.force_login(user)

    listed = client.get(CHANGELIST)
    assert [(pair.first, pair.second) for pair in listed.context["cl"].result_list] == [(latin, cyrillic)]
    pair = listed.context["cl"].result_list[0]
    assert "same name in another script" in listed.content.decode()
    # A caseworker may dismiss, not merge (the merge action is not offered).
    assert "merge_second_into_first" not in listed.content.decode()

    client.post(CHANGELIST, {"action": "dismiss", "_selected_action": [pair.pk]})
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == ("dismissed", user)


def test_a_supervisor_merges_from_the_review_list(client):
    org = OrganizationFactory()
    latin, cyrillic = person(org, "Kim Eun-chol"), person(org, "Ким Ын Чхоль")
    [pair] = duplicates_refresh(individual=latin)
    client.force_login(member(org, "supervisor", is_staff=True))

    client.post(CHANGELIST, {"action": "merge_second_into_first", "_selected_action": [pair.pk]})

    assert Individual.objects.get(pk=cyrillic.pk).merged_into == latin
    pair.refresh_from_db()
    assert pair.status == "merged"
    changelist = client.get(reverse("admin:people_individual_changelist"))
    assert [person.pk for person in changelist.context["cl"].result_list] == [latin.pk]
    page = client.get(reverse("admin:people_individual_change", args=[cyrillic.pk]))
    assert page.status_code == 200
    assert "This record was merged into another:" in " ".join(str(m) for m in page.context["messages"])


def test_the_review_list_costs_the_same_queries_for_one_pair_or_many(client, django_assert_num_queries):
    org = OrganizationFactory()
    user = member(org, "caseworker", is_staff=True)
    client.force_login(user)
    first = person(org, "Kim Eun-chol")
    person(org, "Ким Ын Чхоль")
    duplicates_refresh(individual=first)
    client.get(CHANGELIST)
    with django_assert_num_queries(8):
        client.get(CHANGELIST)
    person(org, "김은철")
    person(org, "Kim Un-chol")
    duplicates_refresh(individual=first)
    assert DuplicateCandidate.objects.count() == 3
    with django_assert_num_queries(8):
        assert client.get(CHANGELIST).context["cl"].result_count == 3
