"""Writes on cases and their timelines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.cases.models import Case, CaseShare, Fact
from apps.cases.scoping import check_can_write_to_case
from apps.core.services import record_update
from apps.people.models import Individual, Organization
from apps.sources.models import Article
from apps.sources.services import citation_add

# A supporting quote given with a new fact or proceeding: the article and the exact words,
# optionally where they start (when the same words occur twice).
Support = dict


def case_reference_next(*, year: int) -> str:
    """The next free reference for cases opened in ``year``: CT-YYYY-NNNN."""
    prefix = f"CT-{year:04d}-"
    numbers = [
        int(reference.removeprefix(prefix))
        for reference in Case.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if reference.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def case_open(
    *,
    title: str,
    organization: Organization,
    subjects: Iterable[Individual],
    opened_on: dt.date,
    reference: str = "",
    priority: int = Case.Priority.NORMAL,
    status: str = Case.Status.OPEN,
    summary: str = "",
    caseworkers: Iterable[AbstractBaseUser] = (),
    public_id=None,
) -> Case:
    """Open a case for one or more individuals; numbers it CT-YYYY-NNNN unless a reference is given."""
    subjects = list(subjects)
    if not subjects:
        raise ValidationError({"subjects": "A case needs at least one subject."})
    # Two caseworkers opening cases at the same moment may compute the same number: the
    # unique constraint refuses the second, which then takes the next one.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case(
                    reference=reference or case_reference_next(year=opened_on.year),
                    title=title,
                    organization=organization,
                    opened_on=opened_on,
                    priority=priority,
                    status=status,
                    summary=summary,
                )
                if public_id:
                    case.public_id = public_id
                case.full_clean()
                case.save()
                case.subjects.set(subjects)
                case.caseworkers.set(list(caseworkers))
                return case
        except IntegrityError:
            if reference:
                raise
    raise ValidationError({"reference": "Could not number the case; try again."})


@transaction.atomic
def case_update(*, case: Case, subjects: Iterable[Individual] | None = None,
                caseworkers: Iterable[AbstractBaseUser] | None = None, **changes) -> Case:
    """Change a case. Its reference is permanent: documents and people outside cite it."""
    if "reference" in changes and changes.pop("reference") != case.reference:
        raise ValidationError({"reference": "A case's reference cannot change."})
    if subjects is not None:
        subjects = list(subjects)
        if not subjects:
            raise ValidationError({"subjects": "A case needs at least one subject."})
    return record_update(record=case, changes=changes, m2m={"subjects": subjects, "caseworkers": caseworkers})


@transaction.atomic
def case_close(*, case: Case, closed_on: dt.date, reason: str) -> Case:
    """Close a case, with the date and the reason (resettled, deported, lost contact…)."""
    case.status = Case.Status.CLOSED
    case.closed_on = closed_on
    case.closed_reason = reason
    case.full_clean()
    case.save()
    return case


def supports_add(*, supports: Sequence[Support], added_by=None, **target) -> None:
    """Attach each supporting quote to ``target`` (fact=…, proceeding=… or provision=…)."""
    for support in supports:
        article = support["article"]
        if not isinstance(article, Article):
            raise ValidationError({"article": "Choose a stored article."})
        citation_add(
            article=article,
            quote=support["quote"],
            start=support.get("start"),
            note=support.get("note", ""),
            added_by=added_by,
            public_id=support.get("public_id"),
            **target,
        )


@transaction.atomic
def fact_record(
    *,
    case: Case,
    statement: str,
    date=None,
    supports: Sequence[Support] = (),
    disputed: bool = False,
    internal: bool = False,
    contradicts: Iterable[Fact] = (),
    added_by: AbstractBaseUser | None = None,
    public_id=None,
) -> Fact:
    """Add a dated statement to a case's timeline, with at least one supporting quote.

    A fact nobody can source does not belong in a dossier, so ``supports`` may not be empty.
    Contradicting facts are linked both ways and all of them are marked disputed.
    """
    if not supports:
        raise ValidationError({"citations": "A fact needs at least one supporting quote."})
    fact = Fact(case=case, statement=statement.strip(), disputed=disputed, internal=internal)
    fact.date = date
    if public_id:
        fact.public_id = public_id
    fact.full_clean()
    fact.save()
    supports_add(supports=supports, added_by=added_by, fact=fact)
    contradicts = list(contradicts)
    if contradicts:
        fact_mark_disputed(fact=fact, contradicts=contradicts)
    return fact


@transaction.atomic
def fact_update(*, fact: Fact, contradicts: Iterable[Fact] | None = None, **changes) -> Fact:
    """Change a fact; ``contradicts``, when given, becomes the full list of facts it contradicts.

    Citations are added and removed on their own (citation_add), so that no fact is ever
    left without a source by an edit.
    """
    if "case" in changes and changes["case"].pk != fact.case_id:
        raise ValidationError({"case": "A fact cannot move to another case."})
    record_update(record=fact, changes=changes)
    if contradicts is not None:
        contradicts = list(contradicts)
        if contradicts:
            fact_mark_disputed(fact=fact, contradicts=contradicts)
        fact.contradicts.remove(*fact.contradicts.exclude(pk__in=[other.pk for other in contradicts]))
        getattr(fact, "_prefetched_objects_cache", {}).pop("contradicts", None)
    return fact


@transaction.atomic
def fact_mark_disputed(*, fact: Fact, contradicts: Iterable[Fact] = ()) -> Fact:
    """Mark a fact as disputed and link it to the facts of the same case that contradict it."""
    contradicts = list(contradicts)
    for other in contradicts:
        if other.case_id != fact.case_id:
            raise ValidationError({"contradicts": "Only facts of the same case can contradict each other."})
        if other.pk == fact.pk:
            raise ValidationError({"contradicts": "A fact cannot contradict itself."})
    fact.disputed = True
    fact.save(update_fields=["disputed", "updated_at"])
    if contradicts:
        fact.contradicts.add(*contradicts)
        Fact.objects.filter(pk__in=[other.pk for other in contradicts]).update(disputed=True)
    return fact


def case_share_grant(
    *,
    case: Case,
    user: AbstractBaseUser,
    by: AbstractBaseUser,
    reason: str,
    expires_on: dt.date | None = None,
) -> CaseShare:
    """Let ``user`` read ``case`` (e.g. a partner lawyer); only its organization can share it."""
    check_can_write_to_case(by, case)
    share = CaseShare.objects.filter(case=case, user=user).first() or CaseShare(case=case, user=user)
    share.granted_by = by
    share.reason = reason
    share.expires_on = expires_on
    share.full_clean()
    share.save()
    return share


def case_share_revoke(*, share: CaseShare, by: AbstractBaseUser) -> None:
    """End a share; only the organization holding the case can."""
    check_can_write_to_case(by, share.case)
    share.delete()
