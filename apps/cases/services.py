"""Writes on cases and their timelines."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.access.scoping import can_write_to_organization
from apps.cases.models import Case, CaseShare, Fact
from apps.cases.scoping import check_can_write_to_case, writable_cases
from apps.cases.signals import case_changed
from apps.core.services import record_create, record_touch, record_update, record_update_changes
from apps.people.models import Individual, Organization
from apps.sources.models import Article
from apps.sources.services import citation_add

# A supporting quote given with a new fact or proceeding: the article and the exact words,
# optionally where they start (when the same words occur twice).
Support = dict


# References are opaque: CT-YYYY- and six random digits. A running number (CT-2013-0001,
# CT-2013-0002…) is shared by every organization on the installation, so the number a case
# receives would tell its holders how many cases the others opened that year, and a reference
# quoted in a letter would tell its readers too. Per-organization prefixes would fix the count
# but print the holding NGO in every reference — who defends whom is itself sensitive — and
# need a new code on every organization. Random digits cost neither; the year stays, because
# caseworkers file by it. Six digits never equal the four-digit references of paper files
# and seed data (CT-2013-0001), which stay valid: the format is still CT-YYYY-NNNN(N…).
REFERENCE_DIGITS = 6


def case_reference_new(*, year: int) -> str:
    """A fresh random reference for a case opened in ``year``: CT-YYYY-NNNNNN.

    It may already be taken (one chance in a million per stored case of that year); the
    caller retries on the unique constraint.
    """
    return f"CT-{year:04d}-{secrets.randbelow(10**REFERENCE_DIGITS):0{REFERENCE_DIGITS}d}"


# What a change of a case may touch; its reference is permanent.
CASE_CHANGEABLE = (
    "title", "organization", "subjects", "caseworkers", "status", "priority",
    "opened_on", "closed_on", "closed_reason", "summary",
)


def _check_organization(by: AbstractBaseUser | None, organization: Organization) -> None:
    # Mass assignment: a case only ever goes into one of the acting user's own organizations.
    # ``by`` is None for commands and the seed builder, which act for the installation.
    if by is not None and not can_write_to_organization(by, organization):
        raise ValidationError({"organization": _("You are not a member of %(organization)s: choose your organization.") % {"organization": organization}})


def _check_subjects(subjects) -> list[Individual]:
    subjects = list(subjects)
    if not subjects:
        raise ValidationError({"subjects": _("A case needs at least one subject.")})
    return subjects


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
    closed_on: dt.date | None = None,
    closed_reason: str = "",
    by: AbstractBaseUser | None = None,
    public_id=None,
) -> Case:
    """Open a case for one or more individuals; the server gives it a reference.

    A reference is allocated (:func:`case_reference_new`), never chosen by a user: a chosen
    one that is taken would answer "already exists" for another organization's case. Only
    installation code acting for nobody in particular (``by`` is None: the seed builder,
    management commands bringing in paper files that already have a number) may pass
    ``reference``.
    A case is opened, not recorded closed: close it afterwards with :func:`case_close`.
    ``by`` (the acting user) must belong to ``organization``.
    """
    if reference and by is not None:
        # The same answer whatever the value: taken, free, malformed or another organization's.
        raise ValidationError({"reference": _("References are given by the server: leave this field out.")})
    subjects = _check_subjects(subjects)
    _check_organization(by, organization)
    if status == Case.Status.CLOSED or closed_on or closed_reason:
        raise ValidationError({"status": _("Open the case first, then close it with its date and reason.")})
    data = {
        "title": title, "organization": organization, "opened_on": opened_on, "priority": priority,
        "status": status, "summary": summary, "subjects": subjects, "caseworkers": list(caseworkers),
    }
    # A drawn reference may be taken: full_clean says so (ValidationError), or, when another
    # writer takes it at the same moment, the unique constraint does (IntegrityError). Draw again.
    for _attempt in range(5):
        data["reference"] = reference or case_reference_new(year=opened_on.year)
        try:
            with transaction.atomic():
                case = record_create(model=Case, data=data, public_id=public_id)
                case_changed.send(sender=Case, case=case, created=True, fields=[])
                return case
        except IntegrityError:
            if reference:
                raise
        except ValidationError as error:
            if reference or "reference" not in getattr(error, "error_dict", {}):
                raise
    raise ValidationError({"reference": _("Could not number the case; try again.")})


@transaction.atomic
def case_update(*, case: Case, by: AbstractBaseUser | None = None, **changes) -> tuple[Case, bool]:
    """Change a case; returns it and whether anything changed.

    Its reference is permanent (documents and people outside cite it); it keeps at least one
    subject; it moves only into an organization ``by`` belongs to; closing it needs the date
    and the reason (the model's constraint).
    """
    if "reference" in changes and changes.pop("reference") != case.reference:
        raise ValidationError({"reference": _("A case's reference cannot change.")})
    if "subjects" in changes:
        changes["subjects"] = _check_subjects(changes["subjects"])
    if "organization" in changes and changes["organization"] != case.organization:
        _check_organization(by, changes["organization"])
    case, changed = record_update_changes(record=case, fields=CASE_CHANGEABLE, data=changes)
    if changed:
        case_changed.send(sender=Case, case=case, created=False, fields=changed)
    return case, bool(changed)


def case_close(*, case: Case, closed_on: dt.date, reason: str) -> Case:
    """Close a case, with the date and the reason (resettled, deported, lost contact…)."""
    case, _changed = case_update(case=case, status=Case.Status.CLOSED, closed_on=closed_on, closed_reason=reason)
    return case


def supports_add(*, supports: Sequence[Support], added_by=None, **target) -> None:
    """Attach each supporting quote to ``target`` (fact=…, proceeding=… or provision=…)."""
    for support in supports:
        article, document = support.get("article"), support.get("document")
        if document is None and not isinstance(article, Article):
            raise ValidationError({"article": _("Choose a stored article.")})
        citation_add(
            article=article,
            document=document,
            quote=support["quote"],
            start=support.get("start"),
            note=support.get("note", ""),
            added_by=added_by,
            public_id=support.get("public_id"),
            **target,
        )


# A fact is disputed exactly when at least one other fact of its case is linked as contradicting
# it (``Fact.contradicts``, a symmetrical link, so both sides carry it). There is no hand-set
# flag beside the links: a flag alone would say "the sources disagree" without saying with what,
# and nothing could tell when the disagreement ends. The services keep ``disputed`` equal to
# "has a link" on every fact a write touches, each change saved (so in the history) and
# versioned; a caller may send ``disputed`` only when it agrees with the links.


def _contradicts_check(*, fact: Fact | None, case: Case, contradicts: list[Fact]) -> None:
    """Refuse links to the fact itself or to a fact of another case."""
    for other in contradicts:
        if fact is not None and other.pk == fact.pk:
            raise ValidationError({"contradicts": _("A fact cannot contradict itself.")})
        if other.case_id != case.pk:
            raise ValidationError({"contradicts": _("“%(other)s” belongs to another case.") % {"other": other}})


def _disputed_check(*, disputed: bool | None, contradicted_by: Sequence[Fact]) -> None:
    """Refuse a ``disputed`` that disagrees with the links the fact will have."""
    if disputed is None or bool(disputed) == bool(contradicted_by):
        return
    if disputed:
        raise ValidationError(
            {
                "disputed": _("A fact is disputed when another fact of its case says otherwise: "
                "name that fact in contradicts (both are then marked disputed).")
            }
        )
    names = "; ".join(f"“{other}”" for other in contradicted_by)
    raise ValidationError(
        {
            "disputed": _("This fact stays disputed while other facts contradict it (%(names)s); unlink them in contradicts to end the dispute.") % {"names": names}
        }
    )


def _disputes_follow_links(*, facts: Iterable[Fact]) -> None:
    """Re-read each fact's links and save ``disputed`` to match, or note the changed links.

    For the facts on the other side of a link that was added or removed: their list of
    contradicting facts changed, so each gets a new version and a history row, through
    ``record_update`` when ``disputed`` changes and ``record_touch`` when only the links did.
    """
    for other in facts:
        other = Fact.objects.get(pk=other.pk)  # as stored now, version included
        _record, changed = record_update(
            record=other, fields=("disputed",), data={"disputed": other.contradicts.exists()}
        )
        if not changed:
            record_touch(record=other)


@transaction.atomic
def fact_record(
    *,
    case: Case,
    statement: str,
    date=None,
    supports: Sequence[Support] = (),
    disputed: bool | None = None,
    internal: bool = False,
    contradicts: Iterable[Fact] = (),
    added_by: AbstractBaseUser | None = None,
    public_id=None,
) -> Fact:
    """Add a dated statement to a case's timeline, with at least one supporting quote.

    A fact nobody can source does not belong in a dossier, so ``supports`` may not be empty.
    Contradicting facts are linked both ways and all of them are disputed. ``disputed`` follows
    from ``contradicts``: leave it out, or give the value the links imply (``True`` with
    contradicting facts, ``False`` without); any other value is refused, naming ``disputed``.
    """
    if not supports:
        raise ValidationError(
            {"citations": _("A fact needs a source: at least one supporting quote (the article and its exact words).")}
        )
    contradicts = list(contradicts)
    _contradicts_check(fact=None, case=case, contradicts=contradicts)
    _disputed_check(disputed=disputed, contradicted_by=contradicts)
    fact = record_create(
        model=Fact,
        data={
            "case": case,
            "statement": statement.strip(),
            "date": date,
            "disputed": bool(contradicts),
            "internal": internal,
        },
        public_id=public_id,
    )
    supports_add(supports=supports, added_by=added_by, fact=fact)
    if contradicts:
        fact.contradicts.add(*contradicts)
        _disputes_follow_links(facts=contradicts)
    return fact


# What a change of a fact may touch; it stays in its case, and its quotes are added and removed
# on their own (citation_add, citation_remove) so that no edit leaves it without a source.
# ``disputed`` is accepted only when it agrees with the links (see _disputed_check).
FACT_CHANGEABLE = ("date", "statement", "disputed", "internal")


@transaction.atomic
def fact_update(*, fact: Fact, contradicts: Iterable[Fact] | None = None, **changes) -> tuple[Fact, bool]:
    """Change a fact; ``contradicts``, when given, becomes the full list of facts it contradicts.

    ``disputed`` then follows the links, on this fact and on each fact linked or unlinked:
    removing the last contradiction ends the dispute on both sides. A ``disputed`` that
    disagrees with the links (``False`` while a contradiction remains, ``True`` without one)
    is refused, naming ``disputed``. Returns the fact and whether anything changed.
    """
    if "case" in changes and changes.pop("case").pk != fact.case_id:
        raise ValidationError({"case": _("A fact cannot move to another case.")})
    current = {other.pk: other for other in Fact.objects.filter(contradicts=fact)}
    if contradicts is None:
        after = dict(current)
    else:
        contradicts = list(contradicts)
        _contradicts_check(fact=fact, case=fact.case, contradicts=contradicts)
        after = {other.pk: other for other in contradicts}
    _disputed_check(disputed=changes.get("disputed"), contradicted_by=list(after.values()))
    if "disputed" in changes or fact.disputed != bool(after):
        changes["disputed"] = bool(after)  # also mends a fact stored out of step with its links
    unlinked = [other for pk, other in current.items() if pk not in after]
    linked = [other for pk, other in after.items() if pk not in current]
    fact.contradicts.remove(*unlinked)
    fact.contradicts.add(*linked)
    getattr(fact, "_prefetched_objects_cache", {}).pop("contradicts", None)
    fact, changed = record_update(record=fact, fields=FACT_CHANGEABLE, data=changes)
    if (unlinked or linked) and not changed:
        record_touch(record=fact)  # only its links changed: still a new version of the fact
    _disputes_follow_links(facts=[*unlinked, *linked])
    return fact, changed or bool(unlinked or linked)


@transaction.atomic
def fact_mark_disputed(*, fact: Fact, contradicts: Iterable[Fact]) -> Fact:
    """Record that ``contradicts`` (facts of the same case) say otherwise than ``fact``.

    Adds the links (keeping those already there), which marks every one of them disputed.
    A dispute needs its other side, so an empty ``contradicts`` is refused.
    """
    contradicts = list(contradicts)
    if not contradicts:
        raise ValidationError(
            {"contradicts": _("Name the fact that says otherwise: a fact is disputed by another fact of its case.")}
        )
    linked = {other.pk: other for other in Fact.objects.filter(contradicts=fact)}
    linked.update({other.pk: other for other in contradicts})
    fact, _changed = fact_update(fact=fact, contradicts=list(linked.values()))
    return fact


@transaction.atomic
def facts_contradict(*, facts: Sequence[Fact]) -> list[Fact]:
    """Link every one of ``facts`` (two or more, of one case) as contradicting each of the others.

    For the admin's action on a selection of facts whose sources disagree.
    """
    facts = list(facts)
    if len(facts) < 2 or len({fact.case_id for fact in facts}) > 1:
        raise ValidationError(
            {"contradicts": _("Select at least two facts of one case that say otherwise: "
             "a fact is disputed by another fact of its case.")}
        )
    for fact in facts:
        fact_mark_disputed(fact=Fact.objects.get(pk=fact.pk), contradicts=[f for f in facts if f.pk != fact.pk])
    return [Fact.objects.get(pk=fact.pk) for fact in facts]


@transaction.atomic
def fact_delete(*, fact: Fact) -> None:
    """Delete a fact that no other fact contradicts: a dispute is not settled by deleting one side."""
    others = list(fact.contradicts.all())
    if others:
        raise ValidationError(
            _("%(count)s other fact(s) are recorded as contradicting this one; unlink them (contradicts) before deleting it.") % {"count": len(others)},
            code="protected",
        )
    fact.delete()


def _check_can_share(by: AbstractBaseUser, case: Case) -> None:
    if not writable_cases(by).filter(pk=case.pk).exists():
        raise ValidationError({"case": _("Only the organization holding a case can share it.")})


def case_share_grant(
    *,
    case: Case,
    user: AbstractBaseUser,
    by: AbstractBaseUser,
    reason: str,
    expires_on: dt.date | None = None,
    reveals_identity: bool = False,
) -> CaseShare:
    """Let ``user`` read ``case`` (e.g. a partner lawyer); only its organization can share it."""
    _check_can_share(by, case)
    share = CaseShare.objects.filter(case=case, user=user).first() or CaseShare(case=case, user=user)
    share.granted_by = by
    share.reason = reason
    share.expires_on = expires_on
    share.reveals_identity = reveals_identity
    share.full_clean()
    share.save()
    return share


SHARE_CHANGEABLE = ("reason", "expires_on", "reveals_identity")


def case_share_update(*, share: CaseShare, by: AbstractBaseUser, **changes) -> tuple[CaseShare, bool]:
    """Change why or until when a case is shared; who and which case stay as granted."""
    _check_can_share(by, share.case)
    for name in ("case", "user"):
        if name in changes and changes.pop(name) != getattr(share, name):
            raise ValidationError({name: _("Revoke this share and grant a new one instead.")})
    return record_update(record=share, fields=SHARE_CHANGEABLE, data=changes)


def case_share_revoke(*, share: CaseShare, by: AbstractBaseUser) -> None:
    """End a share; only the organization holding the case can."""
    _check_can_share(by, share.case)
    share.delete()


def case_subjects_merge(*, merged: Individual, survivor: Individual, by) -> None:
    """A merge step (apps.people.services.individual_merge): ``merged``'s cases name ``survivor`` instead.

    Every case must be one ``by``'s organizations hold: a merge must not reach into another
    organization's case through a person it shares.
    """
    for case in Case.objects.select_for_update().filter(subjects=merged).order_by("pk"):
        check_can_write_to_case(by, case)
        subjects = [survivor if person.pk == merged.pk else person for person in case.subjects.all()]
        case._change_reason = f"Subject {merged.public_id} merged into {survivor.public_id}"
        case_update(case=case, by=by, subjects=list(dict.fromkeys(subjects)))
