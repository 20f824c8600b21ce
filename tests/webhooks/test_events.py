"""Which events reach which subscription: only the organization's own records, only chosen events."""

import datetime as dt

import pytest

from apps.cases.services import case_open, case_update
from apps.deadlines.services import deadline_reminders_send, deadlines_mark_missed
from apps.dossiers.signals import dossier_ready
from apps.jobs.models import Job
from apps.proceedings.models import Proceeding
from apps.proceedings.services import proceeding_record, proceeding_update
from apps.webhooks.models import WebhookDelivery
from tests.factories import (
    CaseFactory,
    DeadlineFactory,
    IndividualFactory,
    OrganizationFactory,
    UserFactory,
    WebhookSubscriptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(monkeypatch):
    """The jobs handed to a worker (none is run here: the receiver tests do that)."""
    handed = []
    monkeypatch.setattr("apps.jobs.runner.dispatch", lambda job_id, delay=0: handed.append(job_id))
    return handed


def _open(organization):
    return case_open(
        title="Appeal",
        organization=organization,
        subjects=[IndividualFactory()],
        opened_on=dt.date(2016, 1, 28),
    )


def test_another_organizations_case_never_reaches_a_subscription(
    organization, dispatched, django_capture_on_commit_callbacks
):
    subscription = WebhookSubscriptionFactory(organization=organization)
    elsewhere = OrganizationFactory(name="Elsewhere")
    with django_capture_on_commit_callbacks(execute=True):
        theirs = _open(elsewhere)
        case_update(case=theirs, priority=30)
    assert not WebhookDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        mine = _open(organization)
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.subscription, delivery.event, delivery.payload["data"]["id"]) == (
        subscription,
        "case.created",
        str(mine.public_id),
    )
    assert dispatched == list(Job.objects.filter(kind="webhook_deliver").values_list("pk", flat=True))


def test_a_case_shared_with_a_member_of_another_organization_sends_them_nothing(
    organization, dispatched, django_capture_on_commit_callbacks
):
    from tests.factories import CaseShareFactory, MembershipFactory

    partner_organization = OrganizationFactory(name="Partner Law Office")
    WebhookSubscriptionFactory(organization=partner_organization)
    partner = UserFactory()
    MembershipFactory(user=partner, organization=partner_organization)
    case = _open(organization)
    CaseShareFactory(case=case, user=partner)
    with django_capture_on_commit_callbacks(execute=True):
        case_update(case=case, status="monitoring")
    assert not WebhookDelivery.objects.exists()


def test_only_chosen_events_of_active_subscriptions_are_sent(
    organization, dispatched, django_capture_on_commit_callbacks
):
    changes = WebhookSubscriptionFactory(organization=organization, events=["case.changed"])
    WebhookSubscriptionFactory(organization=organization, events=["case.changed"], active=False)
    WebhookSubscriptionFactory(organization=organization, events=["deadline.missed"])
    with django_capture_on_commit_callbacks(execute=True):
        case = _open(organization)
        case_update(case=case, title="Appeal (Moscow)", summary="New hearing")
        case_update(case=case, title="Appeal (Moscow)")  # no change: no event
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.subscription == changes
    assert delivery.payload["data"]["changed"] == ["title", "summary"]
    assert "Moscow" not in str(delivery.payload) and "hearing" not in str(delivery.payload)


def test_a_proceeding_recorded_and_changed_are_events_of_its_case(
    organization, dispatched, django_capture_on_commit_callbacks
):
    WebhookSubscriptionFactory(
        organization=organization, events=["proceeding.recorded", "proceeding.changed"]
    )
    case = CaseFactory(organization=organization)
    authority = OrganizationFactory(name="FMS", kind="government_agency")
    with django_capture_on_commit_callbacks(execute=True):
        proceeding = proceeding_record(case=case, kind=Proceeding.Kind.TEMPORARY_ASYLUM, authority=authority)
        proceeding_update(proceeding=proceeding, outcome=Proceeding.Outcome.REFUSED)
    recorded, changed = WebhookDelivery.objects.order_by("id")
    assert recorded.event == "proceeding.recorded"
    assert recorded.payload["data"] == {
        "object": "proceeding",
        "id": str(proceeding.public_id),
        "case": case.reference,
        "changed": [],
        "url": f"/api/v1/proceedings/{proceeding.public_id}/",
    }
    assert (changed.event, changed.payload["data"]["changed"]) == ("proceeding.changed", ["outcome"])


