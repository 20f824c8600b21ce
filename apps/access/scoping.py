"""The one place that decides which records a user may see and where they may write.

Everything that lists or opens records — admin querysets, API selectors, dossiers, exports —
filters through these functions, so a rule changed here holds everywhere.

The rules (docs/permissions.md explains them for people):

* A superuser sees everything.
* Anyone else sees the cases of the organizations they are a member of, plus the cases
  explicitly shared with them (until the share expires). Inactive and anonymous users see
  nothing.
* Records that belong to a case — its facts, proceedings, proceeding events, citations,
  subjects and their aliases and protected identities — are visible exactly when the case is.
* An individual not yet attached to any case is visible (with their protected identity) only
  to the user who recorded them — the first version of their change history says who — so
  that a caseworker can register a person and then open their case. One recorded by no user
  (imported by a command) is visible to members of any organization, without their protected
  identity, so that it can be attached. Once in a case, the case decides.
* Shared reference material — articles (published sources), agreements and provisions, and
  organizations (courts, agencies, outlets) — is visible to every active signed-in user. A
  citation of a provision is reference material too; a citation supporting a fact or a
  proceeding follows the case.
* Writes: only into organizations the user is a member of. A share grants reading only.

Each function returns a lazy queryset built from subqueries, so it composes with further
filters and costs one query when evaluated.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, QuerySet
from django.utils import timezone

from apps.access.models import AccessLog, CaseShare, Membership
from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, Fact
from apps.people.models import Alias, Individual, Organization, ProtectedIdentity
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.models import Article, Citation


def _is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _sees_everything(user) -> bool:
    return _is_active(user) and user.is_superuser


def organizations_of(user) -> QuerySet[Organization]:
    """The organizations ``user`` is a member of (every organization for a superuser)."""
    if _sees_everything(user):
        return Organization.objects.all()
    if not _is_active(user):
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=Membership.objects.filter(user=user).values("organization_id"))


def _active_shares(user, *, today: dt.date | None = None) -> QuerySet[CaseShare]:
    today = today or timezone.localdate()
    return CaseShare.objects.filter(user=user).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def writable_cases(user) -> QuerySet[Case]:
    """Cases ``user`` may change: those held by their organizations (never merely shared ones)."""
    if _sees_everything(user):
        return Case.objects.all()
    if not _is_active(user):
        return Case.objects.none()
    return Case.objects.filter(organization_id__in=Membership.objects.filter(user=user).values("organization_id"))


def visible_cases(user) -> QuerySet[Case]:
    """Cases ``user`` may see: their organizations' cases and the cases shared with them."""
    if _sees_everything(user):
        return Case.objects.all()
    if not _is_active(user):
        return Case.objects.none()
    return Case.objects.filter(
        Q(organization_id__in=Membership.objects.filter(user=user).values("organization_id"))
        | Q(pk__in=_active_shares(user).values("case_id"))
    )


def visible_facts(user) -> QuerySet[Fact]:
    """Facts of the cases ``user`` may see."""
    if _sees_everything(user):
        return Fact.objects.all()
    return Fact.objects.filter(case__in=visible_cases(user))


def visible_proceedings(user) -> QuerySet[Proceeding]:
    """Proceedings of the cases ``user`` may see."""
    if _sees_everything(user):
        return Proceeding.objects.all()
    return Proceeding.objects.filter(case__in=visible_cases(user))


def visible_proceeding_events(user) -> QuerySet[ProceedingEvent]:
    """Events of the proceedings ``user`` may see."""
    if _sees_everything(user):
        return ProceedingEvent.objects.all()
    return ProceedingEvent.objects.filter(proceeding__case__in=visible_cases(user))


def _case_subject_ids(cases: QuerySet[Case]):
    return Case.subjects.through.objects.filter(case__in=cases).values("individual_id")


def _unattached_recorded_by(user) -> QuerySet[Individual]:
    """Individuals in no case yet whom ``user`` recorded (the first version of their history)."""
    recorded = Individual.history.filter(history_type="+", history_user=user).values("id")
    return Individual.objects.filter(cases__isnull=True, pk__in=recorded)


def _unattached_visible(user) -> QuerySet[Individual]:
    """Individuals in no case yet that ``user`` may see and attach to a case.

    Those ``user`` recorded; and, for members of an organization, those no user recorded
    (imported by a command), which would otherwise be out of everyone's reach.
    """
    recorded_by_someone = Individual.history.filter(history_type="+", history_user__isnull=False).values("id")
    imported = Individual.objects.filter(cases__isnull=True).exclude(pk__in=recorded_by_someone).filter(
        Exists(Membership.objects.filter(user=user))
    )
    return Individual.objects.filter(
        Q(pk__in=_unattached_recorded_by(user).values("pk")) | Q(pk__in=imported.values("pk"))
    )


