"""Every change leaves a version: who, when, which fields; browsable and restorable in the admin."""

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from apps.access.models import AccessLog, SignedInSession
from apps.cases.models import Case
from apps.people.models import ProtectedIdentity
from apps.people.services import individual_identity_erase, protected_identity_set
from tests.admin.forms import _form_data, page_data
from tests.factories import FactFactory

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("people", "cases", "proceedings", "agreements", "sources", "documents", "access")


def domain_models():
    return [
        model
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        # The access log is its own record; a signed-in session is a pointer to a session, not
        # a record of the domain (it exists to end sessions, and goes with them). The blind index
        # of names is derived from the names and rebuilt from them; a history of it would keep
        # the digests of an erased legal name.
        if not model.__name__.startswith("Historical")
        and model not in (AccessLog, SignedInSession)
        and model._meta.label != "people.NameKey"
    ]


@pytest.mark.parametrize("model", domain_models(), ids=lambda model: model._meta.label)
def test_every_domain_model_keeps_a_history(model):
    assert hasattr(model, "history"), f"{model._meta.label} has no HistoricalRecords"


def version_form_data(response) -> dict:
    """The fields of a history version's form (it has no inlines)."""
    data = {}
    _form_data(response.context["adminform"].form, data)
    return data


def change_case_title(client, case, title):
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = page_data(client.get(url))
    data["title"] = title
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def test_an_admin_change_records_who_changed_which_field(client, case_a, caseworker_a):
    client.force_login(caseworker_a)

    change_case_title(client, case_a, "Kim: appeal")

    latest, previous = Case.history.filter(id=case_a.pk).order_by("-history_date", "-history_id")[:2]
    assert (latest.history_type, latest.history_user) == ("~", caseworker_a)
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "title"] == [("title", "Kim (A)", "Kim: appeal")]
    assert latest.history_change_reason == "Changed Title."


def test_the_history_page_shows_the_change_to_the_organization_only(client, case_a, case_b, caseworker_a, caseworker_b):
    client.force_login(caseworker_a)
    change_case_title(client, case_a, "Kim: appeal")

    page = client.get(reverse("admin:cases_case_history", args=[case_a.pk]))
    assert page.status_code == 200
    assert "Kim: appeal" in page.content.decode() and caseworker_a.username in page.content.decode()

    client.force_login(caseworker_b)
    assert client.get(reverse("admin:cases_case_history", args=[case_a.pk])).status_code == 404
    version = Case.history.filter(id=case_a.pk).earliest("history_date")
    form_url = reverse("admin:cases_case_simple_history", args=[case_a.pk, version.history_id])
    assert client.get(form_url).status_code == 404


def test_a_version_can_be_restored_by_the_organization(client, case_a, caseworker_a):
    client.force_login(caseworker_a)
    change_case_title(client, case_a, "Wrong title")
    first = Case.history.filter(id=case_a.pk).earliest("history_date")
    form_url = reverse("admin:cases_case_simple_history", args=[case_a.pk, first.history_id])
    data = version_form_data(client.get(form_url))

    response = client.post(form_url, data)

    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.title == "Kim (A)"
    latest = Case.history.filter(id=case_a.pk).latest("history_date")
    assert latest.history_user == caseworker_a and latest.title == "Kim (A)"


@pytest.mark.parametrize("who", ["legal_partner", "auditor_a"])
def test_a_reader_cannot_restore_a_version_by_posting_the_form(client, request, case_a, caseworker_a, who):
    client.force_login(caseworker_a)
    change_case_title(client, case_a, "Current title")
    first = Case.history.filter(id=case_a.pk).earliest("history_date")
    form_url = reverse("admin:cases_case_simple_history", args=[case_a.pk, first.history_id])
    data = version_form_data(client.get(form_url))

    client.force_login(request.getfixturevalue(who))
    response = client.post(form_url, data)

    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.title == "Current title"


def test_the_subjects_of_a_case_are_versioned_too(case_a):
    from tests.factories import IndividualFactory

    newcomer = IndividualFactory()
    case_a.subjects.add(newcomer)
    case_a.save()
    latest = Case.history.filter(id=case_a.pk).latest("history_date")
    assert newcomer.pk in {row.individual_id for row in latest.subjects.all()}


def test_a_fact_change_is_versioned_with_its_user(client, case_a, caseworker_a):
    fact = FactFactory(case=case_a, statement="Before")
    client.force_login(caseworker_a)
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(client.get(url))
    data["statement"] = "After"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    latest = fact.history.latest("history_date")
    assert (latest.statement, latest.history_user) == ("After", caseworker_a)


def test_the_history_of_a_protected_identity_holds_no_values(case_a, caseworker_a):
    subject = case_a.subjects.get()
    protected_identity_set(individual=subject, legal_name="Kim Chol-su", address="Amur region")
    protected_identity_set(individual=subject, legal_name="Kim Chol-su", address="Moscow, hidden flat")

    history_table = ProtectedIdentity.history.model._meta.db_table
    columns = {column.name for column in connection.introspection.get_table_description(connection.cursor(), history_table)}
    assert not columns & {"legal_name", "date_of_birth", "phone", "email", "address"}
    assert ProtectedIdentity.history.filter(individual_id=subject.pk, history_type="~").exists()


def test_a_protected_identity_version_cannot_be_restored(client, case_a, superuser):
    subject = case_a.subjects.get()
    protected_identity_set(individual=subject, legal_name="Kim Chol-su")
    version = ProtectedIdentity.history.filter(individual_id=subject.pk).earliest("history_date")
    client.force_login(superuser)
    form_url = reverse("admin:people_protectedidentity_simple_history", args=[subject.pk, version.history_id])
    assert client.post(form_url, {"individual": subject.pk}).status_code == 403
    assert ProtectedIdentity.objects.get(individual=subject).legal_name == "Kim Chol-su"


def test_erasure_leaves_the_values_nowhere(case_a, caseworker_a):
    subject = case_a.subjects.get()
    protected_identity_set(individual=subject, legal_name="Kim Chol-su", phone="+7 900")
    individual_identity_erase(individual=subject, by=caseworker_a, reason="Request")

    latest = ProtectedIdentity.history.filter(individual_id=subject.pk).latest("history_date")
    assert latest.history_change_reason == "Erased on request (see the access log)."
    with connection.cursor() as cursor:
        for table in (ProtectedIdentity._meta.db_table, ProtectedIdentity.history.model._meta.db_table):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            assert "Kim Chol-su" not in repr(cursor.fetchall())


def test_share_grants_are_versioned(case_a, supervisor_a, legal_partner):
    from apps.cases.models import CaseShare

    share = CaseShare.objects.get(user=legal_partner)
    share.reason = "appeal counsel, second instance"
    share.save()
    assert share.history.count() == 2
