import pytest

from apps.people.models import ProtectedIdentity
from apps.people.selectors import PROTECTED_IDENTITY_FIELDS
from tests.http import if_match

pytestmark = pytest.mark.django_db


def test_protected_fields_are_absent_without_the_permission(perms_client, kim):
    client = perms_client("people.view_individual", organization=kim["memorial"])
    detail = client.get(f"/api/v1/individuals/{kim['person'].public_id}/").json()
    listed = client.get("/api/v1/individuals/").json()["results"][0]
    for body in (detail, listed):
        assert body["pseudonym"] == "Kim"
        assert not set(PROTECTED_IDENTITY_FIELDS) & body.keys()
        assert "Secret Legal Name" not in str(body)


def test_protected_fields_are_present_with_the_permission(perms_client, kim):
    client = perms_client("people.view_individual", "people.view_protectedidentity", organization=kim["memorial"])
    body = client.get(f"/api/v1/individuals/{kim['person'].public_id}/").json()
    assert body["legal_name"] == "Secret Legal Name"
    assert body["phone"] == "+7 000"
    assert set(PROTECTED_IDENTITY_FIELDS) <= body.keys()


def test_writing_protected_fields_needs_the_change_permission(perms_client, kim):
    url = f"/api/v1/individuals/{kim['person'].public_id}/"
    editor = perms_client("people.view_individual", "people.change_individual", organization=kim["memorial"])
    response = editor.patch(url, {"legal_name": "Someone Else"}, format="json", **if_match(editor, url))
    assert response.status_code == 403
    assert ProtectedIdentity.objects.get(individual=kim["person"]).legal_name == "Secret Legal Name"
    guardian = perms_client("people.view_individual", "people.change_individual",
                            "people.view_protectedidentity", "people.change_protectedidentity", organization=kim["memorial"])
    response = guardian.patch(url, {"legal_name": "Someone Else"}, format="json", **if_match(guardian, url))
    assert response.status_code == 200, response.json()
    assert response.json()["legal_name"] == "Someone Else"
    assert ProtectedIdentity.objects.get(individual=kim["person"]).legal_name == "Someone Else"
