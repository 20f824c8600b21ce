from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser

from apps.core.api.policies import StrictJSONParser
from apps.core.api.views import PublicIdViewSet
from apps.documents.http import attachment_headers
from apps.documents.selectors import document_list
from apps.documents.serializers import DocumentSerializer
from apps.documents.services import TamperedDocument, document_delete, document_open


class DocumentDamaged(APIException):
    status_code = 409
    default_code = "document_damaged"


@extend_schema_view(
    list=extend_schema(summary="List documents"),
    create=extend_schema(
        summary="Upload a document to a case",
        description="multipart/form-data with `file` (PDF, PNG, JPEG or TIFF, judged by its content), `case`, "
        "optional `proceeding`, `title`, `kind`. Its text is read by a `document_extract` job.",
    ),
)
class DocumentViewSet(PublicIdViewSet):
    serializer_class = DocumentSerializer
    # JSON for changes of the description; multipart for the upload (the API's default is JSON only).
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    filterset_fields = ["kind", "text_state"]
    ordering_fields = ["created_at", "title"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return document_list(user=self.request.user, with_text=self.action == "retrieve")

    def perform_destroy(self, instance):
        document_delete(document=instance)

    @extend_schema(
        summary="Download a document's original file (logged)",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            409: OpenApiResponse(description="The stored file no longer matches its SHA-256."),
        },
    )
    @action(detail=True, methods=["get"], url_path="content", filter_backends=[], pagination_class=None)
    def content(self, request, id=None):
        document = self.get_object()
        try:
            data = document_open(document=document, user=request.user, request=request, channel="api")
        except TamperedDocument as error:
            raise DocumentDamaged(f"The stored file is damaged and was not sent: {error}") from error
        response = HttpResponse(data, content_type=document.content_type)
        for name, value in attachment_headers(document).items():
            response[name] = value
        return response
