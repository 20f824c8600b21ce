"""A real receiver for webhooks: an HTTP server thread on 127.0.0.1 (ports 8120-8129).

It records every request (headers, body) and answers with the statuses it is told, in order
(then 200). ``127.0.0.1`` is in the tests' WEBHOOK_ALLOWED_HOSTS, so the server may call it.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.access.models import Membership
from apps.webhooks.services import subscription_create
from tests.factories import OrganizationFactory, UserFactory

PORTS = range(8120, 8130)


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.arrived:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                if status in (301, 302, 307):
                    self.send_header("Location", "http://10.0.0.1/elsewhere")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else f"answer {status}".encode())

            def log_message(self, *args):
                pass

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("No free port in 8120-8129 for the test receiver")
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/casetracker"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 10) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def member(organization, *roles):
    from django.contrib.auth.models import Group

    user = UserFactory()
    Membership.objects.create(user=user, organization=organization)
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Memorial (webhooks test)")


def subscribe(organization, url, events=("case.created", "case.changed"), **fields):
    """A subscription made by the service (no user: the installation's own)."""
    return subscription_create(organization=organization, url=url, events=list(events), **fields)
