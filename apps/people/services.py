"""Writes on people and organizations."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.audit import SensitiveAction
from apps.core.scoping import check_can_write, visible
from apps.core.services import record_create, record_touch, record_update, version_bump
from apps.people.blind_index import name_keys_refresh
from apps.people.duplicates import find_candidates
from apps.people.matching import script_of
from apps.people.models import Alias, DuplicateCandidate, Individual, Organization, ProtectedIdentity

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
    name_keys_refresh(individual=individual)
    return individual


def alias_add(*, individual: Individual, name: str, script: str = Alias.Script.LATIN,
              transliteration: str = "", note: str = "", public_id=None) -> Alias:
    """Add another name of an individual, in any script."""
    alias = record_create(
        model=Alias,
        data={"individual": individual, "name": name, "script": script, "transliteration": transliteration,
              "note": note},
        public_id=public_id,
    )
    name_keys_refresh(individual=individual)
    return alias


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
    if changed:
        name_keys_refresh(individual=individual)
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
    if aliases is not None and changed:
        name_keys_refresh(individual=individual)  # removed aliases take their keys with them
    return individual, changed


def alias_update(*, alias: Alias, **changes) -> tuple[Alias, bool]:
    """Change another name of an individual (it stays theirs)."""
    if "individual" in changes and changes.pop("individual").pk != alias.individual_id:
        raise ValidationError({"individual": _("An alias cannot move to another person.")})
    alias, changed = record_update(record=alias, fields=ALIAS_CHANGEABLE, data=changes)
    if changed:
        name_keys_refresh(individual=alias.individual)
    return alias, changed


@transaction.atomic
def alias_remove(*, alias: Alias) -> None:
    """Remove another name of an individual."""
    individual = alias.individual
    alias.delete()
    name_keys_refresh(individual=individual)


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
    if "legal_name" in changed or created:
        name_keys_refresh(individual=individual)
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
        name_keys_refresh(individual=individual)  # the erased name's keys go with it
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


# ── Duplicates and merging ──────────────────────────────────────────────────────────────

@transaction.atomic
def duplicates_refresh(*, individual: Individual) -> list[DuplicateCandidate]:
    """Store the pairs ``individual`` forms with everyone who may be the same person, for the review list.

    Computed over every record and every legal name (the list filters what each reviewer may
    see, by ``via_protected``); pairs already decided keep their decision. The importer calls
    this for each person it creates or changes, as the admin does after a save.
    """
    found = find_candidates(individual=individual, pool=Individual.objects.all(), own_legal=True, legal_pool=None)
    DuplicateCandidate.objects.filter(Q(first=individual) | Q(second=individual), status=DuplicateCandidate.Status.OPEN).exclude(
        Q(first__in=[c.individual.pk for c in found]) | Q(second__in=[c.individual.pk for c in found])
    ).delete()
    pairs = []
    for candidate in found:
        first, second = sorted([individual, candidate.individual], key=lambda person: person.pk)
        pair, created = DuplicateCandidate.objects.get_or_create(
            first=first,
            second=second,
            defaults={"score": candidate.score, "reasons": candidate.reasons, "via_protected": candidate.via_protected},
        )
        if not created and pair.status == DuplicateCandidate.Status.OPEN:
            pair.score, pair.reasons, pair.via_protected = candidate.score, candidate.reasons, candidate.via_protected
            pair.save(update_fields=["score", "reasons", "via_protected", "updated_at"])
        pairs.append(pair)
    return pairs


def duplicate_dismiss(*, pair: DuplicateCandidate, by) -> DuplicateCandidate:
    """Record that the two records of ``pair`` are not the same person: they are not offered again."""
    check_can_write(by, pair.first)
    check_can_write(by, pair.second)
    pair.status, pair.decided_by, pair.decided_at = DuplicateCandidate.Status.DISMISSED, by, timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return pair


# Steps other apps add to a merge (cases move case subjects, proceedings their subject): people
# knows no case, so the apps that hold links to a person register how to move them, from their
# AppConfig.ready, with an order (a proceeding's subject must be a subject of its case first).
MergeStep = Callable[..., None]
_MERGE_STEPS: list[tuple[int, MergeStep]] = []


def merge_step_register(step: MergeStep, *, order: int) -> None:
    """Run ``step(merged=…, survivor=…, by=…)`` in every merge, in ``order``, inside its transaction."""
    _MERGE_STEPS.append((order, step))
    _MERGE_STEPS.sort(key=lambda item: item[0])


@transaction.atomic
def individual_merge(*, survivor: Individual, merged: Individual, by, request=None) -> Individual:
    """Merge ``merged`` into ``survivor``: the same person, recorded twice.

    Everything that points at ``merged`` moves to ``survivor`` — aliases (its pseudonym too,
    as an alias), case links, proceedings' subjects — and ``merged`` stays as a redirect
    (``merged_into``), hidden from lists. Both records get a history entry (nothing earlier
    is rewritten) and the merge goes to the access log. Refused: a record into itself, a
    record already merged (no chains: redirects point at a live record), and without the
    merge permission or the right to write both records and every case they are in. Records
    merged earlier into ``merged`` are pointed at ``survivor``, so a redirect is one hop.
    """
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": _("A record cannot be merged into itself.")})
    if not by.has_perm("people.merge_individual"):
        raise PermissionDenied(_("Merging individuals needs the permission to merge them."))
    # Both rows locked, in id order, so two merges of the same records cannot cross.
    locked = {person.pk: person for person in Individual.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    for person in (survivor, merged):
        if person.merged_into_id is not None:
            raise ValidationError(
                {"merged": _("%(individual)s was already merged into another record.") % {"individual": person}},
                code="merged",
            )
    check_can_write(by, survivor)
    check_can_write(by, merged)

    existing = set(survivor.aliases.values_list("name", flat=True))
    for alias in Alias.objects.select_for_update().filter(individual=merged).order_by("pk"):
        if alias.name in existing or alias.name == survivor.pseudonym:
            alias.delete()  # the survivor already has this name
            continue
        alias.individual = survivor
        alias._change_reason = f"Moved from {merged.public_id} (merge)"
        version_bump(record=alias)
        alias.save(update_fields=["individual", "updated_at"])
        existing.add(alias.name)
    if merged.pseudonym not in existing and merged.pseudonym != survivor.pseudonym:
        alias_add(individual=survivor, name=merged.pseudonym, script=script_of(merged.pseudonym),
                  note=_("Pseudonym of a merged record"))
    if not ProtectedIdentity.objects.filter(individual=survivor).exists():
        identity = ProtectedIdentity.objects.filter(individual=merged).first()
        if identity is not None:
            protected_identity_set(individual=survivor, **{name: getattr(identity, name) for name in PROTECTED_IDENTITY_FIELDS})
            identity.delete()  # moved, not copied: one person's identity is held once
    for _order, step in _MERGE_STEPS:
        step(merged=merged, survivor=survivor, by=by)

    Individual.objects.filter(merged_into=merged).update(merged_into=survivor)
    merged.merged_into = survivor
    merged._change_reason = f"Merged into {survivor.public_id}"
    version_bump(record=merged)
    merged.save(update_fields=["merged_into", "updated_at"])
    survivor._change_reason = f"{merged.public_id} merged into this record"
    record_touch(record=survivor)

    DuplicateCandidate.objects.filter(
        Q(first=merged, second=survivor) | Q(first=survivor, second=merged)
    ).update(status=DuplicateCandidate.Status.MERGED, decided_by=by, decided_at=timezone.now())
    DuplicateCandidate.objects.filter(Q(first=merged) | Q(second=merged)).exclude(
        status=DuplicateCandidate.Status.MERGED
    ).delete()
    name_keys_refresh(individual=merged)
    name_keys_refresh(individual=survivor)
    duplicates_refresh(individual=survivor)
    audit.record(
        user=by,
        action=SensitiveAction.MERGE,
        obj=survivor,
        detail={"merged": str(merged.public_id), "survivor": str(survivor.public_id)},
        request=request,
    )
    return survivor
