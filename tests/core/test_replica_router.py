"""DATABASE_REPLICA_URL: reads go to the replica, writes and transactions to the primary.

The replica alias is a test mirror of the test database (tests/settings.py), so the data is the
same and the tests see which alias each query went to.
"""

import pytest
from django.core.signals import request_finished
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from apps.people.models import Individual, Organization
from tests.factories import IndividualFactory, OrganizationFactory, SuperuserFactory

ROUTED = override_settings(DATABASE_ROUTERS=["apps.core.db_router.PrimaryReplicaRouter"])
pytestmark = [pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


@pytest.fixture(autouse=True)
def routed():
    request_finished.send(sender=None)  # a fresh "request": no write pinned yet
    with ROUTED:
        yield
    request_finished.send(sender=None)


def test_reads_outside_a_transaction_go_to_the_replica_and_see_committed_rows():
    IndividualFactory(pseudonym="Committed")
    request_finished.send(sender=None)
    queryset = Individual.objects.filter(pseudonym="Committed")
    assert queryset.db == "replica"
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert [person.pseudonym for person in queryset] == ["Committed"]
    assert len(replica) == 1


def test_reads_inside_a_transaction_and_writes_go_to_the_primary():
    with transaction.atomic():
        assert Individual.objects.all().db == "default"
    with CaptureQueriesContext(connections["replica"]) as replica:
        IndividualFactory()
    assert len(replica) == 0


def test_after_a_write_the_request_reads_from_the_primary_until_it_ends():
    assert Individual.objects.all().db == "replica"
    IndividualFactory()
    assert Individual.objects.all().db == "default"
    request_finished.send(sender=None)
    assert Individual.objects.all().db == "replica"


def test_an_api_list_is_served_from_the_replica_and_a_write_from_the_primary(api_client):
    OrganizationFactory(name="Read me")
    api_client.force_authenticate(SuperuserFactory())
    with CaptureQueriesContext(connections["replica"]) as replica:
        response = api_client.get("/api/v1/organizations/")
    assert response.status_code == 200
    assert "Read me" in [row["name"] for row in response.json()["results"]]
    assert any("people_organization" in query["sql"] for query in replica)

    with CaptureQueriesContext(connections["default"]) as primary:
        response = api_client.post(
            "/api/v1/organizations/", {"name": "Written", "kind": "ngo", "country": "RU"}
        )
    assert response.status_code == 201, response.json()
    assert any("INSERT" in query["sql"] for query in primary)
    assert Organization.objects.filter(name="Written").exists()
