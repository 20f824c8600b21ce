"""JSON Lines, with encrypted fields as ciphertext (see apps/core/dumpformats/__init__.py)."""

from django.core.serializers import jsonl as django_jsonl

from apps.core.dumpformats import CiphertextPython


class Serializer(CiphertextPython, django_jsonl.Serializer):
    pass


Deserializer = django_jsonl.Deserializer
