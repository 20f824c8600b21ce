import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from apps.tokens.models import ApiToken
from apps.tokens.services import api_token_authenticate, api_token_create
from tests.factories import SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_a_token_is_stored():
    record, token = api_token_create(user=UserFactory(), scope="write")
    record.refresh_from_db()
    assert record.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in ApiToken.objects.values_list().get()}
    assert token.startswith(record.prefix)


def test_two_tokens_are_never_the_same():
    user = UserFactory()
    assert api_token_create(user=user)[1] != api_token_create(user=user)[1]


def test_it_authenticates_by_the_token_and_nothing_else():
    record, token = api_token_create(user=UserFactory())
    assert api_token_authenticate(token=token) == record
    assert api_token_authenticate(token=token + "x") is None
    assert api_token_authenticate(token=record.key_hash) is None


def test_the_command_prints_the_token_once_and_stores_its_hash():
    user = UserFactory(username="partner")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "partner", "--scope", "write", "--expires-in-days", "30",
                 stdout=out, stderr=err)
    token = out.getvalue().strip()
    record = ApiToken.objects.get(user=user)
    assert record.scope == "write"
    assert record.expires_at is not None
    assert api_token_authenticate(token=token) == record
    assert "not shown again" in err.getvalue()


def test_the_command_refuses_an_unknown_user_or_scope():
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
    UserFactory(username="partner")
    with pytest.raises(CommandError):
        call_command("create_api_token", "partner", "--scope", "admin", stdout=io.StringIO(), stderr=io.StringIO())


def test_an_admin_creates_a_token_and_sees_it_once(client):
    admin_user = SuperuserFactory()
    owner = UserFactory()
    client.force_login(admin_user)
    response = client.post(
        "/admin/tokens/apitoken/add/",
        {"user": owner.pk, "name": "intake form", "scope": "read", "expires_at": ""},
        follow=True,
    )
    assert response.status_code == 200
    record = ApiToken.objects.get(user=owner)
    shown = [str(message) for message in response.context["messages"]]
    token = next(word for message in shown for word in message.split() if word.startswith("ct_"))
    assert api_token_authenticate(token=token) == record
    assert client.get(f"/admin/tokens/apitoken/{record.pk}/change/").status_code == 200


def test_an_admin_revokes_tokens(client):
    client.force_login(SuperuserFactory())
    record, token = api_token_create(user=UserFactory())
    client.post("/admin/tokens/apitoken/", {"action": "revoke", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert api_token_authenticate(token=token) is None
