"""Reads of the change history (django-simple-history) in a form fit for the API.

Each version says when, who, what kind of change, and which fields went from what to what.
Related records are named by their public id, never their internal number, as everywhere
else in the API; users by their username.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.core.models import PublicRecord

# Bookkeeping columns: every version changes them, none of them is news.
SKIPPED = {"id", "updated_at", "created_at"}
TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _tracked_fields(model) -> list[models.Field]:
    history_model = model.history.model
    tracked = {field.name for field in history_model._meta.fields}
    return [field for field in model._meta.concrete_fields if field.name in tracked and field.name not in SKIPPED]


def _plain(field: models.Field | None, value: Any) -> Any:
    """A JSON-friendly value; a related record as its public id (or username)."""
    if value is None:
        return None
    if field is not None and field.is_relation:
        related = field.related_model
        if issubclass(related, PublicRecord):
            return str(related._default_manager.filter(pk=value).values_list("public_id", flat=True).first())
        if hasattr(related, "USERNAME_FIELD"):
            return related._default_manager.filter(pk=value).values_list(related.USERNAME_FIELD, flat=True).first()
        return str(value)
    if isinstance(value, int | float | bool | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _plain_m2m(model, field_name: str, rows) -> list:
    """Members of a many-to-many field in one version, as public ids (or usernames), sorted."""
    field = model._meta.get_field(field_name)
    target = field.related_model
    ids = []
    for row in rows or ():
        # Each row is the through table's columns: the side that is not this model's.
        ids.extend(value for key, value in row.items() if key != model._meta.model_name)
    if issubclass(target, PublicRecord):
        values = target._default_manager.filter(pk__in=ids).values_list("public_id", flat=True)
        return sorted(str(value) for value in values)
    if hasattr(target, "USERNAME_FIELD"):
        return sorted(target._default_manager.filter(pk__in=ids).values_list(target.USERNAME_FIELD, flat=True))
    return sorted(str(value) for value in ids)


def record_history(*, obj: models.Model) -> list[dict[str, Any]]:
    """Every version of ``obj``, newest first, each with the fields it changed.

    The first version lists every tracked field with ``old`` = None. Who may read it is the
    caller's business: check that ``obj`` is visible to the user first (apps.core.scoping).
    """
    model = type(obj)
    fields = {field.name: field for field in _tracked_fields(model)}
    m2m_names = [field.name for field in getattr(model.history.model, "_history_m2m_fields", ())]
    versions = list(
        model.history.filter(**{model._meta.pk.attname: obj.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    entries = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes = []
        if previous is None:
            for name, field in fields.items():
                value = getattr(version, field.attname)
                if value not in (None, ""):
                    changes.append({"field": name, "old": None, "new": _plain(field, value)})
        else:
            delta = version.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in m2m_names:
                    old, new = _plain_m2m(model, change.field, change.old), _plain_m2m(model, change.field, change.new)
                    if old != new:
                        changes.append({"field": change.field, "old": old, "new": new})
                elif change.field in fields:
                    field = fields[change.field]
                    changes.append({"field": change.field, "old": _plain(field, change.old), "new": _plain(field, change.new)})
        user = version.history_user
        entries.append(
            {
                "version": version.history_id,
                "at": version.history_date.isoformat(),
                "type": TYPES.get(version.history_type, version.history_type),
                "user": user.get_username() if user is not None else None,
                "reason": version.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries
