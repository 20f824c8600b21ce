"""The events webhooks send, heard from the apps below (connected in ``WebhooksConfig.ready``).

Each lower app announces its own writes with a signal, inside the write's transaction; here the
announcement is turned into a thin payload once the transaction commits (``on_commit``, robust:
a webhook that cannot be queued never undoes the caseworker's write, and the write itself runs
no query more for it). A write rolled back publishes nothing. What changed is noted at once.

What a payload says: the event, the organization, the record's public id and reference, the
names of the fields that changed, and the API address to fetch it from — which answers only to
someone allowed to see it. Never a pseudonym, a name, an identity or a quote.

Whose events: only records the subscription's own organization holds (``case.organization``).
A case shared with a member of another organization is shared with that person, for reading,
not with their organization's integrations, so a share never sends anything.
"""

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse

from apps.cases.signals import case_changed
from apps.deadlines.signals import deadline_approaching, deadline_missed
from apps.dossiers.signals import dossier_ready
from apps.proceedings.signals import proceeding_changed
from apps.webhooks.models import Event
from apps.webhooks.services import api_url, event_publish


def _publish_on_commit(*, event: str, build) -> None:
    """After the commit: ``build()`` gives (organization id, data), then the event is published."""

    def publish():
        organization_id, data = build()
        event_publish(event=event, organization_id=organization_id, data=data)

    transaction.on_commit(publish, robust=True)


def _case_data(case) -> dict:
    return {
        "object": "case",
        "id": str(case.public_id),
        "reference": case.reference,
        "url": api_url(reverse("v1:case-detail", kwargs={"reference": case.reference})),
    }


@receiver(case_changed, dispatch_uid="webhooks_case_changed")
def _case_changed(sender, *, case, created=False, fields=(), **kwargs) -> None:
    changed = list(fields)
    _publish_on_commit(
        event=Event.CASE_CREATED if created else Event.CASE_CHANGED,
        build=lambda: (case.organization_id, {**_case_data(case), "changed": changed}),
    )


@receiver(proceeding_changed, dispatch_uid="webhooks_proceeding_changed")
def _proceeding_changed(sender, *, proceeding, created=False, fields=(), **kwargs) -> None:
    changed = list(fields)

    def build():
        case = proceeding.case
        return case.organization_id, {
            "object": "proceeding",
            "id": str(proceeding.public_id),
            "case": case.reference,
            "changed": changed,
            "url": api_url(reverse("v1:proceeding-detail", kwargs={"id": proceeding.public_id})),
        }

    _publish_on_commit(event=Event.PROCEEDING_RECORDED if created else Event.PROCEEDING_CHANGED, build=build)


def _deadline_data(deadline, **more) -> tuple[int, dict]:
    return deadline.case.organization_id, {
        "object": "deadline",
        "id": str(deadline.public_id),
        "case": deadline.case.reference,
        "due_on": deadline.due_on.isoformat() if deadline.due_on else None,
        "url": api_url(reverse("v1:deadline-detail", kwargs={"id": deadline.public_id})),
        **more,
    }


@receiver(deadline_approaching, dispatch_uid="webhooks_deadline_approaching")
def _deadline_approaching(sender, *, deadline, days, **kwargs) -> None:
    _publish_on_commit(
        event=Event.DEADLINE_APPROACHING, build=lambda: _deadline_data(deadline, working_days_left=days)
    )


@receiver(deadline_missed, dispatch_uid="webhooks_deadline_missed")
def _deadline_missed(sender, *, deadline, **kwargs) -> None:
    _publish_on_commit(event=Event.DEADLINE_MISSED, build=lambda: _deadline_data(deadline))


@receiver(dossier_ready, dispatch_uid="webhooks_dossier_ready")
def _dossier_ready(sender, *, case, job, format, level, **kwargs) -> None:
    def build():
        path = reverse("case-dossier", kwargs={"reference": case.reference})
        return case.organization_id, {
            "object": "dossier",
            "case": case.reference,
            "case_id": str(case.public_id),
            "format": format,
            "level": level,
            "job": str(job.public_id),
            "url": api_url(f"{path}?format={format}&level={level}"),
        }

    _publish_on_commit(event=Event.DOSSIER_READY, build=build)
