from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.cases.models import Case
from apps.core.api.fields import PublicIdField, ScopedSlugRelatedField, StrictFieldsMixin
from apps.documents.models import Document
from apps.documents.services import document_update, document_upload
from apps.proceedings.models import Proceeding


class DocumentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A document's metadata; the file is sent once (multipart ``file``) and read at /content/."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    case = ScopedSlugRelatedField(
        slug_field="reference", queryset=Case.objects.all(), help_text=_("The case reference.")
    )
    proceeding = PublicIdField(
        queryset=Proceeding.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The proceeding of that case the document belongs to, if any."),
    )
    file = serializers.FileField(
        write_only=True, help_text=_("PDF, PNG, JPEG or TIFF (multipart/form-data).")
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    content = serializers.SerializerMethodField(help_text=_("Where the original file is downloaded."))

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "proceeding",
            "title",
            "kind",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "text_state",
            "text_method",
            "text_languages",
            "text_error",
            "content",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "original_name",
            "content_type",
            "size",
            "sha256",
            "text_state",
            "text_method",
            "text_languages",
            "text_error",
            "created_at",
            "updated_at",
        ]

    def get_content(self, document) -> str:
        request = self.context.get("request")
        path = f"/api/v1/documents/{document.public_id}/content/"
        return request.build_absolute_uri(path) if request else path

    def get_fields(self):
        fields = super().get_fields()
        view = self.context.get("view")
        if view is not None and getattr(view, "action", None) == "retrieve":
            # The text only on a document's own page: a list of scans would be megabytes.
            fields["text"] = serializers.CharField(read_only=True)
        if self.instance is not None and not isinstance(self.instance, list):
            # After the upload the file and the case stay: a corrected scan is a new document.
            fields["file"].required = False
            fields["case"].read_only = True
        return fields

    def create(self, validated_data):
        upload = validated_data.pop("file")
        return document_upload(
            **validated_data, file=upload, original_name=upload.name, uploaded_by=self.context["request"].user
        )

    def update(self, instance, validated_data):
        if "file" in validated_data:
            raise serializers.ValidationError(
                {"file": [_("The file cannot be replaced: upload the corrected file as a new document.")]}
            )
        document, _changed = document_update(document=instance, **validated_data)
        return document