def visible_individuals(user) -> QuerySet[Individual]:
    """Subjects of the cases ``user`` may see, plus those in no case yet (see _unattached_visible)."""
    if _sees_everything(user):
        return Individual.objects.all()
    if not _is_active(user):
        return Individual.objects.none()
    cases = visible_cases(user)
    return Individual.objects.filter(
        Q(pk__in=_case_subject_ids(cases))
        | Q(pk__in=Proceeding.objects.filter(case__in=cases).values("subject_id"))
        | Q(pk__in=_unattached_visible(user).values("pk"))
    )


def visible_protected_identities(user) -> QuerySet[ProtectedIdentity]:
    """Protected identities of the subjects of cases ``user`` may see (or in no case yet, recorded by them).

    Visibility only: reading the values also needs ``people.view_protectedidentity``, and every
    read is logged (see apps.access.services.access_log_record).
    """
    if _sees_everything(user):
        return ProtectedIdentity.objects.all()
    if not _is_active(user):
        return ProtectedIdentity.objects.none()
    return ProtectedIdentity.objects.filter(
        Q(individual_id__in=_case_subject_ids(visible_cases(user)))
        | Q(individual_id__in=_unattached_recorded_by(user).values("pk"))
    )


def visible_aliases(user) -> QuerySet[Alias]:
    """Aliases of the individuals ``user`` may see."""
    if _sees_everything(user):
        return Alias.objects.all()
    return Alias.objects.filter(individual__in=visible_individuals(user))


def visible_citations(user) -> QuerySet[Citation]:
    """Citations supporting visible facts or proceedings, and every citation of a provision."""
    if _sees_everything(user):
        return Citation.objects.all()
    if not _is_active(user):
        return Citation.objects.none()
    cases = visible_cases(user)
    return Citation.objects.filter(
        Q(fact__case__in=cases) | Q(proceeding__case__in=cases) | Q(provision__isnull=False)
    )


def visible_articles(user) -> QuerySet[Article]:
    """Every stored article, for any active signed-in user: articles are published sources.

    What is sensitive is which case an article supports, and that lives in the citation.
    """
    if not _is_active(user):
        return Article.objects.none()
    return Article.objects.all()


def visible_agreements(user) -> QuerySet[Agreement]:
    """Every agreement (public law) for any active signed-in user."""
    return Agreement.objects.all() if _is_active(user) else Agreement.objects.none()


def visible_provisions(user) -> QuerySet[Provision]:
    """Every provision (public law) for any active signed-in user."""
    return Provision.objects.all() if _is_active(user) else Provision.objects.none()


def visible_organizations(user) -> QuerySet[Organization]:
    """Every organization (courts, agencies, outlets, NGOs) for any active signed-in user."""
    return Organization.objects.all() if _is_active(user) else Organization.objects.none()


def visible_access_logs(user) -> QuerySet[AccessLog]:
    """Access-log entries about the organizations of ``user``; all of them for a superuser.

    Entries with no organization (failed logins) are for superusers only. Whether the user
    may open the log at all is the permission ``access.view_accesslog``.
    """
    if _sees_everything(user):
        return AccessLog.objects.all()
    return AccessLog.objects.filter(organization__in=organizations_of(user))


def visible_memberships(user) -> QuerySet[Membership]:
    """Memberships of the organizations ``user`` belongs to."""
    return Membership.objects.filter(organization__in=organizations_of(user))


def visible_case_shares(user) -> QuerySet[CaseShare]:
    """Shares of the cases ``user``'s organizations hold, and the shares made to ``user``."""
    if _sees_everything(user):
        return CaseShare.objects.all()
    if not _is_active(user):
        return CaseShare.objects.none()
    return CaseShare.objects.filter(Q(case__in=writable_cases(user)) | Q(user=user))


def can_write_to_organization(user, organization: Organization | None) -> bool:
    """Whether ``user`` may create or change records held by ``organization``."""
    if organization is None or not _is_active(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organization=organization).exists()


def check_can_write_to_organization(user, organization: Organization | None) -> None:
    """Refuse a write that would put a record into an organization ``user`` does not belong to.

    Call it with the organization a form or payload *asks for*, before saving: this is what
    stops mass assignment (a crafted ``organization`` field moving a case out of reach).
    """
    if not can_write_to_organization(user, organization):
        raise PermissionDenied("You can only write to the organizations you are a member of.")


def check_can_write_to_case(user, case: Case | None) -> None:
    """Refuse a write to a case ``user``'s organizations do not hold (shared cases are read-only)."""
    if case is None or not writable_cases(user).filter(pk=case.pk).exists():
        raise PermissionDenied("You can only change cases your organization holds.")


