"""``dumpdata`` and ``loaddata`` formats that keep encrypted fields encrypted.

Django's serializers write a field's Python value, which for the encrypted fields of a protected
identity is the decrypted legal name, date of birth, address: ``dumpdata`` would print them in
clear. These formats (installed over Django's own by ``SERIALIZATION_MODULES`` in the settings)
write an encrypted field as Fernet ciphertext instead. ``loaddata`` needs nothing more: the
field's ``to_python`` decrypts a token with the configured keys, and saving encrypts it again,
so a dump loads back where the same SECRET_KEY and SALT_KEY are set, and is unreadable elsewhere.

A clear copy is a deliberate, logged act: ``manage.py identity_export --by … --reason …``.
"""

from encrypted_fields.fields import EncryptedFieldMixin


def ciphertext(obj, field) -> str | None:
    """The field's value as the database stores it: a Fernet token, or None when empty."""
    return field.get_prep_value(field.value_from_object(obj))


class CiphertextPython:
    """For the serializers built on Django's python serializer (json, jsonl, yaml)."""

    def _value_from_field(self, obj, field):
        if isinstance(field, EncryptedFieldMixin):
            return ciphertext(obj, field)
        return super()._value_from_field(obj, field)
