"""Writes on people and organizations."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.audit import SensitiveAction
from apps.core.scoping import check_can_write, visible
from apps.core.services import record_create, record_touch, record_update, version_bump
from apps.people.models import Alias, Individual, Organization, ProtectedIdentity

PROTECTED_IDENTITY_FIELDS = ("legal_name", "date_of_birth", "phone", "email", "address")


def organization_create(*, name: str, kind: str, country: str = "", short_name: str = "",
                        parent: Organization | None = None, website: str = "", notes: str = "",
                        public_id=None) -> Organization:
    """Record an authority, court, NGO, news outlet or international body."""
    return record_create(
        model=Organization,
        data={"name": name, "kind": kind, "country": country, "short_name": short_name, "parent": parent,
              "website": website, "notes": notes},
        public_id=public_id,
    )


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
    individual = record_create(
        model=Individual,
        data={"pseudonym": pseudonym, "nationality": nationality, "born": born, "status": status,
              "summary": summary},
        public_id=public_id,
    )
    for alias in aliases:
        alias_add(individual=individual, **alias)
    return individual


def alias_add(*, individual: Individual, name: str, script: str = Alias.Script.LATIN,
              transliteration: str = "", note: str = "", public_id=None) -> Alias:
    """Add another name of an individual, in any script."""
    return record_create(
        model=Alias,
        data={"individual": individual, "name": name, "script": script, "transliteration": transliteration,
              "note": note},
        public_id=public_id,
    )


ORGANIZATION_CHANGEABLE = ("name", "kind", "country", "short_name", "parent", "website", "notes")
INDIVIDUAL_CHANGEABLE = ("pseudonym", "nationality", "born", "status", "summary")
ALIAS_CHANGEABLE = ("name", "script", "transliteration", "note")


def organization_update(*, organization: Organization, **changes) -> tuple[Organization, bool]:
    """Change an organization (never into its own ancestor); returns it and whether it changed."""
    return record_update(record=organization, fields=ORGANIZATION_CHANGEABLE, data=changes)


@transaction.atomic
def individual_update(*, individual: Individual, aliases: Iterable[dict] | None = None,
                      **changes) -> tuple[Individual, bool]:
    """Change an individual; ``aliases``, when given, replaces the list of aliases.

    Aliases named again keep their identity (and history); the others are removed. Returns
    the individual and whether anything changed.
    """
    individual, changed = record_update(record=individual, fields=INDIVIDUAL_CHANGEABLE, data=changes)
    own_changed = changed
    if aliases is not None:
        aliases = list(aliases)
        removed, _by_model = individual.aliases.exclude(name__in=[alias["name"] for alias in aliases]).delete()
        changed = changed or bool(removed)
        existing = {alias.name: alias for alias in individual.aliases.all()}
        for alias in aliases:
            if alias["name"] in existing:
                _alias, alias_changed = alias_update(alias=existing[alias["name"]], **alias)
                changed = changed or alias_changed
            else:
                alias_add(individual=individual, **alias)
                changed = True
        getattr(individual, "_prefetched_objects_cache", {}).pop("aliases", None)
    if changed and not own_changed:
        record_touch(record=individual)  # its aliases are part of it: a new version of it
    return individual, changed


def alias_update(*, alias: Alias, **changes) -> tuple[Alias, bool]:
    """Change another name of an individual (it stays theirs)."""
    if "individual" in changes and changes.pop("individual").pk != alias.individual_id:
        raise ValidationError({"individual": _("An alias cannot move to another person.")})
    return record_update(record=alias, fields=ALIAS_CHANGEABLE, data=changes)


def alias_remove(*, alias: Alias) -> None:
    """Remove another name of an individual."""
    alias.delete()


@transaction.atomic
def individual_delete(*, individual: Individual) -> None:
    """Delete a person who is in no case: a case needs at least one subject."""
    references = list(individual.cases.values_list("reference", flat=True))
    if references:
        raise ValidationError(
            _("%(individual)s is a subject of case(s) %(references)s; remove them from the case(s) first.") % {"individual": individual, "references": ', '.join(references)},
            code="protected",
        )
    individual.delete()


@transaction.atomic
def protected_identity_set(*, individual: Individual, **fields) -> ProtectedIdentity:
    """Create or change the identifying details of an individual.

    A change is a new version of the identity and of the individual too (its row version,
    hence its ETag): the individual's record, as those allowed to see it read it, shows these
    fields.
    """
    identity, created = ProtectedIdentity.objects.get_or_create(individual=individual)
    changed = [name for name, value in fields.items() if getattr(identity, name) != value]
    for name, value in fields.items():
        setattr(identity, name, value)
    identity.full_clean()
    if not created and changed:
        version_bump(record=identity)
    identity.save()
    if created or changed:
        # The individual's version only: its updated_at and history stay, so nothing public
        # (a public dossier, its bundle's dates) tells that hidden details changed.
        version_bump(record=individual)
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
        raise ValidationError({"reason": _("Say why the identity is erased (e.g. the person's request).")})
    if not by.has_perm("people.change_protectedidentity"):
        raise PermissionDenied(_("Erasing a protected identity needs the permission to change it."))
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
        version_bump(record=identity)
        identity.save()
        version_bump(record=individual)
    audit.record(
        user=by,
        action=SensitiveAction.ERASE_PROTECTED,
        obj=individual,
        detail={"reason": reason.strip()[:500], "fields": erased},
        request=request,
    )


@transaction.atomic
def protected_identity_export(*, by, reason: str, individuals: Iterable[str] | None = None) -> list[dict]:
    """The protected identities ``by`` may see, in clear, for a lawful need — each one logged.

    Backups and ``dumpdata`` carry identities as ciphertext only; this is the one way to take
    them out in clear, and it is never silent: ``reason`` is required, ``by`` must hold the
    permission to view protected identities (and sees only the identities scoping lets them
    read), and every identity exported is an access-log entry naming who, when and why —
    never the values. ``individuals`` limits the export to those public IDs.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the identities are exported in clear (the lawful need)."})
    if not by.has_perm("people.view_protectedidentity"):
        raise PermissionDenied("Exporting protected identities needs the permission to view them.")
    identities = visible(ProtectedIdentity, by).select_related("individual").order_by("individual__public_id")
    if individuals is not None:
        wanted = list(individuals)
        identities = identities.filter(individual__public_id__in=wanted)
    rows = []
    for identity in identities:
        person = identity.individual
        rows.append(
            {
                "individual": str(person.public_id),
                "pseudonym": person.pseudonym,
                **{
                    name: (value.isoformat() if hasattr(value, "isoformat") else value or "")
                    for name in PROTECTED_IDENTITY_FIELDS
                    for value in [getattr(identity, name)]
                },
            }
        )
        audit.record(
            user=by,
            action=SensitiveAction.EXPORT,
            obj=person,
            detail={"reason": reason[:500], "export": "identity_export", "fields": list(PROTECTED_IDENTITY_FIELDS)},
        )
    return rows
