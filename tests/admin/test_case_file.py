"""The case file page and the admin's order of apps, as a caseworker meets them."""

import pytest
from django.urls import reverse

from apps.cases.services import fact_update
from apps.workspace.admin_site import app_order
from apps.workspace.selectors import appeal_chains, case_file, case_next_deadline
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DossierGenerationFactory,
    FactFactory,
    ProceedingFactory,
    ProtectedIdentityFactory,
)

pytestmark = pytest.mark.django_db


def case_url(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def test_the_case_file_sets_disputed_readings_side_by_side_at_the_earliest(admin_client, kim_case):
    first = kim_case.facts.get()
    later = FactFactory(case=kim_case, statement="Kazakhstan returned Kim to North Korea.")
    third = FactFactory(case=kim_case, statement="Kim stayed in Kazakhstan.")
    fact_update(fact=later, contradicts=[first])
    fact_update(fact=third, contradicts=[later])

    chronology = case_file(case=kim_case).chronology

    [dispute] = [item for item in chronology if item.readings]
    assert {entry.fact.pk for entry in dispute.readings} == {first.pk, later.pk, third.pk}
    assert sum(1 for item in chronology if item.entry.fact is not None) == 1  # each once
    page = admin_client.get(case_url(kim_case)).content.decode()
    assert page.count('class="ct-reading"') == 3
    assert "the sources disagree: 3 readings" in page


def test_appeal_chains_put_each_appeal_under_what_it_challenges(kim_case, fms):
    refusal = kim_case.proceedings.get()
    appeal = ProceedingFactory(case=kim_case, authority=fms, kind="appeal", appeal_of=refusal)
    second = ProceedingFactory(case=kim_case, authority=fms, kind="appeal", appeal_of=appeal)
    alone = ProceedingFactory(case=kim_case, authority=fms)

    chains = appeal_chains([refusal, appeal, second, alone])

    assert [[(link.proceeding, link.depth) for link in chain] for chain in chains] == [
        [(refusal, 0), (appeal, 1), (second, 2)],
        [(alone, 0)],
    ]


def test_the_case_file_shows_its_quotes_sources_people_and_dossiers(admin_client, kim_case, kim_article):
    DossierGenerationFactory(case=kim_case)
    page = admin_client.get(case_url(kim_case)).content.decode()

    assert "<details><summary>“he crossed into Russia”" in page
    assert reverse("admin:sources_article_change", args=[kim_article.pk]) in page
    kim = kim_case.subjects.get()
    assert f'href="{reverse("admin:people_individual_change", args=[kim.pk])}"' in page
    assert "Ким" in page  # his aliases
    assert "Legal (lawyers, courts)" in page  # the dossier generated
    assert 'id="ct-next-deadline"' in page and case_next_deadline(case=kim_case) is None


def test_the_case_file_never_shows_a_protected_identity(admin_client, kim_case):
    ProtectedIdentityFactory(individual=kim_case.subjects.get(), legal_name="Kim Chol-su")

    assert "Kim Chol-su" not in admin_client.get(case_url(kim_case)).content.decode()


def test_a_shared_case_file_is_read_only_with_links_to_open_not_edit(client, desk):
    client.force_login(desk.user)
    response = client.get(case_url(desk.shared))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="ct-edit"' in page and ">open</a>" in page and ">edit</a>" not in page
    assert response.context["inline_admin_formsets"] == []


def test_a_return_address_outside_the_admin_is_ignored(admin_client, kim_case):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    from tests.admin.forms import page_data

    for elsewhere in ("https://example.org/admin/", "//example.org/admin/", "/api/v1/cases/"):
        data = page_data(admin_client.get(url, {"_return": elsewhere}))
        response = admin_client.post(f"{url}?_return={elsewhere}", data)
        assert response["Location"] == reverse("admin:cases_fact_changelist"), elsewhere


def test_a_persons_page_lists_their_cases_that_the_reader_may_see(client, desk):
    person = desk.case().subjects.first()
    CaseFactory(subjects=[person], title="Someone else's case")  # another organization's
    mine = person.cases.filter(organization__in=[desk.home, desk.second]).get()
    client.force_login(desk.user)

    page = client.get(reverse("admin:people_individual_change", args=[person.pk])).content.decode()

    assert f'<a href="{case_url(mine)}">{mine.reference}</a>' in page
    assert "Someone else&#x27;s case" not in page and "Someone else's case" not in page


def test_the_case_list_links_its_people(admin_client, kim_case):
    kim = kim_case.subjects.get()
    page = admin_client.get(reverse("admin:cases_case_changelist")).content.decode()

    assert f'<a href="{reverse("admin:people_individual_change", args=[kim.pk])}">Kim</a>' in page


def test_the_admin_lists_the_caseworkers_apps_first_and_the_administrators_last(admin_client):
    response = admin_client.get(reverse("admin:index"))

    labels = [app["app_label"] for app in response.context["app_list"]]
    assert labels[:6] == ["cases", "proceedings", "sources", "people", "agreements", "dossiers"]
    assert labels[-3:] == ["access", "tokens", "auth"]
    cases = next(app for app in response.context["app_list"] if app["app_label"] == "cases")
    assert [model["object_name"] for model in cases["models"]] == ["Case", "Fact", "CaseShare"]


def test_app_order_puts_an_unknown_app_between_the_two():
    apps = [{"app_label": label, "name": label, "models": []} for label in ("auth", "zeta", "cases")]
    assert [app["app_label"] for app in app_order(apps)] == ["cases", "zeta", "auth"]


def test_a_citation_list_shortens_long_quotes_with_the_whole_on_hover(admin_client, kim_case, kim_article):
    long_quote = kim_article.body[kim_article.body.find("The Moscow office"):][:180]
    CitationFactory(article=kim_article, fact=kim_case.facts.get(), quote=long_quote)

    page = admin_client.get(reverse("admin:sources_citation_changelist")).content.decode()

    assert f'title="“{long_quote}”"' in page
