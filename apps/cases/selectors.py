"""Reads of cases and facts, scoped to what ``user`` may see (apps.core.scoping).

The case file's reads — a case with its proceedings, its timeline — span other apps and live
in apps.workspace.selectors.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.cases.models import Case, Fact
from apps.cases.scoping import visible_case_ids
from apps.core import scoping
from apps.core.prepared import PreparedRead
from apps.core.scoping import scoped
from apps.people.models import Individual
from apps.people.selectors import name_matches
from apps.sources.models import Citation


def case_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases with what a list row shows: subjects, organization, caseworkers."""
    return scoped(
        Case.objects.select_related("organization").prefetch_related(
            Prefetch("subjects", queryset=Individual.objects.only("id", "public_id", "pseudonym")),
            caseworkers(),
        ),
        user,
    )


def caseworkers(*, names: bool = False) -> Prefetch:
    """A case's caseworkers as a case shows them: their usernames in order (no password hashes
    loaded); with ``names``, their first and last names too (the case file's header)."""
    User = get_user_model()
    columns = ["id", User.USERNAME_FIELD, *(["first_name", "last_name"] if names else [])]
    return Prefetch("caseworkers", queryset=User.objects.only(*columns).order_by(User.USERNAME_FIELD))


def case_lookup(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases ``user`` may see, bare: for reads that need the case itself and nothing it holds
    (the timeline loads its own rows)."""
    return scoped(Case.objects.all(), user)


# What a case's own row says in the API (the list and the detail), with its version for the ETag.
CASE_COLUMNS = (
    "pk",
    "version",
    "public_id",
    "reference",
    "title",
    "organization__public_id",
    "status",
    "closed_reason",
    "priority",
    "opened_on",
    "closed_on",
    "summary",
    "created_at",
    "updated_at",
)


def _any_case(reference: str) -> QuerySet:
    return Case.objects.filter(reference=reference).values(*CASE_COLUMNS)


def _case_in_scope(reference: str, user_id: int, today: dt.date) -> QuerySet:
    # The cases' scoping rule (apps.cases.scoping), for the user whose id is given.
    user = get_user_model()(pk=user_id, is_active=True)
    return Case.objects.filter(pk__in=visible_case_ids(user, today=today), reference=reference).values(
        *CASE_COLUMNS
    )


# Compiled once per process (apps.core.prepared): looking a case up within a caseworker's
# scope compiles a UNION of their organizations' cases and shares, 1.5 ms of Python a time.
_ANY_CASE = PreparedRead(_any_case, reference=str)
_CASE_IN_SCOPE = PreparedRead(_case_in_scope, reference=str, user_id=int, today=dt.date)


def visible_case_row(*, user: AbstractBaseUser | AnonymousUser, reference: str) -> dict | None:
    """The case ``reference`` as a row of :data:`CASE_COLUMNS`, or None if ``user`` may not see
    it: the same rule as ``case_lookup(user=user).filter(reference=reference)``. One query."""
    if not scoping.is_active(user) or "\x00" in reference:
        # No reference holds a NUL (PostgreSQL refuses one even as a parameter): no such case.
        return None
    if scoping.sees_everything(user):
        rows = _ANY_CASE.rows(reference=reference)
    else:
        rows = _CASE_IN_SCOPE.rows(reference=reference, user_id=user.pk, today=timezone.localdate())
    return rows[0] if rows else None


def case_search(*, queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases whose reference or title, or a subject's pseudonym or alias (any script), contains ``text``."""
    text = text.strip()
    if not text:
        return queryset
    subject_match = Individual.objects.filter(cases=OuterRef("pk")).filter(name_matches(text=text))
    return queryset.filter(Q(reference__icontains=text) | Q(title__icontains=text) | Q(Exists(subject_match)))


def fact_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Fact]:
    """Facts with their case, citations (and their articles) and contradicting facts."""
    return scoped(facts_with_sources(), user)


def facts_with_sources() -> QuerySet[Fact]:
    """Facts with their case, their citations (with articles) and the facts contradicting them."""
    return Fact.objects.select_related("case").prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("article__outlet", "document")),
        Prefetch("contradicts", queryset=Fact.objects.only("id", "public_id")),
    )
