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
from django.db.models import F

from apps.core.partial_dates import PartialDateDescriptor, parse_partial_date

Record = TypeVar("Record", bound=models.Model)

PARTIAL_DATE_COLUMNS = ("start", "end", "precision", "approximate")


class StaleVersion(Exception):
    """The record was changed since the version the caller saw: nothing was written.

    ``current`` is the version stored now (None when the record is gone).
    """

    def __init__(self, record: models.Model, *, expected: int, current: int | None):
        super().__init__(f"{record} is at version {current}, not {expected}.")
        self.record, self.expected, self.current = record, expected, current


def _is_versioned(record: models.Model) -> bool:
    return any(field.name == "version" for field in record._meta.concrete_fields)


def _stored_version(record: models.Model) -> int | None:
    return type(record)._base_manager.filter(pk=record.pk).values_list("version", flat=True).first()


def version_bump(*, record: models.Model, expected: int | None = None) -> None:
    """Increment ``record``'s row version in the database and note the new one on ``record``.

    The increment is SQL (``UPDATE … SET version = version + 1``), so concurrent writes never
    lose a count. With ``expected`` it is a compare-and-set (``… WHERE version = expected``):
    if another write came first, nothing is written and :class:`StaleVersion` is raised. Call
    it inside the write's transaction, before the write: on PostgreSQL the row stays locked
    until the transaction ends, so no one can change it between the check and the write.
    Records without a version column are left alone.
    """
    if not _is_versioned(record) or record.pk is None:
        return
    rows = type(record)._base_manager.filter(pk=record.pk)
    if expected is not None:
        if not rows.filter(version=expected).update(version=F("version") + 1):
            raise StaleVersion(record, expected=expected, current=_stored_version(record))
        record.version = expected + 1
        return
    rows.update(version=F("version") + 1)
    record.version = _stored_version(record)


def version_hold(*, record: models.Model, expected: int) -> None:
    """Check that ``record`` is still at version ``expected`` and hold it there for this transaction.

    A compare-and-set that writes nothing new (``UPDATE … SET version = version WHERE version =
    expected``): it raises :class:`StaleVersion` if the record moved on, and otherwise keeps
    the row locked (PostgreSQL; SQLite has one writer at a time) until the caller's transaction
    ends, so the writes that follow are made on the version the caller saw. Two clients holding
    the same version cannot both pass: the second waits, then finds the version moved on.
    Must run inside ``transaction.atomic``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("version_hold() outside a transaction would hold nothing.")
    rows = type(record)._base_manager.filter(pk=record.pk, version=expected)
    if not rows.update(version=F("version")):
        raise StaleVersion(record, expected=expected, current=_stored_version(record))
    record.version = expected


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
    if _is_versioned(record):
        record.version = 1  # a new record starts at version 1, whatever the caller set
    record.full_clean()
    record.save()
    for name, values in many.items():
        getattr(record, name).set(values)
    return record


def record_update(
    *, record: Record, fields: Iterable[str], data: Mapping[str, Any]
) -> tuple[Record, bool]:
    """Apply the changes in ``data`` that ``fields`` allows; save only what changed.

    Returns the record and whether anything changed (:func:`record_update_changes` says which
    fields did).
    """
    record, changed = record_update_changes(record=record, fields=fields, data=data)
    return record, bool(changed)


@transaction.atomic
def record_update_changes(
    *, record: Record, fields: Iterable[str], data: Mapping[str, Any]
) -> tuple[Record, list[str]]:
    """Apply the changes in ``data`` that ``fields`` allows; save only what changed.

    ``fields`` is the whitelist of what the caller may change (plain fields, partial dates,
    many-to-many sets); a name outside it is refused, naming it. Values equal to the stored
    ones are no change. Only the changed columns are written (``update_fields``), so two
    people changing different fields of one record at the same moment both keep their change.
    Every write increments the record's version (:func:`version_bump`).
    Returns the record and the names of the fields that changed (in ``data``'s order), which
    the services announce to listeners (a webhook names them, never their values).
    """
    allowed = set(fields)
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationError({name: "This field cannot be changed here." for name in refused})
    model = type(record)
    columns: list[str] = []
    many: dict[str, list] = {}
    names: list[str] = []
    for name, value in data.items():
        is_many = _is_many_to_many(model, name)
        if is_many:
            value = list(value or ())
        elif isinstance(getattr(model, name, None), PartialDateDescriptor):
            value = parse_partial_date(value)  # "spring 2013" and its PartialDate are one value
        if _same(model, name, getattr(record, name), value, many=is_many):
            continue
        names.append(name)
        if is_many:
            many[name] = value
        else:
            setattr(record, name, value)
            columns += _columns(model, name)
    if not columns and not many:
        return record, []
    record.full_clean()
    version_bump(record=record)
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
    return record, names


def record_touch(*, record: models.Model) -> None:
    """Note that a record's page changed though none of its own fields did (a row under it).

    Saves ``updated_at`` only, so that the record's history has a version saying what changed,
    and increments the record's row version: what a client sees of the record changed.
    """
    with transaction.atomic():
        version_bump(record=record)
        if any(field.name == "updated_at" for field in record._meta.concrete_fields):
            record.save(update_fields=["updated_at"])
