"""Two organizations in one admin: neither sees, finds, opens or writes into the other's cases."""

import pytest
from django.urls import reverse

from apps.cases.models import Case, Fact
from tests.access.conftest import member
from tests.admin.forms import page_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def records_of(case):
    subject = case.subjects.get()
    fact = case.facts.get()
    return {
        "case": case,
        "fact": fact,
        "proceeding": case.proceedings.get(),
        "individual": subject,
        "protected identity": subject.protected_identity,
        "citation": fact.citations.get(),
    }


@pytest.mark.parametrize("kind", ["case", "fact", "proceeding", "individual", "protected identity", "citation"])
def test_another_organizations_records_are_absent_from_the_changelist(client, world, caseworker_a, kind):
    case_a, case_b = world
    client.force_login(caseworker_a)
    mine, theirs = records_of(case_a)[kind], records_of(case_b)[kind]

    response = client.get(url(type(mine), "changelist"))

    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert mine.pk in shown
    assert theirs.pk not in shown


@pytest.mark.parametrize("kind", ["case", "fact", "proceeding", "individual", "protected identity", "citation"])
def test_another_organizations_change_page_does_not_open(client, world, caseworker_a, kind):
    _case_a, case_b = world
    client.force_login(caseworker_a)
    theirs = records_of(case_b)[kind]

    response = client.get(url(type(theirs), "change", theirs.pk), follow=True)

    # The admin answers as for a record that does not exist: back to the index, no content.
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index")
    page = response.content.decode()
    assert case_b.title not in page and "Legal" not in page


def test_another_organizations_history_page_does_not_open(client, world, caseworker_a):
    _case_a, case_b = world
    client.force_login(caseworker_a)
    response = client.get(url(Case, "history", case_b.pk))
    assert response.status_code in (302, 404)
    assert case_b.title not in response.content.decode()


@pytest.mark.parametrize(
    ("model", "term"),
    [(Case, "Other (B)"), (Fact, "Statement of Other"), (Case, "REF-Other")],
)
def test_search_does_not_find_another_organizations_records(client, world, caseworker_a, model, term):
    client.force_login(caseworker_a)
    response = client.get(url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_autocomplete_offers_only_visible_cases(client, world, caseworker_a):
    case_a, case_b = world
    client.force_login(caseworker_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "fact", "field_name": "case", "term": "CT-"},
    )
    assert response.status_code == 200
    ids = {result["id"] for result in response.json()["results"]}
    assert str(case_a.pk) in ids and str(case_b.pk) not in ids


def test_a_new_case_cannot_be_put_into_another_organization(client, world, caseworker_a, org_b):
    case_a, _case_b = world
    client.force_login(caseworker_a)
    add = url(Case, "add")
    data = page_data(client.get(add))
    data.update(
        title="Smuggled", subjects=[case_a.subjects.get().pk], organization=org_b.pk, opened_on="2020-02-01",
    )

    response = client.post(add, data)

    assert response.status_code == 200  # the form again, with the error
    assert "organization" in response.context["adminform"].form.errors
    assert not Case.objects.filter(title="Smuggled").exists()


def test_a_case_cannot_be_moved_into_another_organization(client, world, caseworker_a, org_a, org_b):
    case_a, _case_b = world
    client.force_login(caseworker_a)
    change = url(Case, "change", case_a.pk)
    data = page_data(client.get(change))
    data["organization"] = org_b.pk

    response = client.post(change, data)

    assert response.status_code == 200
    case_a.refresh_from_db()
    assert case_a.organization == org_a


def test_a_fact_cannot_be_attached_to_another_organizations_case(client, world, caseworker_a):
    _case_a, case_b = world
    client.force_login(caseworker_a)
    article = ArticleFactory()
    add = url(Fact, "add")
    data = page_data(client.get(add))
    data.update(
        case=case_b.pk, date="2016", statement="Planted", support_article=article.pk,
        support_quote=article.body[:20],
    )

    response = client.post(add, data)

    assert response.status_code == 200
    assert "case" in response.context["adminform"].form.errors
    assert not Fact.objects.filter(statement="Planted").exists()


def test_a_shared_case_is_readable_but_not_writable_by_the_partner(client, world, legal_partner):
    case_a, case_b = world
    client.force_login(legal_partner)

    listing = client.get(url(Case, "changelist"))
    assert {case.pk for case in listing.context["cl"].result_list} == {case_a.pk}
    page = client.get(url(Case, "change", case_a.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert "Legal Kim" not in page.content.decode()  # no protected identity for partners

    data = {"title": "Renamed by partner"}
    assert client.post(url(Case, "change", case_a.pk), data).status_code == 403
    case_a.refresh_from_db()
    assert case_a.title == "Kim (A)"


def test_a_supervisor_cannot_share_another_organizations_case(client, world, supervisor_a, caseworker_b):
    from apps.cases.models import CaseShare

    _case_a, case_b = world
    client.force_login(supervisor_a)
    add = url(CaseShare, "add")
    response = client.post(add, {"case": case_b.pk, "user": caseworker_b.pk, "reason": "curious"})
    assert response.status_code == 200
    assert not CaseShare.objects.filter(case=case_b).exists()


def test_delete_selected_refuses_records_of_a_shared_case(client, world, org_b):
    from apps.cases.models import CaseShare

    case_a, _case_b = world
    supervisor_b = member(org_b, "supervisor")
    CaseShare.objects.create(case=case_a, user=supervisor_b, reason="joint appeal")
    fact = case_a.facts.get()
    client.force_login(supervisor_b)

    response = client.post(
        url(Fact, "changelist"), {"action": "delete_selected", "_selected_action": [fact.pk], "post": "yes"}
    )

    assert response.status_code == 403
    assert Fact.objects.filter(pk=fact.pk).exists()
