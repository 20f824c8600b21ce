"""Which webhook addresses may be called: no private, loopback or otherwise internal networks.

A subscription's address is chosen by whoever manages it, and the server POSTs to it: without
this check, an address such as ``http://127.0.0.1:6379/`` or ``http://169.254.169.254/`` would
make the server reach what only it can reach (server-side request forgery). So every address
its host resolves to must be a global one; a host listed in ``settings.WEBHOOK_ALLOWED_HOSTS``
is let through (an integration on the same private network, the tests' receiver).

The check runs when a subscription is saved and again before each attempt, on every address
the name resolves to then; the attempt connects to the address checked (``resolve_checked``),
so a name that resolves to something else a moment later (DNS rebinding) is not reached.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class AddressRefused(ValidationError):
    """The address is not one a webhook may be sent to (the message says why, for the ``url`` field)."""

    def __init__(self, message: str):
        super().__init__({"url": [message]}, code="address_refused")
        self.reason = message


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _allowed_hosts() -> set[str]:
    return {host.strip().lower().strip("[]") for host in settings.WEBHOOK_ALLOWED_HOSTS if host.strip()}


def url_parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook address; AddressRefused if it is not http(s) with a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(_("This is not a valid address.")) from None
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise AddressRefused(_("Only http:// and https:// addresses can receive webhooks."))
    host = (parts.hostname or "").lower()
    if not host:
        raise AddressRefused(_("The address has no host."))
    if parts.username or parts.password:
        raise AddressRefused(
            _("Put no user name or password in the address; the signature authenticates us.")
        )
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve_checked(url: str) -> tuple[str, str, int, list[str]]:
    """(scheme, host, port, addresses to connect to) for ``url``, or AddressRefused.

    Every address the host resolves to is checked, not the first one only: a name with one
    public and one internal address would otherwise be reached on the internal one by chance.
    """
    scheme, host, port = url_parts(url)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise AddressRefused(_("The host %(host)s could not be found.") % {"host": host}) from None
        addresses = list(dict.fromkeys(info[4][0] for info in found))
    if host in _allowed_hosts():
        return scheme, host, port, addresses
    for address in addresses:
        # An IPv6 address may carry a zone ("fe80::1%eth0"): link-local whatever follows.
        if _is_internal(ipaddress.ip_address(address.split("%", 1)[0])):
            raise AddressRefused(
                _(
                    "%(host)s is on a private, loopback or reserved network (%(address)s): webhooks are only "
                    "sent to public addresses. An administrator can allow the host with WEBHOOK_ALLOWED_HOSTS."
                )
                % {"host": host, "address": address}
            )
    return scheme, host, port, addresses


def url_check(url: str) -> None:
    """Refuse ``url`` (AddressRefused, on the ``url`` field) unless a webhook may be sent there."""
    resolve_checked(url)
