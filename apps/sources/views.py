import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.policies import CursorPagination, StrictJSONParser
from apps.core.api.problems import PROBLEM_MEDIA_TYPE, Conflict, ProblemSerializer, problem
from apps.core.api.transactions import AtomicWriteMixin
from apps.core.api.views import PublicIdViewSet, RecordViewMixin
from apps.core.scoping import visible
from apps.people.models import Organization
from apps.sources.filters import ArticleFilter, CitationFilter
from apps.sources.ingestion.decoding import max_import_bytes
from apps.sources.ingestion.importer import ImportRejected, article_import
from apps.sources.selectors import (
    article_list,
    article_mentions,
    citation_list,
    date_reading_list,
    uses_full_text_search,
)
from apps.sources.serializers import (
    ArticleImportResultSerializer,
    ArticleImportSerializer,
    ArticleImportUploadSerializer,
    ArticleSerializer,
    CitationSerializer,
    DateReadingSerializer,
    MentionSerializer,
)
from apps.sources.services import DuplicateArticle, article_delete, citation_remove, date_reading_remove

IMPORT_DESCRIPTION = """\
Extracts title, outlet, authors, date, address, language and the clean body from pasted text, a
page's HTML or an uploaded .txt/.html file, and stores the article with the input kept as raw text.

- JSON: `text` or `html`, with optional `url`, `outlet` (an organization's id or a name) and
  corrections (`title`, `authors`, `published_on`, `language`, `body`) that replace what is found.
- multipart/form-data: `file`, with the same optional fields.

201 with the new article; 200 with the stored article and `"duplicate": true` when the same text
or the same address is already stored (nothing is saved). Refused content is a 400 problem whose
`errors` name the field and whose `reason` says why; content over `ARTICLE_IMPORT_MAX_BYTES`
(default 5 MiB) is a 413 with `reason` too_large. Nothing is saved on any error. Needs a write
token and the permission to add articles.
"""


class ImportProblemSerializer(ProblemSerializer):
    """Problem details of a refused import, with the importer's reason."""

    reason = serializers.ChoiceField(
        choices=["empty", "too_large", "binary", "undecodable", "no_text", "no_outlet", "unsupported"],
        required=False,
        help_text=_("Why the content was refused (absent for other invalid fields)."),
    )


def _import_refused(error: ImportRejected, *, field: str) -> Response:
    """A refused import as problem details: 413 for too large, else 400 naming the field."""
    message = " ".join(error.messages)
    if error.reason == "too_large":
        body = problem(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, message, "too_large", {field: [message]})
    else:
        body = problem(status.HTTP_400_BAD_REQUEST, message, "validation_error", {field: [message]})
    body["reason"] = error.reason
    return Response(body, status=body["status"], content_type=PROBLEM_MEDIA_TYPE)


