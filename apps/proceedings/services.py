"""Writes on proceedings and their events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.cases.models import Case
from apps.cases.services import Support, supports_add
from apps.core.services import record_create, record_touch, record_update, record_update_changes
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.proceedings.signals import proceeding_changed


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
    proceeding = record_create(
        model=Proceeding,
        data={
            "case": case, "kind": kind, "authority": authority, "outcome": outcome, "status": status,
            "country": country, "reference_number": reference_number, "subject": subject,
            "appeal_of": appeal_of, "summary": summary, "filed": filed, "decided": decided,
        },
        public_id=public_id,
    )
    proceeding_legal_basis_set(proceeding=proceeding, agreements=agreements, provisions=provisions)
    supports_add(supports=supports, added_by=added_by, proceeding=proceeding)
    proceeding_changed.send(sender=Proceeding, proceeding=proceeding, created=True, fields=[])
    return proceeding


def proceeding_subject_check(*, case: Case, subject) -> None:
    """A proceeding concerns one of its case's subjects, or nobody in particular."""
    if subject is not None and not case.subjects.filter(pk=subject.pk).exists():
        raise ValidationError({"subject": _("%(subject)s is not a subject of case %(reference)s.") % {"subject": subject, "reference": case.reference}})


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


# What a change of a proceeding may touch; it stays in its case.
PROCEEDING_CHANGEABLE = (
    "kind", "authority", "country", "reference_number", "subject", "filed", "decided", "status",
    "outcome", "appeal_of", "summary",
)
EVENT_CHANGEABLE = ("kind", "date", "description")


@transaction.atomic
def proceeding_update(*, proceeding: Proceeding, agreements: Iterable | None = None,
                      provisions: Iterable | None = None, **changes) -> tuple[Proceeding, bool]:
    """Change a proceeding; it stays in its case, with a subject of that case.

    ``agreements`` and ``provisions``, when given, replace its legal basis (a provision
    invoked brings its agreement). Returns the proceeding and whether anything changed.
    """
    if "case" in changes and changes.pop("case").pk != proceeding.case_id:
        raise ValidationError({"case": _("A proceeding cannot move to another case.")})
    if "subject" in changes:
        proceeding_subject_check(case=proceeding.case, subject=changes["subject"])
    proceeding, own_changes = record_update_changes(record=proceeding, fields=PROCEEDING_CHANGEABLE, data=changes)
    changed = own_changed = bool(own_changes)
    if agreements is not None or provisions is not None:
        before = _legal_basis(proceeding)
        proceeding_legal_basis_set(proceeding=proceeding, agreements=agreements, provisions=provisions)
        changed = changed or _legal_basis(proceeding) != before
    if changed and not own_changed:
        record_touch(record=proceeding)  # only its legal basis changed: still a new version of it
    if own_changed:
        proceeding_changed.send(sender=Proceeding, proceeding=proceeding, created=False, fields=own_changes)
    return proceeding, changed


def _legal_basis(proceeding: Proceeding) -> tuple[set, set]:
    return (
        set(proceeding.agreements.values_list("pk", flat=True)),
        set(proceeding.provisions.values_list("pk", flat=True)),
    )


@transaction.atomic
def proceeding_event_add(*, proceeding: Proceeding, kind: str, date, description: str = "",
                         public_id=None) -> ProceedingEvent:
    """Add a dated step (filing, hearing, decision, notice…) to a proceeding."""
    _check_event_date(date)
    event = record_create(
        model=ProceedingEvent,
        data={"proceeding": proceeding, "kind": kind, "description": description, "date": date},
        public_id=public_id,
    )
    proceeding_changed.send(sender=ProceedingEvent, proceeding=proceeding, created=False, fields=["events"])
    return event


def proceeding_event_update(*, event: ProceedingEvent, **changes) -> tuple[ProceedingEvent, bool]:
    """Change a step of a proceeding (it stays in its proceeding, with a date)."""
    if "proceeding" in changes and changes.pop("proceeding").pk != event.proceeding_id:
        raise ValidationError({"proceeding": _("An event cannot move to another proceeding.")})
    if "date" in changes:
        _check_event_date(changes["date"])
    with transaction.atomic():
        event, changed = record_update(record=event, fields=EVENT_CHANGEABLE, data=changes)
        if changed:
            proceeding_changed.send(sender=ProceedingEvent, proceeding=event.proceeding, created=False,
                                    fields=["events"])
    return event, changed


def _check_event_date(date) -> None:
    if date in (None, ""):
        raise ValidationError({"date": _("An event needs a date, even an approximate one.")})


def proceeding_subjects_merge(*, merged, survivor, by) -> None:
    """A merge step (apps.people.services.individual_merge): proceedings about ``merged`` are about ``survivor``."""
    for proceeding in Proceeding.objects.select_for_update().filter(subject=merged).order_by("pk"):
        proceeding._change_reason = f"Subject {merged.public_id} merged into {survivor.public_id}"
        proceeding_update(proceeding=proceeding, subject=survivor)
