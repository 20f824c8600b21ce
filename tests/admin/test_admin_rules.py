"""The rules hold in the admin: all-or-nothing saves, dates in order, organization scoping."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.access.models import Membership
from apps.agreements.models import Agreement
from apps.cases.models import Fact
from apps.proceedings.models import Proceeding
from apps.proceedings.services import proceeding_record
from tests.admin.forms import page_data
from tests.factories import (
    AgreementFactory,
    CaseFactory,
    FactFactory,
    OrganizationFactory,
    ProvisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_service_refusing_at_save_time_saves_nothing_and_explains(admin_client, kim_case, fms, monkeypatch):
    # As if another caseworker had changed something between validation and save.
    def record_then_refuse(**kwargs):
        proceeding_record(**kwargs)
        raise ValidationError({"authority": "This authority was merged into another one."})

    monkeypatch.setattr("apps.proceedings.admin.proceeding_record", record_then_refuse)
    url = reverse("admin:cases_case_change", args=[kim_case.pk])
    data = page_data(admin_client.get(url))
    data["title"] = "Renamed"
    # The case file's one empty row (existing proceedings are changed on their own pages).
    data.update({"proceedings-0-kind": Proceeding.Kind.APPEAL, "proceedings-0-authority": fms.pk})

    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Nothing was saved. Authority: This authority was merged into another one."]
    assert not Proceeding.objects.filter(kind=Proceeding.Kind.APPEAL).exists()
    kim_case.refresh_from_db()
    assert kim_case.title == "Kim: asylum in Russia"


def test_an_agreements_lifecycle_dates_must_be_in_order(admin_client):
    url = reverse("admin:agreements_agreement_add")
    data = page_data(admin_client.get(url))
    data.update(
        title="Russia–DPRK readmission agreement",
        kind=Agreement.Kind.READMISSION,
        status=Agreement.Status.SIGNED,
        drafted="2 Feb 2016",
        signed="September 2014",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["signed"] == [
        "Signed (September 2014) is before drafted (2 Feb 2016)."
    ]
    assert not Agreement.objects.exists()


def test_provisions_added_inline_are_numbered_after_the_known_ones(admin_client):
    agreement = AgreementFactory()
    ProvisionFactory(agreement=agreement, position=1)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = page_data(admin_client.get(url))
    data.update(
        {
            "provisions-1-summary": "A state may refuse if the person faces torture.",
            "provisions-1-position": "0",
        }
    )

    assert admin_client.post(url, data).status_code == 302

    added = agreement.provisions.get(summary__startswith="A state may refuse")
    assert added.position == 2


def test_a_caseworker_sees_and_picks_only_their_organizations_cases(client, kim_case):
    other = CaseFactory(title="Someone else's case")
    user = UserFactory()
    user.groups.set(Group.objects.filter(name="caseworker"))
    Membership.objects.create(user=user, organization=kim_case.organization)
    client.force_login(user)

    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert list(changelist.context["cl"].result_list) == [kim_case]
    assert (
        client.get(reverse("admin:cases_case_change", args=[other.pk])).status_code == 302
    )  # "doesn't exist"

    add_fact = client.get(reverse("admin:cases_fact_add"))
    assert list(add_fact.context["adminform"].form.fields["case"].queryset) == [kim_case]


def test_a_caseworker_cannot_open_a_case_for_an_organization_they_do_not_belong_to(client, kim):
    user = UserFactory()
    user.groups.set(Group.objects.filter(name="caseworker"))
    mine, theirs = OrganizationFactory(), OrganizationFactory()
    Membership.objects.create(user=user, organization=mine)
    client.force_login(user)
    url = reverse("admin:cases_case_add")
    data = page_data(client.get(url))
    data.update(title="Kim", subjects=[kim.pk], organization=theirs.pk, opened_on="2016-01-28")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "You are not a member of" in response.context["adminform"].form.errors["organization"][0]
    data["organization"] = mine.pk
    assert client.post(url, data).status_code == 302


def test_linking_a_contradicting_fact_marks_both_disputed(admin_client, kim_case):
    fact = kim_case.facts.get()
    other = FactFactory(case=kim_case, statement="Kazakhstan returned Kim to North Korea.")
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data["contradicts"] = [other.pk]

    assert admin_client.post(url, data).status_code == 302

    fact.refresh_from_db()
    other.refresh_from_db()
    assert fact.disputed and other.disputed
    assert list(other.contradicts.all()) == [fact]


def test_a_fact_of_another_case_cannot_contradict(admin_client, kim_case):
    fact = kim_case.facts.get()
    elsewhere = FactFactory()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data["contradicts"] = [elsewhere.pk]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["contradicts"] == [
        f"“{elsewhere}” belongs to another case."
    ]
    assert not fact.contradicts.exists()


def test_a_quote_given_on_a_proceedings_page_is_cited(admin_client, kim_case, kim_article):
    proceeding = kim_case.proceedings.get()
    url = reverse("admin:proceedings_proceeding_change", args=[proceeding.pk])
    data = page_data(admin_client.get(url))
    data.update(support_article=kim_article.pk, support_quote="not in danger")

    assert admin_client.post(url, data).status_code == 302

    assert proceeding.citations.filter(quote="not in danger").count() == 1


def test_a_new_case_can_be_opened_with_its_first_fact(admin_client, kim, fms, kim_article):
    url = reverse("admin:cases_case_add")
    data = page_data(admin_client.get(url))
    data.update(title="Kim", subjects=[kim.pk], organization=fms.pk, opened_on="2013-05-01")
    data.update(
        {
            "facts-0-date": "spring 2013",
            "facts-0-statement": "Kim crossed into Russia.",
            "facts-0-support_article": kim_article.pk,
            "facts-0-support_quote": "he crossed into Russia",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    [fact] = Fact.objects.filter(case__title="Kim")
    assert fact.citations.get().quote == "he crossed into Russia"


def test_the_disputed_action_links_the_selected_facts_as_contradicting_each_other(admin_client, kim_case):
    fact, other, untouched = kim_case.facts.get(), FactFactory(case=kim_case), FactFactory(case=kim_case)

    response = admin_client.post(
        reverse("admin:cases_fact_changelist"),
        {"action": "mark_disputed", "_selected_action": [fact.pk, other.pk]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "2 fact(s) marked as contradicting each other (disputed)."
    ]
    assert list(Fact.objects.get(pk=fact.pk).contradicts.all()) == [other]
    assert Fact.objects.get(pk=fact.pk).disputed and Fact.objects.get(pk=other.pk).disputed
    assert not Fact.objects.get(pk=untouched.pk).disputed
