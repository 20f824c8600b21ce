"""JSON Lines, with encrypted fields as ciphertext (see apps/core/dumpformats/__init__.py)."""

from django.core.serializers import jsonl as django_jsonl

from apps.core.dumpformats import CiphertextPython, ExactJSONEncoder


class Serializer(CiphertextPython, django_jsonl.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()


Deserializer = django_jsonl.Deserializer
