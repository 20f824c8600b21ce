"""Writes on proceedings and their events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.cases.models import Case
from apps.cases.services import Support, supports_add
from apps.core.services import record_update
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
    proceeding_subject_check(case=case, subject=subject)
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
    proceeding_legal_basis_set(proceeding=proceeding, agreements=agreements, provisions=provisions)
    supports_add(supports=supports, added_by=added_by, proceeding=proceeding)
    return proceeding


def proceeding_subject_check(*, case: Case, subject) -> None:
    """A proceeding concerns one of its case's subjects, or nobody in particular."""
    if subject is not None and not case.subjects.filter(pk=subject.pk).exists():
        raise ValidationError({"subject": f"{subject} is not a subject of case {case.reference}."})


def proceeding_legal_basis_set(*, proceeding: Proceeding, agreements: Iterable | None = None,
                               provisions: Iterable | None = None) -> None:
    """Set the agreements and provisions a proceeding invokes (``None`` keeps the current ones).

    A provision invoked implies its agreement is invoked too, whatever else was given.
    """
    if agreements is not None:
        proceeding.agreements.set(list(agreements))
    if provisions is not None:
        proceeding.provisions.set(list(provisions))
    proceeding.agreements.add(*{provision.agreement_id for provision in proceeding.provisions.all()})
    for name in ("agreements", "provisions"):
        getattr(proceeding, "_prefetched_objects_cache", {}).pop(name, None)


@transaction.atomic
def proceeding_update(*, proceeding: Proceeding, agreements: Iterable | None = None,
                      provisions: Iterable | None = None, **changes) -> Proceeding:
    """Change a proceeding; it stays in its case, with a subject of that case."""
    if "case" in changes and changes["case"].pk != proceeding.case_id:
        raise ValidationError({"case": "A proceeding cannot move to another case."})
    if "subject" in changes:
        proceeding_subject_check(case=proceeding.case, subject=changes["subject"])
    record_update(record=proceeding, changes=changes)
    if agreements is not None or provisions is not None:
        proceeding_legal_basis_set(proceeding=proceeding, agreements=agreements, provisions=provisions)
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
