"""Serializer fields every app's API shares: partial dates, related records by public id."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_countries import countries
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from apps.core import scoping
from apps.core.partial_dates import PartialDate, Precision, parse_partial_date

# ISO 3166 codes and names, one enum in the schema for every country field.
COUNTRY_CHOICES = list(countries)



class PartialDateField(serializers.Field):
    """A partial date: written as text ("spring 2013"), read as an object with both forms.

    ``{"value": "2013-spring", "display": "spring 2013", "start": "2013-03-01",
    "end": "2013-05-31", "precision": "season", "approximate": false}``. An object with a
    ``value`` key is also accepted, so what a client read can be sent back unchanged.

    Text is read as :meth:`PartialDate.parse` reads it, ranges and thirds included. Unlike
    the admin, the API reads "2011-12" as December 2011 without asking (its machine form of a
    month) and accepts a date in the future without a warning: a client has no one to ask.
    """

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data):
        if isinstance(data, dict) and "value" in data:
            data = data["value"]
        if not isinstance(data, str):
            self.fail(
                "invalid",
                message=(
                    _("Write the date as text, as a source does, e.g. 1997, spring 2013, 14 Nov 2014 "
                    "or 26.05.2016.")
                ),
            )
        try:
            return parse_partial_date(data)
        except DjangoValidationError as exc:
            self.fail("invalid", message=" ".join(exc.messages))

    def to_representation(self, value: PartialDate):
        return partial_date_json(value)


def partial_date_json(value: PartialDate | None) -> dict | None:
    if value is None:
        return None
    return {
        "value": value.isoformat(),
        "display": str(value),
        "start": value.start.isoformat(),
        "end": value.end.isoformat(),
        "precision": value.precision,
        "approximate": value.approximate,
    }


PARTIAL_DATE_OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "value": {
            "type": "string",
            "description": (
                "Machine form, accepted back as it is: 1997, 2013-spring, 2016-01, 2014-11-14, ~1980; "
                "early, mid or late in a year or a month: 2016-early, 2016-mid, 2016-05-late; a range, "
                "its two ends joined by /: 2014/2015, 2016-05/2016-06, 2016-05-03/2016-05-05, "
                "2013-spring/2013-summer."
            ),
        },
        "display": {
            "type": "string",
            "description": "As people write it: spring 2013, c. 1980, mid-2016, May–June 2016, 3–5 May 2016.",
        },
        "start": {"type": "string", "format": "date", "description": "First day of the period."},
        "end": {"type": "string", "format": "date", "description": "Last day of the period."},
        "precision": {
            "type": "string",
            "enum": list(Precision.values),
            "description": (
                "day, month, season or year; day_range, month_range, season_range or year_range for a "
                "range of them; month_part or year_part for early (first third), mid (middle third) or "
                "late (last third) in a month (days 1-10, 11-20, 21-end) or a year (Jan-Apr, May-Aug, "
                "Sep-Dec)."
            ),
        },
        "approximate": {"type": "boolean"},
    },
    "required": ["value", "display", "start", "end", "precision", "approximate"],
}


class PartialDateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "apps.core.api.fields.PartialDateField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {
                "type": "string",
                "description": (
                    "A partial date as text, in English or Russian, as a source writes it: 1997, "
                    "spring 2013, весной 2013, January 2016, март 2016, 14 Nov 2014, 14th November 2014, "
                    "14 марта 2016, 26.05.2016, 26/05/2016; early, mid or late in a year or a month "
                    "(early 2016, mid-2016, late May 2016, начало 2016); a range of two days, months, "
                    "seasons or years (2014–2015, May–June 2016, 3–5 May 2016, spring–summer 2013, "
                    "с 2014 по 2015); prefix c., ~, около or примерно when approximate. Every machine "
                    "form of `value` is accepted back (2016-01 is January 2016). A date in the future "
                    "is accepted."
                ),
                "example": "spring 2013",
            }
        return dict(PARTIAL_DATE_OUTPUT_SCHEMA)


class ScopedChoicesMixin:
    """A writable related field whose choices are the records the requesting user may write to.

    Mixed into the API's related fields, it stops mass assignment through a foreign key: a
    fact posted with another organization's case reference, a citation of their fact, a case
    listing their subject — each is "does not exist" to this user, as it is on their detail
    URLs. Reference material (articles, agreements, organizations) keeps every choice.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None or not scoping.is_scoped(queryset.model):
            return queryset
        return scoping.scoped_writable(queryset, request.user)


class ScopedSlugRelatedField(ScopedChoicesMixin, serializers.SlugRelatedField):
    """SlugRelatedField (e.g. a case by its reference) limited to writable records."""


class PublicIdField(ScopedChoicesMixin, serializers.SlugRelatedField):
    """A related record named by its public UUID (never by its row id).

    Writable choices are the records the user may write to (apps.core.scoping): another
    organization's record is "does not exist" here as on its detail URL.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "public_id")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:
            # Not a UUID at all: the same answer as a UUID that names nothing.
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)


class PublicIdFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "apps.core.api.fields.PublicIdField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "uuid"}


# -- writes name only fields that exist --------------------------------------------------------


class StrictFieldsMixin:
    """A write that names a field the resource does not have is a 400 naming it.

    Silently dropping ``titel`` or ``legal_nmae`` would tell a client its change was saved when
    it was not. Fields the resource only shows (``id``, ``created_at``…) are still accepted and
    ignored, so what a client read can be sent back as it is. Mixed into every write serializer,
    nested ones included; the schema says the same with ``additionalProperties: false``
    (:func:`strict_request_bodies`).
    """

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("There is no such field here; check its name in /api/docs/.")] for name in unknown}
                )
        return super().to_internal_value(data)


def strict_request_bodies(result, generator, request, public):
    """drf-spectacular hook: request bodies of the strict serializers allow no other properties."""
    strict = {
        name
        for serializer in _strict_serializers()
        for name in (f"{serializer.__name__.removesuffix('Serializer')}Request",
                     f"Patched{serializer.__name__.removesuffix('Serializer')}Request")
    }
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name in strict and schema.get("type") == "object":
            schema["additionalProperties"] = False
    return result


def _strict_serializers():
    seen, pending = set(), [StrictFieldsMixin]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
    return seen