class ArticleCursorPagination(CursorPagination):
    def get_ordering(self, request, queryset, view):
        # A full-text search without an explicit ?ordering= lists the best matches first.
        if (
            uses_full_text_search()
            and request.query_params.get("search", "").strip()
            and not request.query_params.get("ordering")
        ):
            return ("-search_rank", "-created_at", "-id")
        return super().get_ordering(request, queryset, view)


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description=(
            "Cursor-paginated. `?search=` is full-text search over title and body (on PostgreSQL "
            "stemmed in each article's language; without `?ordering=`, the newest "
            "`ARTICLE_SEARCH_RANK_LIMIT` matches (1000 by default), best match first; with "
            "`?ordering=`, every match in that order)."
        ),
    ),
    create=extend_schema(description="409 if the same text or address is already stored."),
    destroy=extend_schema(description="Refused with 409 while any citation quotes the article."),
)
class ArticleViewSet(PublicIdViewSet):
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    pagination_class = ArticleCursorPagination
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return article_list(user=self.request.user)

    @extend_schema(
        summary="Import an article",
        description=IMPORT_DESCRIPTION,
        request={
            "application/json": ArticleImportSerializer,
            "multipart/form-data": ArticleImportUploadSerializer,
        },
        responses={
            201: OpenApiResponse(ArticleImportResultSerializer, description="Imported and stored."),
            200: OpenApiResponse(
                ArticleImportResultSerializer,
                description="Already stored (same text or same address): the stored article, `duplicate: true`.",
            ),
            (400, PROBLEM_MEDIA_TYPE): OpenApiResponse(
                ImportProblemSerializer,
                description=(
                    "Invalid request or refused content: `errors` names the field, `reason` says why "
                    "(empty, binary, undecodable, no_text, no_outlet, unsupported)."
                ),
            ),
            (413, PROBLEM_MEDIA_TYPE): OpenApiResponse(
                ImportProblemSerializer,
                description="The article (or the request) is over `ARTICLE_IMPORT_MAX_BYTES`; `reason` is too_large.",
            ),
            (415, PROBLEM_MEDIA_TYPE): OpenApiResponse(
                ProblemSerializer, description="The body must be JSON or multipart/form-data."
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[StrictJSONParser, parsers.MultiPartParser],
        pagination_class=None,
        filter_backends=[],
    )
    def import_article(self, request):
        """Extract, check and store an article through the importer (apps.sources.ingestion)."""
        too_large = self._refuse_oversized_request(request)
        if too_large is not None:
            return too_large
        is_upload = request.content_type.startswith("multipart/")
        serializer_class = ArticleImportUploadSerializer if is_upload else ArticleImportSerializer
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if is_upload:
            upload = data["file"]
            if upload.size > max_import_bytes():
                # Refused before reading: the limit exists so that huge files are never loaded.
                return _import_refused(
                    ImportRejected(
                        f"The file is {upload.size:,} bytes; the limit is {max_import_bytes():,} bytes.",
                        code="too_large",
                    ),
                    field="file",
                )
            content, filename, format = upload.read(), upload.name, None
        else:
            field = serializer.content_field
            content, filename, format = data[field], "", field
        try:
            result = article_import(
                content=content,
                filename=filename,
                format=format,
                url=data.get("url", ""),
                title=data.get("title", ""),
                outlet=self._outlet(data.get("outlet", "")),
                corrections=serializer.corrections(),
                added_by=request.user,
            )
        except ImportRejected as error:
            return _import_refused(error, field="outlet" if error.reason == "no_outlet" else serializer.content_field)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        self.etag_record = result.article
        return Response(ArticleImportResultSerializer(result, context=self.get_serializer_context()).data, status=code)

    def _outlet(self, value: str):
        """An organization named by its id, else the name as given (the importer resolves it)."""
        value = value.strip()
        try:
            public_id = uuid.UUID(value)
        except ValueError:
            return value or None
        outlet = visible(Organization, self.request.user).filter(public_id=public_id).first()
        if outlet is None:
            raise serializers.ValidationError({"outlet": [_("No organization has the id %(value)s.") % {"value": value}]})
        return outlet

    @staticmethod
    def _refuse_oversized_request(request):
        """413 before parsing a body over the request limit (DATA_UPLOAD_MAX_MEMORY_SIZE, set
        in the settings to hold an article of ARTICLE_IMPORT_MAX_BYTES however it is escaped)."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = max_import_bytes()
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            error = ImportRejected(
                f"The request is {length:,} bytes, too large for an article within the limit of {limit:,} bytes.",
                code="too_large",
            )
            return _import_refused(error, field="non_field_errors")
        return None

    @extend_schema(
        summary="Mentions in an article",
        description=(
            "The known individuals (by pseudonym or alias), organizations and agreements that the "
            "article's text mentions, each with the passages (exact slices of the body, with "
            "offsets) that mention it: a passage can be cited as it is. Only records you may see."
        ),
        responses=MentionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def mentions(self, request, id=None):
        found = article_mentions(article=self.get_object(), user=request.user)
        return Response(MentionSerializer([mention.as_dict() for mention in found], many=True).data)

    def perform_create(self, serializer):
        try:
            serializer.save()
        except DuplicateArticle as duplicate:
            raise Conflict(
                f"{duplicate.messages[0]} Its id is {duplicate.existing.public_id}."
            ) from duplicate

    @transaction.atomic
    def perform_destroy(self, instance):
        article_delete(article=instance)


@extend_schema_view(
    list=extend_schema(summary="List citations", description="Cursor-paginated."),
    create=extend_schema(
        description="The quote must be the exact words of the article's body (400 otherwise)."
    ),
    destroy=extend_schema(description="Refused with 409 for the only quote supporting a fact."),
)
class CitationViewSet(
    RecordViewMixin,
    AtomicWriteMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Citations are not edited: a wrong quote is deleted and cited again."""

    serializer_class = CitationSerializer
    filterset_class = CitationFilter
    pagination_class = CursorPagination
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return citation_list(user=self.request.user)

    def perform_destroy(self, instance):
        citation_remove(citation=instance)


class DateReadingViewSet(
    RecordViewMixin,
    AtomicWriteMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """What sources say a date of an agreement or a proceeding is. Not edited: a wrong reading
    is deleted and recorded again; another source for the same date is a citation of it."""

    serializer_class = DateReadingSerializer
    pagination_class = CursorPagination
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return date_reading_list(user=self.request.user)

    def perform_destroy(self, instance):
        date_reading_remove(reading=instance)
