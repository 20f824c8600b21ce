"""JSON, with encrypted fields as ciphertext (see apps/core/dumpformats/__init__.py)."""

from django.core.serializers import json as django_json

from apps.core.dumpformats import CiphertextPython


class Serializer(CiphertextPython, django_json.Serializer):
    pass


Deserializer = django_json.Deserializer
