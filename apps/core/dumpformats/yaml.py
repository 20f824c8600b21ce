"""YAML, with encrypted fields as ciphertext (see apps/core/dumpformats/__init__.py)."""

from django.core.serializers import pyyaml as django_yaml

from apps.core.dumpformats import CiphertextPython


class Serializer(CiphertextPython, django_yaml.Serializer):
    pass


Deserializer = django_yaml.Deserializer
