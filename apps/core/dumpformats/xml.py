"""XML, with encrypted fields as ciphertext (see apps/core/dumpformats/__init__.py)."""

from django.core.serializers import xml_serializer as django_xml
from encrypted_fields.fields import EncryptedFieldMixin

from apps.core.dumpformats import ciphertext


class Serializer(django_xml.Serializer):
    def handle_field(self, obj, field):
        if not isinstance(field, EncryptedFieldMixin):
            return super().handle_field(obj, field)
        self.indent(2)
        self.xml.startElement("field", {"name": field.name, "type": field.get_internal_type()})
        value = ciphertext(obj, field)
        if value is None:
            self.xml.addQuickElement("None")
        else:
            self.xml.characters(value)
        self.xml.endElement("field")


Deserializer = django_xml.Deserializer
