from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import PublicIdViewSet
from apps.proceedings.filters import ProceedingFilter
from apps.proceedings.representations import proceeding_rows, proceedings_json
from apps.proceedings.selectors import proceeding_list
from apps.proceedings.serializers import ProceedingEventSerializer, ProceedingSerializer


@extend_schema_view(
    list=extend_schema(summary="List proceedings"),
    create=extend_schema(
        summary="Record a proceeding",
        description="With its legal basis and, in `citations`, the quotes that report it.",
    ),
)
class ProceedingViewSet(PublicIdViewSet):
    serializer_class = ProceedingSerializer
    filterset_class = ProceedingFilter
    ordering_fields = ["filed_start", "decided_start", "created_at", "updated_at"]
    ordering = ["case__reference", "filed_start", "created_at"]

    def get_queryset(self):
        return proceeding_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        if self._exporting():  # a CSV/XLSX file: built by the export from the serializer
            return super().list(request, *args, **kwargs)
        # Answered from rows (apps.proceedings.representations): the serializer's JSON without
        # a model instance and DRF fields per row; tests/api/test_representations.py compares.
        queryset = self.filter_queryset(self.get_queryset())
        return self.get_paginated_response(proceedings_json(self.paginate_rows(proceeding_rows(queryset), counted=queryset)))

    @extend_schema(
        summary="Add a dated step (filing, hearing, decision…) to a proceeding",
        request=ProceedingEventSerializer,
        responses={201: ProceedingEventSerializer},
    )
    @action(detail=True, methods=["post"], url_path="events", filter_backends=[], pagination_class=None)
    def add_event(self, request, id=None):
        proceeding = self.get_object()
        serializer = ProceedingEventSerializer(data=request.data, context={"proceeding": proceeding})
        serializer.is_valid(raise_exception=True)
        self.etag_record = serializer.save()  # the answer is the new event: its ETag, not the proceeding's
        return Response(serializer.data, status=201)
