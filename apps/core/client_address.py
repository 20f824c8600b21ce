"""The client's address, the same for throttles, login lock-out and the access log.

Behind reverse proxies the connection comes from the nearest proxy, and the client's own
address is in ``X-Forwarded-For``. That header is a list every hop appends to, and its left part
is whatever the client wrote, so it can be trusted only from the right: with
``TRUSTED_PROXY_COUNT = n`` proxies in front, each appending the address it received the
request from, the client is the n-th entry from the right. With 0 (the default: gunicorn
faces the clients) the header is ignored and ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client that sent ``request``, or None when it cannot be known.

    Falls back to ``REMOTE_ADDR`` when the header has fewer entries than there are trusted
    proxies (the request did not come through all of them, so the header is not theirs) or
    when the trusted entry is not an address.
    """
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote
