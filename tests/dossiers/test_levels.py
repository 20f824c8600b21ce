import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied

from apps.dossiers.levels import dossier_level_check, dossier_levels_allowed
from tests.factories import SuperuserFactory, UserFactory


def _user_with(*codenames):
    user = UserFactory()
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per object


@pytest.mark.django_db
def test_it_gives_no_level_to_a_user_who_cannot_see_cases():
    assert dossier_levels_allowed(user=UserFactory()) == []
    assert dossier_levels_allowed(user=AnonymousUser()) == []
    assert dossier_levels_allowed(user=None) == []


@pytest.mark.django_db
def test_it_gives_legal_and_public_to_a_user_who_sees_cases():
    assert dossier_levels_allowed(user=_user_with("cases.view_case")) == ["legal", "public"]


@pytest.mark.django_db
def test_it_gives_full_only_with_the_protected_identity_permission():
    user = _user_with("cases.view_case", "people.view_protectedidentity")
    assert dossier_levels_allowed(user=user) == ["full", "legal", "public"]
    assert dossier_levels_allowed(user=SuperuserFactory()) == ["full", "legal", "public"]


@pytest.mark.django_db
def test_it_gives_nothing_to_an_inactive_user():
    user = SuperuserFactory(is_active=False)
    assert dossier_levels_allowed(user=user) == []


@pytest.mark.django_db
def test_the_check_refuses_full_without_the_permission():
    user = _user_with("cases.view_case")
    dossier_level_check(user=user, level="legal")
    with pytest.raises(PermissionDenied):
        dossier_level_check(user=user, level="full")
