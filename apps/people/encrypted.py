"""Encrypted model fields for protected identity, on top of django-fernet-encrypted-fields.

The library stores an empty string as NULL; these keep "" as "" so that the text columns
need no NULLs (an empty value says nothing about a person). Every non-empty value is
Fernet-encrypted with a key derived from SECRET_KEY and SALT_KEY (see docs/deployment.md).
"""

from encrypted_fields import fields


class _EmptyStaysEmpty:
    def get_prep_value(self, value):
        if value == "":
            return ""
        return super().get_prep_value(value)


class EncryptedCharField(_EmptyStaysEmpty, fields.EncryptedCharField):
    pass


class EncryptedEmailField(_EmptyStaysEmpty, fields.EncryptedEmailField):
    pass


class EncryptedTextField(_EmptyStaysEmpty, fields.EncryptedTextField):
    pass


EncryptedDateField = fields.EncryptedDateField
