"""Protected identity in the admin: invisible without the permission, read-only without change."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.access.models import AccessLog, Membership
from apps.people.models import Individual, ProtectedIdentity
from tests.admin.forms import page_data
from tests.factories import ProtectedIdentityFactory, UserFactory

pytestmark = pytest.mark.django_db

LEGAL_NAME = "Pak Chol-su Legalname"
PHONE = "+7 924 555 01 23"
EMAIL = "hidden.person@example.org"
SECRETS = (LEGAL_NAME, PHONE, EMAIL, "1980-05-01", "May 1, 1980", "1 May 1980")

# What a caseworker works with every day, without the protected identity.
EVERYDAY = [
    "view_individual",
    "change_individual",
    "view_alias",
    "add_alias",
    "change_alias",
    "view_case",
    "change_case",
    "view_fact",
    "view_proceeding",
    "view_organization",
]


def staff_user(*codenames, organization):
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    Membership.objects.create(user=user, organization=organization)
    return user


@pytest.fixture
def identity(kim_case, kim):
    return ProtectedIdentityFactory(
        individual=kim, legal_name=LEGAL_NAME, phone=PHONE, email=EMAIL, date_of_birth=dt.date(1980, 5, 1)
    )


def assert_no_secret(response):
    assert response.status_code == 200
    page = response.content.decode()
    for secret in SECRETS:
        assert secret not in page


def test_without_the_permission_no_page_shows_the_protected_identity(client, kim_case, kim, identity):
    user = staff_user(*EVERYDAY, organization=kim_case.organization)
    client.force_login(user)

    change = client.get(reverse("admin:people_individual_change", args=[kim.pk]))
    assert_no_secret(change)
    assert "protected_identity-" not in change.content.decode()
    assert_no_secret(client.get(reverse("admin:people_individual_changelist")))
    assert_no_secret(client.get(reverse("admin:cases_case_change", args=[kim_case.pk])))
    assert_no_secret(client.get(reverse("admin:people_individual_history", args=[kim.pk])))
    assert client.get(reverse("admin:people_protectedidentity_changelist")).status_code == 403
    assert client.get(reverse("admin:people_protectedidentity_change", args=[kim.pk])).status_code == 403
    assert list(AccessLog.objects.values_list("action", "object_type", "username")) == []


def test_searching_by_a_legal_name_finds_nobody_without_the_permission(client, kim_case, kim, identity):
    client.force_login(staff_user(*EVERYDAY, organization=kim_case.organization))

    changelist = client.get(reverse("admin:people_individual_changelist"), {"q": "Legalname"})
    assert_no_secret(changelist)
    assert changelist.context["cl"].result_count == 0

    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"term": "Legalname", "app_label": "cases", "model_name": "case", "field_name": "subjects"},
    )
    assert autocomplete.json()["results"] == []


def test_a_change_by_an_authorised_user_leaves_no_value_in_the_history(
    client, admin_client, kim_case, kim, identity
):
    url = reverse("admin:people_individual_change", args=[kim.pk])
    data = page_data(admin_client.get(url))
    data["protected_identity-0-legal_name"] = "Another Secretname"
    assert admin_client.post(url, data).status_code == 302
    assert ProtectedIdentity.objects.get(pk=kim.pk).legal_name == "Another Secretname"

    client.force_login(staff_user(*EVERYDAY, organization=kim_case.organization))
    history = client.get(reverse("admin:people_individual_history", args=[kim.pk]))
    assert_no_secret(history)
    assert "Secretname" not in history.content.decode()
    assert "protected identity" in history.content.decode()  # that it changed, not what it says


def test_with_view_permission_the_identity_is_shown_read_only_and_the_view_is_logged(
    client, kim_case, kim, identity
):
    user = staff_user(*EVERYDAY, "view_protectedidentity", organization=kim_case.organization)
    client.force_login(user)

    page = client.get(reverse("admin:people_individual_change", args=[kim.pk])).content.decode()

    assert LEGAL_NAME in page and PHONE in page
    assert 'name="protected_identity-0-legal_name"' not in page  # text, not an input
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_id) == (user, AccessLog.Action.VIEW_PROTECTED, str(kim.pk))
    assert LEGAL_NAME not in entry.object_repr


def test_with_change_permission_the_identity_can_be_edited_through_the_service(
    client, kim_case, kim, identity
):
    user = staff_user(
        *EVERYDAY, "view_protectedidentity", "change_protectedidentity", organization=kim_case.organization
    )
    client.force_login(user)
    url = reverse("admin:people_individual_change", args=[kim.pk])
    response = client.get(url)
    assert 'name="protected_identity-0-legal_name"' in response.content.decode()

    data = page_data(response)
    data["protected_identity-0-phone"] = "+7 900 111 22 33"
    assert client.post(url, data).status_code == 302

    assert ProtectedIdentity.objects.get(pk=kim.pk).phone == "+7 900 111 22 33"
    assert AccessLog.objects.filter(user=user, action=AccessLog.Action.CHANGE_PROTECTED).count() == 1


def test_an_identity_can_be_added_with_the_individual_page(admin_client, kim_case):
    url = reverse("admin:people_individual_add")
    data = page_data(admin_client.get(url))
    data.update(pseudonym="Lee", status=Individual.Status.AT_RISK, born="c. 1985")
    data.update({"protected_identity-0-legal_name": "Lee Full Name", "protected_identity-TOTAL_FORMS": "1"})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    lee = Individual.objects.get(pseudonym="Lee")
    assert str(lee.born) == "c. 1985"
    assert lee.protected_identity.legal_name == "Lee Full Name"


def test_its_own_page_is_read_only_with_view_permission_and_logs_the_view(client, kim_case, kim, identity):
    user = staff_user(*EVERYDAY, "view_protectedidentity", organization=kim_case.organization)
    client.force_login(user)

    listing = client.get(reverse("admin:people_protectedidentity_changelist"))
    assert_no_secret(listing)  # a list never shows the values, even to those allowed to read them
    page = client.get(reverse("admin:people_protectedidentity_change", args=[kim.pk])).content.decode()

    assert LEGAL_NAME in page and 'name="legal_name"' not in page
    assert AccessLog.objects.filter(user=user, action=AccessLog.Action.VIEW_PROTECTED).count() == 1


def test_deleting_an_identity_in_the_admin_erases_it_through_the_logged_service(admin_client, superuser, kim):
    ProtectedIdentityFactory(individual=kim, legal_name=LEGAL_NAME)
    url = reverse("admin:people_protectedidentity_delete", args=[kim.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 302

    assert not ProtectedIdentity.objects.filter(pk=kim.pk).exists()
    entry = AccessLog.objects.get(action=AccessLog.Action.ERASE_PROTECTED)
    assert entry.user == superuser and LEGAL_NAME not in str(entry.detail)
