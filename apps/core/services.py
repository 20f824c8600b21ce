"""Writes shared by every app: create a record, or change the fields a caller may change.

Both validate the whole record with the model's own rules (``full_clean``: field rules,
``clean()``, constraints), so a write is held to the same rules whether it comes from the
admin, the API or a command. Partial dates are written by their one name (``date``,
``filed``), as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from apps.core.partial_dates import PartialDateDescriptor, parse_partial_date

Record = TypeVar("Record", bound=models.Model)

PARTIAL_DATE_COLUMNS = ("start", "end", "precision", "approximate")


def _columns(model: type[models.Model], name: str) -> list[str]:
    """The stored columns behind ``name``: itself, or a partial date's four columns."""
    if isinstance(getattr(model, name, None), PartialDateDescriptor):
        return [f"{name}_{part}" for part in PARTIAL_DATE_COLUMNS]
    field = model._meta.get_field(name)
    return [field.attname]


def _is_many_to_many(model: type[models.Model], name: str) -> bool:
    if isinstance(getattr(model, name, None), PartialDateDescriptor):
        return False
    field = model._meta.get_field(name)
    return field.many_to_many and not field.auto_created


def _same(model: type[models.Model], name: str, old, new, *, many: bool) -> bool:
    if many:
        return {item.pk for item in old.all()} == {item.pk for item in new}
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    if isinstance(getattr(model, name, None), PartialDateDescriptor):
        return old == new
    # Compared as the database would store them: ["RU"] and [Country("RU")] are one value.
    field = model._meta.get_field(name)
    return field.get_prep_value(old) == field.get_prep_value(new)


@transaction.atomic
def record_create(*, model: type[Record], data: Mapping[str, Any], public_id=None) -> Record:
    """Create a ``model`` record from ``data`` (fields, partial dates and many-to-many sets).

    ``public_id`` keeps a known identifier (fixtures, imports); otherwise a random one.
    """
    record = model()
    many = {}
    for name, value in data.items():
        if _is_many_to_many(model, name):
            many[name] = list(value or ())
        else:
            setattr(record, name, value)
    if public_id:
        record.public_id = public_id
    record.full_clean()
    record.save()
    for name, values in many.items():
        getattr(record, name).set(values)
    return record


@transaction.atomic
def record_update(
    *, record: Record, fields: Iterable[str], data: Mapping[str, Any]
) -> tuple[Record, bool]:
    """Apply the changes in ``data`` that ``fields`` allows; save only what changed.

    ``fields`` is the whitelist of what the caller may change (plain fields, partial dates,
    many-to-many sets); a name outside it is refused, naming it. Values equal to the stored
    ones are no change. Only the changed columns are written (``update_fields``), so two
    people changing different fields of one record at the same moment both keep their change.
    Returns the record and whether anything changed.
    """
    allowed = set(fields)
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationError({name: "This field cannot be changed here." for name in refused})
    model = type(record)
    columns: list[str] = []
    many: dict[str, list] = {}
    for name, value in data.items():
        is_many = _is_many_to_many(model, name)
        if is_many:
            value = list(value or ())
        elif isinstance(getattr(model, name, None), PartialDateDescriptor):
            value = parse_partial_date(value)  # "spring 2013" and its PartialDate are one value
        if _same(model, name, getattr(record, name), value, many=is_many):
            continue
        if is_many:
            many[name] = value
        else:
            setattr(record, name, value)
            columns += _columns(model, name)
    if not columns and not many:
        return record, False
    record.full_clean()
    if columns:
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            columns.append("updated_at")
        record.save(update_fields=columns)
    elif many and any(field.name == "updated_at" for field in model._meta.concrete_fields):
        # A changed set is a change of the record: its history and its version say so.
        record.save(update_fields=["updated_at"])
    prefetched = getattr(record, "_prefetched_objects_cache", {})
    for name, values in many.items():
        getattr(record, name).set(values)
        # A serializer reading the record next must see the new set, not the prefetched one.
        prefetched.pop(name, None)
    return record, True


def record_touch(*, record: models.Model) -> None:
    """Note that a record's page changed though none of its own fields did (a row under it).

    Saves ``updated_at`` only, so that the record's history has a version saying what changed.
    """
    if any(field.name == "updated_at" for field in record._meta.concrete_fields):
        record.save(update_fields=["updated_at"])
