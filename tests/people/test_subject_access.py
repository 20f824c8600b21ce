"""Subject access: everything held about one person, for users with people.export_individual."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.access.models import AccessLog
from apps.people.subject_access import SCHEMA
from tests.access.conftest import api, member
from tests.factories import AliasFactory, CaseFactory, FactFactory, ProtectedIdentityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]


@pytest.fixture
def unthrottled(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": None}}


@pytest.fixture
def person(desk):
    """A subject of one of the desk's cases, named in one fact, with an alias and an identity."""
    case = desk.case()
    person = case.subjects.order_by("pk").first()
    FactFactory(case=case, statement=f"{person.pseudonym} was detained at the border.")
    other = FactFactory(case=case, statement="Someone else's hearing was adjourned.")
    person.case = case
    person.other_fact = other
    return person


def url(person):
    return f"/api/v1/individuals/{person.public_id}/subject-access/"


def exports():
    return AccessLog.objects.filter(action="export")


def test_a_supervisor_gets_everything_held_about_the_person(person):
    supervisor = member(person.case.organization, "supervisor")
    api(supervisor).get(f"/api/v1/individuals/{person.public_id}/")  # a logged read of the identity
    response = api(supervisor).get(url(person))
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{person.public_id}-{response.json()["generated_at"][:10].replace("-", "")}.json"'
    )
    body = response.json()
    assert body["schema"] == SCHEMA
    assert body["individual"]["id"] == str(person.public_id)
    assert body["individual"]["pseudonym"] == person.pseudonym
    assert [alias["name"] for alias in body["aliases"]] == sorted(
        person.aliases.values_list("name", flat=True)
    )
    assert body["protected_identity"]["legal_name"] == person.protected_identity.legal_name
    assert [entry["record"] for entry in body["history"]] == ["individual"] + [
        "alias"
    ] * person.aliases.count()
    assert [case["reference"] for case in body["cases"]] == [person.case.reference]
    proceedings = person.case.proceedings.filter(subject=person)
    assert {p["id"] for p in body["proceedings"]} == {str(p.public_id) for p in proceedings}
    assert [fact["statement"] for fact in body["facts"]] == [
        f"{person.pseudonym} was detained at the border."
    ]
    cited = {citation["fact"] for citation in body["citations"]} - {None}
    assert cited == {body["facts"][0]["id"]}
    assert str(person.other_fact.public_id) not in json.dumps(body)
    assert [entry["action"] for entry in body["access_log"]] == ["api_protected_read"]


def test_the_export_is_logged_once_with_what_it_held(person):
    supervisor = member(person.case.organization, "supervisor")
    body = api(supervisor).get(url(person)).json()
    entry = exports().get()
    assert (entry.user, entry.object_type, entry.object_id) == (
        supervisor,
        "people.individual",
        str(person.pk),
    )
    assert entry.organization == person.case.organization
    assert entry.detail == {
        "export": "subject_access",
        "channel": "api",
        "protected_identity": True,
        "sections": {
            name: len(body[name])
            for name in ("aliases", "history", "cases", "proceedings", "facts", "citations", "access_log")
        },
    }
    assert person.protected_identity.legal_name not in json.dumps(entry.detail)


@pytest.mark.parametrize("role", ["caseworker", "auditor", "legal partner"])
def test_it_is_refused_without_the_permission_and_nothing_is_logged(person, role):
    user = member(person.case.organization, role)
    response = api(user).get(url(person))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "people.export_individual" in response.json()["detail"]
    assert not exports().exists()


def test_without_the_identity_permission_the_identity_is_null(person):
    auditor = member(person.case.organization, "auditor")
    auditor.user_permissions.add(Permission.objects.get(codename="export_individual"))
    body = api(auditor).get(url(person)).json()
    assert body["protected_identity"] is None
    assert exports().get().detail["protected_identity"] is False


def test_another_organizations_person_is_not_found(desk):
    hidden = desk.hidden.subjects.first()
    supervisor = member(desk.home, "supervisor")
    assert api(supervisor).get(url(hidden)).status_code == 404
    assert not exports().exists()


def test_a_shared_case_shows_the_person_without_the_identity(desk):
    shared_person = desk.shared.subjects.first()
    ProtectedIdentityFactory(individual=shared_person)
    supervisor = desk.user
    supervisor.user_permissions.add(Permission.objects.get(codename="export_individual"))
    body = api(supervisor).get(url(shared_person)).json()
    assert body["protected_identity"] is None
    assert [case["reference"] for case in body["cases"]] == [desk.shared.reference]


def test_its_queries_do_not_grow_with_the_records(person, django_assert_num_queries):
    supervisor = member(person.case.organization, "supervisor")
    client = api(supervisor)
    client.get(url(person))
    with django_assert_num_queries(PINNED):
        client.get(url(person))
    second = CaseFactory(organization=person.case.organization, subjects=[person])
    FactFactory(case=second)  # its only subject: the fact is about them
    AliasFactory(individual=person)
    # A case and a fact more cost nothing; an alias more costs the reads of its own history.
    with django_assert_num_queries(PINNED + 2):
        assert client.get(url(person)).status_code == 200


# The sections' scoped selectors, each record's history, the log entry and its chain seal.
PINNED = 37


def test_the_admin_button_and_action_download_it_for_a_supervisor(client, person):
    supervisor = member(person.case.organization, "supervisor")
    client.force_login(supervisor)
    page = client.get(reverse("admin:people_individual_change", args=[person.pk]))
    link = reverse("admin:people_individual_subject_access", args=[person.pk])
    assert link in page.content.decode()
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["individual"]["id"] == str(person.public_id)
    response = client.post(
        reverse("admin:people_individual_changelist"),
        {"action": "subject_access_action", "_selected_action": [person.pk]},
    )
    assert json.loads(response.content)["individual"]["id"] == str(person.public_id)
    assert list(exports().values_list("detail__channel", flat=True)) == ["admin", "admin"]


def test_the_admin_refuses_a_caseworker_with_a_message(client, person):
    caseworker = member(person.case.organization, "caseworker")
    client.force_login(caseworker)
    page = client.get(reverse("admin:people_individual_change", args=[person.pk]))
    assert "subject-access-link" not in page.content.decode()
    response = client.get(reverse("admin:people_individual_subject_access", args=[person.pk]), follow=True)
    assert "people.export_individual" in response.content.decode()
    assert not exports().exists()
