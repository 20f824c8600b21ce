"""The case file in the API: /api/v1/cases/ — list, detail with proceedings, timeline."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.cases.filters import CaseFilter
from apps.cases.models import Case
from apps.cases.selectors import case_list, case_lookup, visible_case_row
from apps.cases.serializers import CaseSerializer
from apps.core.api.views import PublicIdViewSet, etag_text
from apps.workspace.representations import case_detail_json, case_rows, case_timeline_json, cases_json
from apps.workspace.selectors import case_detail_list
from apps.workspace.serializers import CaseDetailSerializer, TimelineEntrySerializer


@extend_schema_view(
    list=extend_schema(
        summary="List cases",
        description="`?search=` matches the reference, the title and every subject's pseudonym and aliases.",
    ),
    retrieve=extend_schema(summary="A case with its subjects, proceedings and agreements invoked"),
    create=extend_schema(request=CaseSerializer, responses={201: CaseDetailSerializer}),
    update=extend_schema(request=CaseSerializer, responses=CaseDetailSerializer),
    partial_update=extend_schema(request=CaseSerializer, responses=CaseDetailSerializer),
)
class CaseViewSet(PublicIdViewSet):
    lookup_field = "reference"
    lookup_url_kwarg = "reference"
    filterset_class = CaseFilter
    ordering_fields = ["reference", "priority", "opened_on", "status", "created_at", "updated_at"]
    ordering = ["-priority", "reference"]
    # The model permissions need only the model: a detail or a timeline, which reads its case
    # through visible_case_row, never builds the scoped queryset (apps.core.api.policies).
    permission_model = Case

    def get_queryset(self):
        if self.action == "list":
            return case_list(user=self.request.user)
        if self.action == "timeline":
            return case_lookup(user=self.request.user)  # the timeline loads its own rows
        if self.action == "retrieve":
            return case_lookup(user=self.request.user).select_related("organization")  # and so does a case
        return case_detail_list(user=self.request.user)

    # Reads are answered from rows (apps.workspace.representations): the same JSON as the
    # serializers, which stay the documented shape and the write path, at a fraction of the
    # cost (docs/performance.md). tests/api/test_representations.py compares the two.

    def list(self, request, *args, **kwargs):
        if self._exporting():  # a CSV/XLSX file: built by the export from the serializer
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        return self.get_paginated_response(cases_json(self.paginate_rows(case_rows(queryset), counted=queryset)))

    def _visible_case_row(self) -> dict:
        # get_object()'s rule (the scoped case_lookup, then 404), as one prepared read.
        row = visible_case_row(user=self.request.user, reference=self.kwargs[self.lookup_url_kwarg])
        if row is None:
            raise Http404
        return row

    def retrieve(self, request, *args, **kwargs):
        if request.query_params:
            # A filter on a detail address still applies, as DRF's get_object() applies it
            # (?status=closed on an open case is a 404): the ORM's path decides, rarely taken.
            self.get_object()
        row = self._visible_case_row()
        self.etag_value = etag_text(row["public_id"], row["version"])
        return Response(case_detail_json(row))

    def get_serializer_class(self):
        if self.action in ("list",) or self.request.method not in ("GET", "HEAD"):
            return CaseSerializer
        return CaseDetailSerializer

    def _detail(self, case, status=200):
        case = self.get_queryset().get(pk=case.pk)
        self.etag_record = case
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=status)

    def create(self, request, *args, **kwargs):
        serializer = CaseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._detail(serializer.save(), status=201)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = CaseSerializer(
            self.get_object(), data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return self._detail(serializer.save())

    @extend_schema(
        summary="The case's timeline",
        description=(
            "Facts (with their quotes), proceeding events and the milestones of the agreements "
            "the case's proceedings invoke, in date order. Partial dates sort by the start of "
            "their period, the wider period first; undated entries come last."
        ),
        responses=TimelineEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, reference=None):
        return Response(case_timeline_json(self._visible_case_row()["pk"]))
