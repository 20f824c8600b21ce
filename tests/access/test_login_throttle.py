import pytest
from django.test import override_settings
from django.urls import reverse

from apps.access.models import AccessLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def login(client, username, password, address="198.51.100.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_it_refuses_even_the_right_password_after_repeated_failures(client):
    user = UserFactory()
    for _ in range(3):
        assert login(client, user.username, "wrong").status_code == 200
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 200 and not signed_in(client)
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN_THROTTLED)
    assert entry.detail == {"username": user.username} and entry.ip_address == "198.51.100.1"


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_it_throttles_an_address_trying_many_usernames(client):
    user = UserFactory()
    for n in range(3):
        login(client, f"guess{n}", "wrong", address="203.0.113.9")
    login(client, user.username, PASSWORD, address="203.0.113.9")
    assert not signed_in(client)
    login(client, user.username, PASSWORD, address="198.51.100.2")
    assert signed_in(client)


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_a_success_below_the_limit_clears_the_count(client):
    user = UserFactory()
    for _ in range(2):
        login(client, user.username, "wrong", address=f"198.51.100.{_ + 10}")
    login(client, user.username, PASSWORD, address="198.51.100.20")
    assert signed_in(client)
    client.logout()
    for _ in range(2):
        login(client, user.username, "wrong", address=f"198.51.100.{_ + 30}")
    login(client, user.username, PASSWORD, address="198.51.100.40")
    assert signed_in(client)


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_the_username_is_matched_case_insensitively(client):
    user = UserFactory(username="kimworker")
    for n in range(3):
        login(client, "KimWorker", "wrong", address=f"198.51.100.{n + 50}")
    login(client, user.username, PASSWORD, address="198.51.100.60")
    assert not signed_in(client)
