from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from apps.sources.filters import ArticleFilter, CitationFilter
from apps.sources.selectors import article_list, citation_list, uses_full_text_search
from apps.sources.serializers import ArticleSerializer, CitationSerializer
from apps.sources.services import DuplicateArticle, article_delete
from casetracker.api import Conflict, CursorPagination, PublicIdViewSet


class ArticleCursorPagination(CursorPagination):
    def get_ordering(self, request, queryset, view):
        # A full-text search without an explicit ?ordering= lists the best matches first.
        if (
            uses_full_text_search()
            and request.query_params.get("search", "").strip()
            and not request.query_params.get("ordering")
        ):
            return ("-search_rank", "-created_at")
        return super().get_ordering(request, queryset, view)


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description=(
            "Cursor-paginated. `?search=` is full-text search over title and body (on PostgreSQL "
            "stemmed and ranked, best match first unless `?ordering=` is given)."
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
    ordering = ["-created_at"]

    def get_queryset(self):
        return article_list(user=self.request.user)

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
    ordering = ["-created_at"]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return citation_list(user=self.request.user)

    @transaction.atomic
    def perform_destroy(self, instance):
        # A fact stands on its quotes (fact_record refuses one without): keep the last one.
        if instance.fact_id and instance.fact.citations.count() == 1:
            raise Conflict(
                "This is the only quote supporting its fact; cite another source first or delete the fact."
            )
        instance.delete()
