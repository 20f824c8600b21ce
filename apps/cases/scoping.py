"""Who sees which case, and so which facts, shares and people.

A member of an organization sees the cases it holds, plus the cases explicitly shared with
them until the share expires; a share grants reading only. What a case holds — its facts, its
shares, its subjects with their aliases and protected identities — is visible exactly when
the case is. People are scoped here, not in ``people``, because what makes a person visible
is the case they are in:

* An individual not yet attached to any case is visible (with their protected identity) only
  to the user who recorded them — the first version of their change history says who — so
  that a caseworker can register a person and then open their case. One recorded by no user
  (imported by a command) is visible to members of any organization, without their protected
  identity, so that it can be attached. Once in a case, the case decides.

Registered with ``apps.core.scoping`` when the app is ready; docs/permissions.md says it for people.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.models import Membership
from apps.access.scoping import can_write_to_organization, is_member_anywhere, member_organization_ids
from apps.cases.models import Case, CaseShare, Fact
from apps.core import scoping
from apps.people.models import Alias, Individual, ProtectedIdentity


def _active_shares(user, *, today: dt.date | None = None) -> QuerySet[CaseShare]:
    today = today or timezone.localdate()
    return CaseShare.objects.filter(user=user).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def writable_cases(user) -> QuerySet[Case]:
    """Cases ``user`` may change: those held by their organizations (never merely shared ones)."""
    if scoping.sees_everything(user):
        return Case.objects.all()
    if not scoping.is_active(user):
        return Case.objects.none()
    return Case.objects.filter(organization_id__in=member_organization_ids(user))


def visible_case_ids(user, *, today: dt.date | None = None) -> QuerySet:
    """The ids of the cases ``user`` may see, as a subquery: their organizations' cases, then
    the cases shared with them (a case both held and shared appears twice; ``IN`` does not mind).
    A share counts until it expires, judged on ``today`` (by default the local date).

    A ``UNION ALL`` of two index reads, not ``organization_id IN (…) OR id IN (…)``: PostgreSQL
    cannot serve that OR of subqueries from the indexes, so every list of cases, facts,
    proceedings or people filtered by it scanned all 100,000 cases first (docs/performance.md).
    Call it for an active user who is not a superuser (:func:`visible_cases` decides those).
    """
    held = Case.objects.filter(organization_id__in=member_organization_ids(user)).order_by().values("pk")
    return held.union(_active_shares(user, today=today).order_by().values("case_id"), all=True)


# Up to this many visible cases, what they hold (about 3 proceedings, 5 facts, 2 people a case)
# is few enough that a list page may count its rows as it reads them: see sees_few_cases.
FEW_CASES = 5_000


def sees_few_cases(user, *, at_most: int | None = None) -> bool:
    """Whether ``user`` sees at most ``at_most`` cases (by default ``FEW_CASES``; a superuser: no).

    Counted with a limit, so the answer costs at most ``at_most`` index entries, whatever the
    size of the user's organizations. For a scoped caseworker a list's page already reads every
    visible row to sort them, and then counting them with the page costs nothing more
    (apps.core.api.policies.PageWithTotal); for a scope of tens of thousands of cases the page
    can stop after 25 rows, and the count is better made apart.
    """
    if scoping.sees_everything(user):
        return False
    if not scoping.is_active(user):
        return True
    return _rows_at_most(_case_rows(user), FEW_CASES if at_most is None else at_most)


def _case_rows(user) -> list[QuerySet]:
    # One row per visible case (a case held and shared counts twice: an upper bound). The held
    # cases are read as their organization's column, which the organization index holds: an
    # index-only scan, where their ids would have the count read every case's row.
    held = Case.objects.filter(organization_id__in=member_organization_ids(user)).order_by().values("organization_id")
    return [held, _active_shares(user).order_by().values("case_id")]


def _rows_at_most(parts: list[QuerySet], at_most: int) -> bool:
    first, *others = parts
    return first.union(*others, all=True)[: at_most + 1].count() <= at_most


def visible_cases(user) -> QuerySet[Case]:
    """Cases ``user`` may see: their organizations' cases and the cases shared with them."""
    if scoping.sees_everything(user):
        return Case.objects.all()
    if not scoping.is_active(user):
        return Case.objects.none()
    return Case.objects.filter(pk__in=visible_case_ids(user))


def _visible_case_condition(user, path: str = "pk") -> Q:
    # scoped() calls this for an active user who is not a superuser.
    return Q(**{f"{path}__in": visible_case_ids(user)})


def cases_revealing_identity(user) -> QuerySet[Case]:
    """Cases whose subjects' protected identity ``user`` may see (with the permission to read it).

    Those their organizations hold, and those shared with them by a share that says so
    (``reveals_identity``): a share alone shows a case, never who its people legally are.
    """
    if scoping.sees_everything(user):
        return Case.objects.all()
    if not scoping.is_active(user):
        return Case.objects.none()
    revealing = _active_shares(user).filter(reveals_identity=True).values("case_id")
    return Case.objects.filter(Q(organization_id__in=member_organization_ids(user)) | Q(pk__in=revealing))


