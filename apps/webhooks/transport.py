"""One POST to a webhook address: to the address checked, with time limits, never redirected.

``http.client`` rather than a client library: it follows no redirect (a 3xx is an answer like
any other, so an address cannot bounce the server to an internal one), and its connection can
be made to the very IP address :mod:`apps.webhooks.addresses` checked, while TLS still checks
the certificate against the host name.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from apps.webhooks.addresses import resolve_checked

# What is kept of an answer: enough to see what a receiver said, never a whole page.
SNIPPET_BYTES = 1000


@dataclass(frozen=True)
class Answer:
    status: int
    snippet: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body`` to ``url``; the status and the start of the answer.

    Raises AddressRefused (the address is internal now), or OSError / HTTPException when the
    receiver cannot be reached or answers nonsense.
    """
    scheme, host, port, addresses = resolve_checked(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    last_error: OSError | None = None
    for address in addresses:
        connection = connection_class(host, address, port=port, timeout=timeout)
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    **headers,
                    "Content-Type": "application/json",
                    "User-Agent": "Casetracker-Webhooks/1",
                },
            )
            response = connection.getresponse()
            snippet = response.read(SNIPPET_BYTES).decode("utf-8", "replace")
            return Answer(status=response.status, snippet=snippet)
        except (TimeoutError, ConnectionRefusedError) as exc:
            last_error = exc  # the next address of the name, if it has one
        finally:
            connection.close()
    raise last_error or OSError("no address to connect to")
