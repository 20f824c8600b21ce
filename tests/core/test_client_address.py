"""One client address for throttles, lock-out and the access log (TRUSTED_PROXY_COUNT)."""

import pytest
from django.test import RequestFactory

from apps.core.client_address import client_ip


def request(remote="192.0.2.1", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="203.0.113.9")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # The client wrote the left entries itself: only the proxy's own entry counts.
        (1, "10.0.0.1, 198.51.100.7, 203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.1, 203.0.113.9, 192.0.2.50", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Fewer entries than proxies: the request did not come through them all.
        (2, "203.0.113.9", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
    ],
)
def test_behind_proxies_the_client_is_read_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(forwarded=forwarded)) == expected


@pytest.mark.django_db
def test_the_access_log_records_the_client_behind_the_proxy(settings):
    from apps.access.models import AccessLog
    from apps.access.services import access_log_record

    settings.TRUSTED_PROXY_COUNT = 1
    entry = access_log_record(
        user=None,
        action=AccessLog.Action.LOGIN_THROTTLED,
        request=request(forwarded="6.6.6.6, 203.0.113.9"),
    )
    assert entry.ip_address == "203.0.113.9"
