"""JSON, with encrypted fields as ciphertext (see apps/core/dumpformats/__init__.py)."""

from django.core.serializers import json as django_json

from apps.core.dumpformats import CiphertextPython, ExactJSONEncoder


class Serializer(CiphertextPython, django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()


Deserializer = django_json.Deserializer
