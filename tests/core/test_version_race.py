"""Two writers holding the same version at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from apps.core.services import StaleVersion, record_update, version_hold
from apps.people.models import Organization
from tests.factories import OrganizationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def test_the_second_of_two_writers_with_one_version_is_refused_after_the_first_commits():
    organization = OrganizationFactory(name="FMS")
    first_holds, outcomes = threading.Event(), {}

    def write(name, value, wait_for=None):
        try:
            if wait_for is not None:
                wait_for.wait(5)
            record = Organization.objects.get(pk=organization.pk)
            with transaction.atomic():
                version_hold(record=record, expected=1)  # the second one waits here for the first
                if wait_for is None:
                    first_holds.set()
                    threading.Event().wait(0.3)  # the other writer arrives while this one holds
                record_update(record=record, fields=["name", "short_name"], data={name: value})
            outcomes[name] = "saved"
        except StaleVersion as stale:
            outcomes[name] = f"stale at {stale.current}"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=("name", "Federal Migration Service")),
        threading.Thread(target=write, args=("short_name", "FMS-RU", first_holds)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcomes == {"name": "saved", "short_name": "stale at 2"}
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.name, stored.short_name, stored.version) == ("Federal Migration Service", "", 2)