def check_can_write_to_case(user, case: Case | None) -> None:
    """Refuse a write to a case ``user``'s organizations do not hold (shared cases are read-only)."""
    if case is None or not writable_cases(user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You can only change cases your organization holds."))


def _case_subject_ids(case_ids: QuerySet):
    # ``case_ids``: a subquery of case ids (visible_case_ids, or the ids of writable_cases).
    return Case.subjects.through.objects.filter(case_id__in=case_ids).order_by().values("individual_id")


def _visible_case_ids_for(user) -> QuerySet:
    # visible_case_ids, or every case for a superuser (the rules below are also called through
    # scoping.visible, which has decided superusers and inactive users, but keep them whole).
    if scoping.sees_everything(user):
        return Case.objects.order_by().values("pk")
    if not scoping.is_active(user):
        return Case.objects.none().values("pk")
    return visible_case_ids(user)


def _unattached_recorded_by(user) -> QuerySet[Individual]:
    """Individuals in no case yet whom ``user`` recorded (the first version of their history)."""
    recorded = Individual.history.filter(history_type="+", history_user=user).values("id")
    return Individual.objects.filter(in_a_case=False, pk__in=recorded)


def _unattached_visible_ids(user) -> QuerySet:
    """The ids of the individuals in no case yet that ``user`` may see and attach to a case.

    Those ``user`` recorded; and, for members of an organization, those no user recorded
    (imported by a command), which would otherwise be out of everyone's reach. One UNION ALL
    (see :func:`visible_case_ids` for why not an OR).
    """
    recorded_by_someone = Individual.history.filter(history_type="+", history_user__isnull=False).values("id")
    imported = (
        Individual.objects.filter(in_a_case=False)
        .exclude(pk__in=recorded_by_someone)
        .filter(Exists(Membership.objects.filter(user=user)))
    )
    return (
        _unattached_recorded_by(user)
        .order_by()
        .values("pk")
        .union(imported.order_by().values("pk"), all=True)
    )


def _sees_few_people(user) -> bool:
    # The subjects of few cases, and few people in no case: those are attached as their case
    # opens, but an import of people alone could leave many (read from a partial index). One
    # capped count of both, cases and people together. Called as Rule.few: scoping.sees_few has
    # answered for superusers and inactive users.
    unattached = Individual.objects.filter(in_a_case=False).order_by().values("pk")
    return _rows_at_most([*_case_rows(user), unattached], FEW_CASES)


def register_held_by_case(model, *, case_path: str, parent) -> None:
    """Declare that ``model``'s records are visible and writable exactly when their case is.

    ``case_path`` leads from a record to its case in a query ("case", "proceeding__case");
    ``parent(record)`` is the record it hangs from, whose own rule decides writes.
    """
    scoping.register(
        model,
        visible=lambda user: model._default_manager.filter(
            **{f"{case_path}__in": _visible_case_ids_for(user)}
        ),
        condition=lambda user: _visible_case_condition(user, case_path),
        writable=lambda user: model._default_manager.filter(**{f"{case_path}__in": writable_cases(user)}),
        can_write=lambda user, record: scoping.can_write(user, parent(record)),
        holder=lambda record: scoping.organization_holding(parent(record)),
        few=sees_few_cases,
    )


def _first_case_organization(individual: Individual):
    case = individual.cases.select_related("organization").order_by("pk").first()
    return case.organization if case else None


def _first_case_organization_ids(individuals) -> dict:
    # The organization of each individual's first case, as _first_case_organization decides it.
    holders = {individual.pk: None for individual in individuals}
    rows = (
        Case.subjects.through.objects.filter(individual__in=individuals)
        .order_by("individual_id", "case_id")
        .values_list("individual_id", "case__organization_id")
    )
    for individual_id, organization_id in rows:
        if holders.get(individual_id) is None:
            holders[individual_id] = organization_id
    return holders


def _can_write_individual(user, individual: Individual) -> bool:
    if individual.pk is None:
        return is_member_anywhere(user)
    return scoping.writable(Individual, user).filter(pk=individual.pk).exists()


scoping.register(
    Case,
    visible=visible_cases,
    condition=_visible_case_condition,
    writable=writable_cases,
    can_write=lambda user, case: can_write_to_organization(user, case.organization),
    holder=lambda case: case.organization,
    few=sees_few_cases,
)
register_held_by_case(Fact, case_path="case", parent=lambda fact: fact.case)
scoping.register(
    CaseShare,
    visible=lambda user: CaseShare.objects.filter(Q(case__in=writable_cases(user)) | Q(user=user)),
    can_write=lambda user, share: scoping.can_write(user, share.case),
    holder=lambda share: share.case.organization,
)
# A proceeding's subject is always a subject of its case (proceedings.services), so the case's
# subjects are all the people a case makes visible.
scoping.register(
    Individual,
    visible=lambda user: Individual.objects.filter(
        pk__in=_case_subject_ids(_visible_case_ids_for(user)).union(_unattached_visible_ids(user), all=True)
    ),
    writable=lambda user: Individual.objects.filter(
        pk__in=_case_subject_ids(writable_cases(user).order_by().values("pk")).union(
            _unattached_visible_ids(user), all=True
        )
    ),
    can_write=_can_write_individual,
    holder=_first_case_organization,
    holders=_first_case_organization_ids,
    few=_sees_few_people,
)
scoping.register(
    ProtectedIdentity,
    visible=lambda user: ProtectedIdentity.objects.filter(
        Q(individual_id__in=_case_subject_ids(cases_revealing_identity(user).order_by().values("pk")))
        | Q(individual_id__in=_unattached_recorded_by(user).values("pk"))
    ),
    can_write=lambda user, identity: scoping.can_write(user, identity.individual),
    holder=lambda identity: _first_case_organization(identity.individual),
)
scoping.register(
    Alias,
    visible=lambda user: Alias.objects.filter(individual__in=scoping.visible(Individual, user)),
    can_write=lambda user, alias: scoping.can_write(user, alias.individual),
    holder=lambda alias: _first_case_organization(alias.individual),
)
