"""Login lock-out (django-axes, counts in the shared cache): per username and per address."""

import pytest
from django.test import override_settings
from django.urls import reverse

from apps.access.models import AccessLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = "Sign-in is locked for 15 minutes"


def login(client, username, password, address="198.51.100.1", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_refuses_even_the_right_password_after_repeated_failures(client):
    user = UserFactory()
    for _ in range(2):
        assert login(client, user.username, "wrong").status_code == 200
    # The failure that reaches the limit is told so at once.
    assert login(client, user.username, "wrong").status_code == 429
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert LOCKED in response.content.decode()
    entries = AccessLog.objects.filter(action=AccessLog.Action.LOGIN_THROTTLED)
    assert entries.count() == 2  # the locking failure and the refused right password
    assert {(e.detail["username"], e.ip_address) for e in entries} == {(user.username, "198.51.100.1")}


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_throttles_an_address_trying_many_usernames(client):
    user = UserFactory()
    for n in range(3):
        login(client, f"guess{n}", "wrong", address="203.0.113.9")
    login(client, user.username, PASSWORD, address="203.0.113.9")
    assert not signed_in(client)
    login(client, user.username, PASSWORD, address="198.51.100.2")
    assert signed_in(client)


@override_settings(AXES_FAILURE_LIMIT=3)
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


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_username_is_matched_case_insensitively(client):
    user = UserFactory(username="kimworker")
    for n in range(3):
        login(client, "KimWorker", "wrong", address=f"198.51.100.{n + 50}")
    login(client, user.username, PASSWORD, address="198.51.100.60")
    assert not signed_in(client)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_unknown_username_locks_the_same_way_and_the_page_says_nothing_more(client):
    user = UserFactory()
    pages = {}
    for name in (user.username, "nobody-has-this-name"):
        for n in range(3):
            login(client, name, "wrong", address=f"198.51.100.{n + 70}")
        pages[name] = login(client, name, "wrong", address="198.51.100.80")
    known, unknown = pages.values()
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content  # the username is not echoed either
    assert LOCKED in unknown.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_client_is_counted_by_its_own_address(client):
    # The proxy (192.0.2.1) appends the address it received the request from; whatever the
    # client wrote to the left of it is ignored.
    user = UserFactory()
    for n in range(3):
        login(client, f"guess{n}", "wrong", address="192.0.2.1",
              HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.9")
    locked = login(client, user.username, PASSWORD, address="192.0.2.1",
                   HTTP_X_FORWARDED_FOR="198.51.100.2, 203.0.113.9")
    assert locked.status_code == 429 and not signed_in(client)
    # Another client behind the same proxy is not locked out.
    login(client, user.username, PASSWORD, address="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert signed_in(client)
    entry = AccessLog.objects.filter(action=AccessLog.Action.LOGIN_THROTTLED).latest("pk")
    assert entry.ip_address == "203.0.113.9"
