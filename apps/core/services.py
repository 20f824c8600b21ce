"""Writes shared by every app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction


@transaction.atomic
def record_update(
    *,
    record: models.Model,
    changes: Mapping[str, Any],
    m2m: Mapping[str, Iterable[models.Model] | None] | None = None,
) -> models.Model:
    """Apply field changes to a record, validate it whole and save it, all or nothing.

    Validation is the model's own (``full_clean``: field rules, ``clean()``, constraints), so
    a change is held to the same rules whether it comes from the admin, the API or a command.
    Each given many-to-many set (``None`` = leave as is) is replaced after the save.
    """
    for name, value in changes.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    prefetched = getattr(record, "_prefetched_objects_cache", {})
    for name, values in (m2m or {}).items():
        if values is not None:
            getattr(record, name).set(list(values))
            # A serializer reading the record next must see the new set, not the prefetched one.
            prefetched.pop(name, None)
    return record
