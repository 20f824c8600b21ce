"""Reads of people and organizations, scoped to what ``user`` may see."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.core.scoping import scoped, visible
from apps.people.models import Alias, Individual, Organization, ProtectedIdentity

PROTECTED_IDENTITY_FIELDS = ("legal_name", "date_of_birth", "phone", "email", "address")


def can_view_protected_identity(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.has_perm("people.view_protectedidentity")


def can_change_protected_identity(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.has_perm("people.change_protectedidentity")


def organization_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organization]:
    """Authorities, courts, NGOs and outlets (shared reference data: every user sees them)."""
    return scoped(Organization.objects.select_related("parent"), user)


def individual_list(*, user: AbstractBaseUser | AnonymousUser, with_identity: bool = True) -> QuerySet[Individual]:
    """The individuals ``user`` may see, with their aliases.

    The protected identity is joined only for users allowed to read it, so that nothing
    shown to anyone else ever holds it in memory, and only when ``with_identity`` (one person's
    page, never a list).
    """
    queryset = Individual.objects.prefetch_related("aliases")
    if with_identity and can_view_protected_identity(user=user):
        # Only the identities scoping lets this user read: not those of people in no case yet
        # recorded by someone else, nor those of a case merely shared with them (a share
        # shows a case's people by pseudonym unless it says it reveals their identity).
        queryset = queryset.prefetch_related(
            Prefetch("protected_identity", queryset=visible(ProtectedIdentity, user))
        )
    # A merged record is a redirect to its survivor, never listed (merged_survivor finds it).
    return scoped(queryset.filter(merged_into__isnull=True), user)


def merged_survivor(*, user, public_id) -> Individual | None:
    """The record ``public_id`` was merged into, if it was and ``user`` may see that record."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:  # not an id at all: no record was merged under it (a 404, not a 400)
        return None
    merged = Individual.objects.filter(public_id=public_id, merged_into__isnull=False).only("merged_into").first()
    if merged is None:
        return None
    return scoped(Individual.objects.filter(pk=merged.merged_into_id, merged_into__isnull=True), user).first()


def name_matches(*, text: str) -> Q:
    """Individuals whose pseudonym or any alias contains ``text``.

    Aliases are matched with a subquery rather than a join, so a person with several matching
    aliases is not listed several times.
    """
    alias_match = Alias.objects.filter(individual=OuterRef("pk"), name__icontains=text)
    return Q(pseudonym__icontains=text) | Q(Exists(alias_match))


def individual_search(*, queryset: QuerySet[Individual], text: str) -> QuerySet[Individual]:
    """Individuals whose pseudonym or one of whose aliases (in any script) contains ``text``."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(name_matches(text=text))
