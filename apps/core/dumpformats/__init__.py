"""``dumpdata`` and ``loaddata`` formats that keep encrypted fields encrypted.

Django's serializers write a field's Python value, which for the encrypted fields of a protected
identity is the decrypted legal name, date of birth, address: ``dumpdata`` would print them in
clear. These formats (installed over Django's own by ``SERIALIZATION_MODULES`` in the settings)
write an encrypted field as Fernet ciphertext instead. ``loaddata`` needs nothing more: the
field's ``to_python`` decrypts a token with the configured keys, and saving encrypts it again,
so a dump loads back where the same SECRET_KEY and SALT_KEY are set, and is unreadable elsewhere.

A clear copy is a deliberate, logged act: ``manage.py identity_export --by … --reason …``.
"""

import datetime as dt

from django.core.serializers.json import DjangoJSONEncoder
from encrypted_fields.fields import EncryptedFieldMixin

# Django's serializers leave a model's primary key out of a dump with natural primary keys
# (``dumpdata --natural-primary``) and expect the natural key to find the row again. When the
# primary key is itself a link to another record (a protected identity *is* its individual's
# one-to-one row), nothing else in the dump says which record it belongs to: it would load
# with no individual. So these formats write such a key as a field, through the related
# record's natural key, which both loaders read like any other foreign key.


def primary_link(serializer, obj):
    """The primary key to write as a field: a link, in a dump without primary keys; else None."""
    pk = obj._meta.pk
    if serializer.use_natural_primary_keys and pk.is_relation and hasattr(obj, "natural_key"):
        return pk
    return None


def ciphertext(obj, field) -> str | None:
    """The field's value as the database stores it: a Fernet token, or None when empty."""
    return field.get_prep_value(field.value_from_object(obj))


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep their microseconds.

    Django's JSON cuts them to milliseconds (ECMA-262), so a row loaded back from a dump is not
    the row dumped: a history row's ``history_date`` or a link's ``at`` would differ, and the
    audit chains (apps/core/custody.py) would rightly report them changed.
    """

    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


class CiphertextPython:
    """For the serializers built on Django's python serializer (json, jsonl, yaml)."""

    def _value_from_field(self, obj, field):
        if isinstance(field, EncryptedFieldMixin):
            return ciphertext(obj, field)
        return super()._value_from_field(obj, field)

    def end_object(self, obj):
        link = primary_link(self, obj)
        if link is not None:
            self.handle_fk_field(obj, link)
        super().end_object(obj)
