"""Server-side request forgery: webhooks go to public addresses only, unless a host is allowed."""

import socket

import pytest

from apps.webhooks.addresses import AddressRefused, resolve_checked, url_check
from apps.webhooks.services import subscription_create


def _resolving(monkeypatch, mapping: dict[str, list[str]]):
    """Name resolution without the network: ``host`` → its addresses."""

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in mapping[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fd00::1]/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_it_refuses_private_loopback_link_local_multicast_and_reserved_addresses(url):
    with pytest.raises(AddressRefused) as refused:
        url_check(url)
    assert "private, loopback or reserved network" in refused.value.reason
    assert refused.value.message_dict.keys() == {"url"}


def test_it_refuses_127_0_0_1_unless_it_is_allowed(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(AddressRefused):
        url_check("http://127.0.0.1:8120/hook")
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    url_check("http://127.0.0.1:8120/hook")


def test_it_refuses_a_name_that_resolves_to_loopback(monkeypatch):
    _resolving(monkeypatch, {"hooks.example.org": ["127.0.0.1"]})
    with pytest.raises(AddressRefused) as refused:
        url_check("https://hooks.example.org/hook")
    assert "127.0.0.1" in refused.value.reason


def test_it_refuses_a_name_with_one_public_and_one_internal_address(monkeypatch):
    _resolving(monkeypatch, {"hooks.example.org": ["93.184.215.14", "10.0.0.7"]})
    with pytest.raises(AddressRefused):
        url_check("https://hooks.example.org/hook")


def test_it_accepts_a_name_that_resolves_to_public_addresses_and_connects_to_those(monkeypatch):
    _resolving(
        monkeypatch, {"hooks.example.org": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}
    )
    assert resolve_checked("https://hooks.example.org/hook") == (
        "https",
        "hooks.example.org",
        443,
        ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://93.184.215.14/hook", "Only http:// and https://"),
        ("https://user:pw@93.184.215.14/hook", "no user name or password"),
        ("https://nowhere.invalid/hook", "could not be found"),
    ],
)
def test_it_refuses_other_schemes_credentials_and_unknown_hosts(monkeypatch, url, reason):
    _resolving(monkeypatch, {})
    with pytest.raises(AddressRefused) as refused:
        url_check(url)
    assert reason in refused.value.reason


def test_the_subscription_service_refuses_an_internal_address_on_its_url_field(organization):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        subscription_create(organization=organization, url="http://10.0.0.1/hook", events=["case.changed"])
    assert list(refused.value.message_dict) == ["url"]


def test_an_address_that_became_internal_fails_the_delivery_without_sending(
    organization, receiver, settings, django_capture_on_commit_callbacks
):
    from apps.webhooks.services import delivery_attempt, event_publish
    from tests.webhooks.conftest import subscribe

    subscribe(organization, receiver.url)
    settings.WEBHOOK_ALLOWED_HOSTS = []  # checked again at delivery: 127.0.0.1 is no longer allowed
    with django_capture_on_commit_callbacks():
        (delivery,) = event_publish(event="case.changed", organization_id=organization.pk, data={})
        delivery = delivery_attempt(delivery_id=delivery.pk)
    assert delivery.state == "failed"
    assert "private, loopback or reserved network" in delivery.last_error
    assert receiver.requests == []
