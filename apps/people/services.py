"""Writes on people and organizations."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.core import audit
from apps.core.audit import SensitiveAction
from apps.core.scoping import check_can_write
from apps.core.services import record_update
from apps.people.models import Alias, Individual, Organization, ProtectedIdentity

PROTECTED_IDENTITY_FIELDS = ("legal_name", "date_of_birth", "phone", "email", "address")


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


def organization_update(*, organization: Organization, **changes) -> Organization:
    """Change an organization (never into its own ancestor)."""
    return record_update(record=organization, changes=changes)


@transaction.atomic
def individual_update(*, individual: Individual, aliases: Iterable[dict] | None = None,
                      **changes) -> Individual:
    """Change an individual; ``aliases``, when given, replaces the list of aliases.

    Aliases named again keep their identity (and history); the others are removed.
    """
    record_update(record=individual, changes=changes)
    if aliases is not None:
        aliases = list(aliases)
        individual.aliases.exclude(name__in=[alias["name"] for alias in aliases]).delete()
        existing = {alias.name: alias for alias in individual.aliases.all()}
        for alias in aliases:
            if alias["name"] in existing:
                record_update(record=existing[alias["name"]], changes=alias)
            else:
                alias_add(individual=individual, **alias)
        getattr(individual, "_prefetched_objects_cache", {}).pop("aliases", None)
    return individual


def protected_identity_set(*, individual: Individual, **fields) -> ProtectedIdentity:
    """Create or change the identifying details of an individual."""
    identity, _created = ProtectedIdentity.objects.get_or_create(individual=individual)
    for name, value in fields.items():
        setattr(identity, name, value)
    identity.full_clean()
    identity.save()
    return identity


@transaction.atomic
def individual_identity_erase(*, individual: Individual, by, reason: str, request=None) -> None:
    """Erase an individual's protected identity on request (the right to erasure).

    The legal name, date of birth and contact details are blanked; the individual stays under
    their pseudonym, so the cases, facts and proceedings that mention them stay coherent. The
    erasure itself is written to the access log (who, when, why — never the erased values).
    ``by`` must be allowed to change this individual's protected identity.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say why the identity is erased (e.g. the person's request)."})
    if not by.has_perm("people.change_protectedidentity"):
        raise PermissionDenied("Erasing a protected identity needs the permission to change it.")
    check_can_write(by, individual)
    identity = ProtectedIdentity.objects.filter(individual=individual).first()
    erased = []
    if identity is not None:
        erased = [name for name in PROTECTED_IDENTITY_FIELDS if getattr(identity, name) not in ("", None)]
        # The change history of a protected identity never holds the values (see the model),
        # so blanking the current row erases them from the database.
        for name in PROTECTED_IDENTITY_FIELDS:
            setattr(identity, name, None if name == "date_of_birth" else "")
        identity._change_reason = "Erased on request (see the access log)."
        identity.save()
    audit.record(
        user=by,
        action=SensitiveAction.ERASE_PROTECTED,
        obj=individual,
        detail={"reason": reason.strip()[:500], "fields": erased},
        request=request,
    )
