"""Writes on proceedings and their events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.cases.models import Case
from apps.cases.services import Support, supports_add
from apps.proceedings.models import Proceeding, ProceedingEvent


@transaction.atomic
def proceeding_record(
    *,
    case: Case,
    kind: str,
    authority,
    filed=None,
    decided=None,
    outcome: str = Proceeding.Outcome.PENDING,
    status: str = Proceeding.Status.PENDING,
    country: str = "",
    reference_number: str = "",
    subject=None,
    appeal_of: Proceeding | None = None,
    summary: str = "",
    agreements: Iterable = (),
    provisions: Iterable = (),
    supports: Sequence[Support] = (),
    added_by: AbstractBaseUser | None = None,
    public_id=None,
) -> Proceeding:
    """Record a proceeding in a case, its legal basis and the quotes that report it."""
    if subject is not None and not case.subjects.filter(pk=subject.pk).exists():
        raise ValidationError({"subject": f"{subject} is not a subject of case {case.reference}."})
    proceeding = Proceeding(
        case=case,
        kind=kind,
        authority=authority,
        outcome=outcome,
        status=status,
        country=country,
        reference_number=reference_number,
        subject=subject,
        appeal_of=appeal_of,
        summary=summary,
    )
    proceeding.filed = filed
    proceeding.decided = decided
    if public_id:
        proceeding.public_id = public_id
    proceeding.full_clean()
    proceeding.save()
    proceeding.agreements.set(list(agreements))
    provisions = list(provisions)
    proceeding.provisions.set(provisions)
    # A provision invoked implies its agreement is invoked too.
    proceeding.agreements.add(*{provision.agreement_id for provision in provisions})
    supports_add(supports=supports, added_by=added_by, proceeding=proceeding)
    return proceeding


def proceeding_event_add(*, proceeding: Proceeding, kind: str, date, description: str = "",
                         public_id=None) -> ProceedingEvent:
    """Add a dated step (filing, hearing, decision, notice…) to a proceeding."""
    event = ProceedingEvent(proceeding=proceeding, kind=kind, description=description)
    event.date = date
    if event.date is None:
        raise ValidationError({"date": "An event needs a date, even an approximate one."})
    if public_id:
        event.public_id = public_id
    event.full_clean()
    event.save()
    return event