# Which function scopes which model: admin querysets and FK choices look them up here.
_VISIBLE = {
    Case: visible_cases,
    Fact: visible_facts,
    Proceeding: visible_proceedings,
    ProceedingEvent: visible_proceeding_events,
    Individual: visible_individuals,
    ProtectedIdentity: visible_protected_identities,
    Alias: visible_aliases,
    Citation: visible_citations,
    Article: visible_articles,
    Agreement: visible_agreements,
    Provision: visible_provisions,
    Organization: visible_organizations,
    AccessLog: visible_access_logs,
    Membership: visible_memberships,
    CaseShare: visible_case_shares,
}


def is_scoped(model) -> bool:
    """Whether visibility of ``model`` is decided here."""
    return model in _VISIBLE


def visible(model, user) -> QuerySet:
    """The records of ``model`` that ``user`` may see (see the module docstring)."""
    try:
        return _VISIBLE[model](user)
    except KeyError:
        raise LookupError(f"No visibility rule for {model._meta.label}; add one in apps/access/scoping.py") from None


def scoped(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records ``user`` may see, keeping its joins and prefetches.

    For selectors: ``return scoped(Case.objects.select_related("organization"), user)``.
    """
    if _sees_everything(user):
        return queryset
    return queryset.filter(pk__in=visible(queryset.model, user).values("pk"))


def writable(model, user) -> QuerySet:
    """The records of ``model`` that new records may be attached to by ``user``.

    For the records that belong to a case this is narrower than :func:`visible`: a case
    shared with the user is visible but not writable.
    """
    if _sees_everything(user):
        return model._default_manager.all()
    cases = writable_cases(user)
    if model is Case:
        return cases
    if model is Fact or model is Proceeding:
        return model._default_manager.filter(case__in=cases)
    if model is ProceedingEvent:
        return model._default_manager.filter(proceeding__case__in=cases)
    if model is Individual:
        return Individual.objects.filter(
            Q(pk__in=_case_subject_ids(cases)) | Q(pk__in=_unattached_visible(user).values("pk"))
        )
    return visible(model, user)


def scoped_writable(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records new records of ``user`` may point to (see :func:`writable`)."""
    if _sees_everything(user):
        return queryset
    return queryset.filter(pk__in=writable(queryset.model, user).values("pk"))


def can_write(user, obj) -> bool:
    """Whether ``user`` may change or delete ``obj``, judged by the organization holding it.

    Reference material (articles, agreements, provisions, organizations) is not held by an
    organization: model permissions alone decide who changes it.
    """
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    if isinstance(obj, Case):
        return can_write_to_organization(user, obj.organization)
    if isinstance(obj, Fact | Proceeding):
        return can_write(user, obj.case)
    if isinstance(obj, ProceedingEvent):
        return can_write(user, obj.proceeding)
    if isinstance(obj, Citation):
        target = obj.fact or obj.proceeding
        return True if target is None else can_write(user, target)
    if isinstance(obj, Alias | ProtectedIdentity):
        return can_write(user, obj.individual)
    if isinstance(obj, Individual):
        if obj.pk is None:
            return Membership.objects.filter(user=user).exists()
        return writable(Individual, user).filter(pk=obj.pk).exists()
    if isinstance(obj, Membership):
        return can_write_to_organization(user, obj.organization)
    if isinstance(obj, CaseShare):
        return can_write(user, obj.case)
    if isinstance(obj, AccessLog):
        return False
    return True


def check_can_write(user, obj) -> None:
    """Raise PermissionDenied unless ``user`` may write ``obj`` (see :func:`can_write`)."""
    if not can_write(user, obj):
        raise PermissionDenied("This record belongs to an organization you are not a member of.")


def organization_holding(obj) -> Organization | None:
    """The organization that holds ``obj``: its case's, or for a person their first case's."""
    if obj is None:
        return None
    if isinstance(obj, Organization):
        return obj
    if isinstance(obj, Case):
        return obj.organization
    if isinstance(obj, Fact | Proceeding | CaseShare):
        return organization_holding(obj.case)
    if isinstance(obj, ProceedingEvent):
        return organization_holding(obj.proceeding)
    if isinstance(obj, Citation):
        return organization_holding(obj.fact or obj.proceeding)
    if isinstance(obj, Alias | ProtectedIdentity):
        return organization_holding(obj.individual)
    if isinstance(obj, Individual) and obj.pk is not None:
        case = obj.cases.select_related("organization").order_by("pk").first()
        return case.organization if case else None
    if isinstance(obj, Membership):
        return obj.organization
    return None
