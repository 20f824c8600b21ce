"""Reads of cases and facts, scoped to what ``user`` may see (apps.core.scoping).

The case file's reads — a case with its proceedings, its timeline — span other apps and live
in apps.workspace.selectors.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.cases.models import Case, Fact
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
