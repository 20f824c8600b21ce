"""Writes on people and organizations."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from apps.people.models import Alias, Individual, Organization, ProtectedIdentity


def organization_create(*, name: str, kind: str, country: str = "", short_name: str = "",
                        parent: Organization | None = None, website: str = "", notes: str = "",
                        public_id=None) -> Organization:
    """Record an authority, court, NGO, news outlet or international body."""
    organization = Organization(
        name=name, kind=kind, country=country, short_name=short_name, parent=parent,
        website=website, notes=notes,
    )
    if public_id:
        organization.public_id = public_id
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def individual_create(
    *,
    pseudonym: str,
    nationality: str = "",
    born=None,
    status: str = Individual.Status.UNKNOWN,
    summary: str = "",
    aliases: Iterable[dict] = (),
    public_id=None,
) -> Individual:
    """Record a person under a pseudonym, with their aliases (dicts of Alias fields)."""
    individual = Individual(pseudonym=pseudonym, nationality=nationality, status=status, summary=summary)
    individual.born = born
    if public_id:
        individual.public_id = public_id
    individual.full_clean()
    individual.save()
    for alias in aliases:
        alias_add(individual=individual, **alias)
    return individual


def alias_add(*, individual: Individual, name: str, script: str = Alias.Script.LATIN,
              transliteration: str = "", note: str = "", public_id=None) -> Alias:
    """Add another name of an individual, in any script."""
    alias = Alias(individual=individual, name=name, script=script,
                  transliteration=transliteration, note=note)
    if public_id:
        alias.public_id = public_id
    alias.full_clean()
    alias.save()
    return alias


def protected_identity_set(*, individual: Individual, **fields) -> ProtectedIdentity:
    """Create or change the identifying details of an individual."""
    identity, _created = ProtectedIdentity.objects.get_or_create(individual=individual)
    for name, value in fields.items():
        setattr(identity, name, value)
    identity.full_clean()
    identity.save()
    return identity
