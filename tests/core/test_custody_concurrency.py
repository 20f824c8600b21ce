"""Twenty writers at once never fork an audit chain, and none of them fails (PostgreSQL).

Each writer, in its own connection and transaction, appends an access-log entry and changes
a record (a history row): two chains each. On SQLite the IMMEDIATE transactions already give
one writer at a time, so this needs PostgreSQL's concurrent connections.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from apps.access.models import AccessLog
from apps.access.services import access_log_record
from apps.core import custody
from apps.core.models import AuditSeal
from apps.core.services import record_update
from apps.people.models import Organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]

WRITERS = 20


def test_twenty_concurrent_writers_append_without_errors_or_forks():
    user = UserFactory()
    organizations = [OrganizationFactory(name=f"Organization {n}") for n in range(WRITERS)]
    start, errors = threading.Barrier(WRITERS), []

    def write(n):
        try:
            start.wait(10)
            with transaction.atomic():
                # In both orders, so that writers hold one chain while asking for the other.
                if n % 2:
                    access_log_record(user=user, action=AccessLog.Action.EXPORT, obj=organizations[n])
                record = Organization.objects.get(pk=organizations[n].pk)
                record_update(record=record, fields=["name"], data={"name": f"Renamed {n}"})
                if not n % 2:
                    access_log_record(user=user, action=AccessLog.Action.EXPORT, obj=organizations[n])
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    log = AccessLog._meta.db_table
    history = Organization.history.model._meta.db_table
    assert list(AuditSeal.objects.filter(chain=log).order_by("seq").values_list("seq", flat=True)) == list(
        range(1, WRITERS + 1)
    )
    assert AuditSeal.objects.filter(chain=history).count() == 2 * WRITERS  # created, renamed
    assert [item for report in custody.audit_verify() for item in report.breaks] == []