def test_a_missed_deadline_and_an_approaching_one_are_sent(
    organization, dispatched, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_PUBLIC_URL = "https://casetracker.example.org"
    WebhookSubscriptionFactory(organization=organization, events=["deadline.missed", "deadline.approaching"])
    today = dt.date.today()
    caseworker = UserFactory(email="olga@example.org")
    case = CaseFactory(organization=organization)
    case.caseworkers.add(caseworker)
    passed = DeadlineFactory(
        case=case, computed_due_on=today - dt.timedelta(days=2), due_on=today - dt.timedelta(days=2)
    )
    soon = DeadlineFactory(
        case=case, computed_due_on=today + dt.timedelta(days=1), due_on=today + dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines_mark_missed(today=today) == 1
        assert deadline_reminders_send(today=today).sent == 1
    missed, approaching = WebhookDelivery.objects.order_by("id")
    assert (missed.event, missed.payload["data"]["id"], missed.payload["data"]["due_on"]) == (
        "deadline.missed",
        str(passed.public_id),
        passed.due_on.isoformat(),
    )
    assert (
        missed.payload["data"]["url"]
        == f"https://casetracker.example.org/api/v1/deadlines/{passed.public_id}/"
    )
    assert (
        approaching.event,
        approaching.payload["data"]["id"],
        approaching.payload["data"]["working_days_left"],
    ) == ("deadline.approaching", str(soon.public_id), 1)


def test_a_rendered_dossier_is_announced_with_where_to_fetch_it(
    organization, dispatched, django_capture_on_commit_callbacks
):
    WebhookSubscriptionFactory(organization=organization, events=["dossier.ready"])
    case = CaseFactory(organization=organization)
    job = Job.objects.create(kind="dossier_render", params={})
    with django_capture_on_commit_callbacks(execute=True):
        dossier_ready.send(sender=Job, case=case, job=job, format="pdf", level="public")
    (delivery,) = WebhookDelivery.objects.filter(event="dossier.ready")
    assert delivery.payload["data"] == {
        "object": "dossier",
        "case": case.reference,
        "case_id": str(case.public_id),
        "format": "pdf",
        "level": "public",
        "job": str(job.public_id),
        "url": f"/api/v1/cases/{case.reference}/dossier/?format=pdf&level=public",
    }


def test_the_sweep_queues_due_deliveries_no_worker_holds_and_prunes_old_ones(
    organization, dispatched, django_capture_on_commit_callbacks
):
    from apps.webhooks.services import deliveries_prune, deliveries_retry_due
    from tests.factories import WebhookDeliveryFactory

    subscription = WebhookSubscriptionFactory(organization=organization)
    now = dt.datetime.now(dt.UTC)
    lost = WebhookDeliveryFactory(
        subscription=subscription, state="pending", next_attempt_at=now - dt.timedelta(minutes=10)
    )
    WebhookDeliveryFactory(
        subscription=subscription, state="pending", next_attempt_at=now
    )  # its timer holds it
    stuck = WebhookDeliveryFactory(
        subscription=subscription, state="sending", last_attempt_at=now - dt.timedelta(hours=1)
    )
    old = WebhookDeliveryFactory(subscription=subscription, created_at=now - dt.timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry_due(now=now + dt.timedelta(minutes=1)) == 2
    assert sorted(Job.objects.values_list("params__delivery", flat=True)) == sorted([lost.pk, stuck.pk])
    assert deliveries_prune(now=now) == 1
    assert not WebhookDelivery.objects.filter(pk=old.pk).exists()
