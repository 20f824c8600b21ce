"""Plain functions that shape ``.values()`` rows as the API's JSON, for the read paths.

The serializers stay the documented shape (drf-spectacular reads them) and the write path;
a list or a detail that is read far more often than written is answered from rows instead of
model instances and DRF field objects, which were most of its cost (docs/performance.md).
Each app's ``representations.py`` builds one resource from these helpers, and a test compares
its answer with the serializer's for the same records (tests/api/test_representations.py),
so the two cannot drift.

The helpers give exactly what the matching DRF field gives: a UUID as ``str``, a date in ISO
form, a date-time as DRF writes it (in the current time zone, ``Z`` for UTC), a country as its
code, a partial date as :func:`apps.core.api.fields.partial_date_json`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Model
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from apps.core.api.fields import partial_date_json
from apps.core.partial_dates import PartialDate

# DRF's own fields, made once: their to_representation is the cheap part of a serializer.
_DATETIME = serializers.DateTimeField(read_only=True)
_COUNTRY = CountryField(read_only=True)


def uuid_text(value) -> str | None:
    return None if value is None else str(value)


def datetime_text(value) -> str | None:
    return _DATETIME.to_representation(value)


def date_text(value) -> str | None:
    return None if value is None else value.isoformat()


def country_code(value) -> str:
    return _COUNTRY.to_representation(value)


def partial_date(row: Mapping, name: str) -> PartialDate | None:
    """The partial date ``name`` of a ``.values()`` row holding its four columns."""
    start = row[f"{name}_start"]
    if start is None:
        return None
    return PartialDate.from_stored(
        start, row[f"{name}_end"], row[f"{name}_precision"], row[f"{name}_approximate"]
    )


def partial_date_columns(name: str) -> list[str]:
    return [f"{name}_start", f"{name}_end", f"{name}_precision", f"{name}_approximate"]


def partial_date_value(row: Mapping, name: str) -> dict | None:
    return partial_date_json(partial_date(row, name))


def display(model: type[Model], field: str, value) -> str:
    """What ``get_<field>_display()`` says for ``value`` (the choice's label, in the active language)."""
    labels = _labels(model, field)
    return str(labels.get(value, value))


_LABELS: dict[tuple, dict] = {}


def _labels(model, field):
    key = (model, field)
    if key not in _LABELS:
        _LABELS[key] = dict(model._meta.get_field(field).flatchoices)
    return _LABELS[key]


def grouped(pairs: Iterable[tuple]) -> dict:
    """``{key: [value, …]}`` from ``(key, value)`` pairs, in their order."""
    result: dict = {}
    for key, value in pairs:
        result.setdefault(key, []).append(value)
    return result


def appeal_chain(appeal_of_id, by_pk: Mapping) -> list[str]:
    """Public ids of the proceedings ``appeal_of_id`` starts, nearest first, as far as ``by_pk``
    (pk -> (public id, appeal_of pk)) knows them; a loop stops where it closes."""
    chain, ancestor_pk, seen = [], appeal_of_id, set()
    while ancestor_pk is not None and ancestor_pk in by_pk and ancestor_pk not in seen:
        seen.add(ancestor_pk)
        public_id, ancestor_pk = by_pk[ancestor_pk]
        chain.append(public_id)
    return chain
