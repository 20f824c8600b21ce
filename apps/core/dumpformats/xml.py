"""XML, with encrypted fields as ciphertext (see apps/core/dumpformats/__init__.py)."""

from django.core.serializers import xml_serializer as django_xml
from encrypted_fields.fields import EncryptedFieldMixin

from apps.core.dumpformats import ciphertext, primary_link


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

    def end_object(self, obj):
        link = primary_link(self, obj)
        if link is not None:
            self.handle_fk_field(obj, link)
        super().end_object(obj)


Deserializer = django_xml.Deserializer
