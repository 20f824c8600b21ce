"""Subject access: everything held about one person, as one JSON document.

A person (or their lawyer, or a regulator) may ask what an organization holds about them. The
answer is one document, ``casetracker.subject-access/1`` (docs/api.md, "Subject access"): the
person, their aliases, their protected identity only if the user may see it, the change history
of the person and their aliases, then one section per kind of record that names them, each
contributed by the app that owns those records — cases, proceedings, facts, citations, access
log entries — since this app sits below all of them (the mention finders work the same way).
JSON rather than a ZIP: it is text a reader can open, search and print, and holds no file that
needs a bundle.

Only users with ``people.export_individual`` may make one (the "subject access" role
permission, docs/permissions.md), only of a person they may see, and every one is written to
the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.api.fields import partial_date_json
from apps.core.history import record_history
from apps.core.scoping import visible
from apps.people.models import Individual, ProtectedIdentity
from apps.people.selectors import PROTECTED_IDENTITY_FIELDS, can_view_protected_identity

SCHEMA = "casetracker.subject-access/1"
PERMISSION = "people.export_individual"

# name -> (individual, user) -> list of JSON objects; filled by the apps above (ready()).
_SECTIONS: dict[str, Callable[..., list[dict[str, Any]]]] = {}


def section_register(name: str, build: Callable[..., list[dict[str, Any]]]) -> None:
    """Add a section to every subject access document: ``build(individual=…, user=…)`` returns
    the records of that kind that name the person and that ``user`` may see."""
    if name in _SECTIONS:
        raise LookupError(f"The subject access section {name!r} is already registered.")
    _SECTIONS[name] = build


def can_export_subject_access(*, user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def _identity(*, individual: Individual, user) -> dict | None:
    if not can_view_protected_identity(user=user):
        return None
    identity = visible(ProtectedIdentity, user).filter(individual=individual).first()
    if identity is None:
        return None
    values = {name: getattr(identity, name) for name in PROTECTED_IDENTITY_FIELDS}
    if values["date_of_birth"]:
        values["date_of_birth"] = values["date_of_birth"].isoformat()
    return {**values, "updated_at": identity.updated_at.isoformat(), "version": identity.version}


def subject_access_content(*, individual: Individual, user) -> dict[str, Any]:
    """The document (a JSON object) of what ``user`` may see about ``individual``."""
    aliases = list(individual.aliases.order_by("name"))
    history = [
        {"record": "individual", "id": str(individual.public_id), "versions": record_history(obj=individual)}
    ]
    history += [
        {"record": "alias", "id": str(alias.public_id), "versions": record_history(obj=alias)}
        for alias in aliases
    ]
    content: dict[str, Any] = {
        "schema": SCHEMA,
        "generated_at": timezone.now().isoformat(),
        "generated_by": user.get_username(),
        "individual": {
            "id": str(individual.public_id),
            "pseudonym": individual.pseudonym,
            "nationality": str(individual.nationality or ""),
            "born": partial_date_json(individual.born),
            "status": individual.status,
            "summary": individual.summary,
            "created_at": individual.created_at.isoformat(),
            "updated_at": individual.updated_at.isoformat(),
            "version": individual.version,
        },
        "aliases": [
            {
                "id": str(alias.public_id),
                "name": alias.name,
                "script": alias.script,
                "transliteration": alias.transliteration,
                "note": alias.note,
            }
            for alias in aliases
        ],
        "protected_identity": _identity(individual=individual, user=user),
        "history": history,
    }
    for name, build in _SECTIONS.items():
        content[name] = build(individual=individual, user=user)
    return content


def subject_access_export(
    *, individual: Individual, user: AbstractBaseUser, channel: str, request=None
) -> dict[str, Any]:
    """Everything held about ``individual`` that ``user`` may see, written to the access log.

    Refused (PermissionDenied) without ``people.export_individual`` or when the person is not
    visible to ``user``. The log entry names the person, the channel (``api``, ``admin``),
    whether the protected identity was included and how many records each section held.
    """
    if not can_export_subject_access(user=user):
        raise PermissionDenied(_("A subject access export needs the people.export_individual permission."))
    if not visible(Individual, user).filter(pk=individual.pk).exists():
        raise PermissionDenied(_("You may not see this person."))
    content = subject_access_content(individual=individual, user=user)
    audit.record(
        user=user,
        action=audit.SensitiveAction.EXPORT,
        obj=individual,
        detail={
            "export": "subject_access",
            "channel": channel,
            "protected_identity": content["protected_identity"] is not None,
            "sections": {name: len(content[name]) for name in ("aliases", "history", *_SECTIONS)},
        },
        request=request,
    )
    return content


def subject_access_filename(*, individual: Individual) -> str:
    # The public id, never the pseudonym: a file name travels further than its content.
    return f"subject-access-{individual.public_id}-{timezone.now():%Y%m%d}.json"
