"""The viewset base: records addressed by their public UUID, with their change history.

``GET /api/v1/{resource}/{id}/history/`` comes from :class:`HistoryMixin`: the record is found
through the viewset's own ``get_object()`` — its scoped queryset — so another organization's
record is a 404 there exactly as on its detail URL.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.transactions import AtomicWriteMixin
from apps.core.history import record_history
from apps.core.scoping import check_can_write


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    at = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changes = HistoryChangeSerializer(many=True)


class HistoryMixin:
    @extend_schema(
        summary="Change history",
        responses={200: OpenApiResponse(HistoryVersionSerializer(many=True))},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        """Every version of the record, newest first: when, who, and each changed field's value
        before and after."""
        return Response(record_history(obj=self.get_object()))


class PublicIdViewSet(AtomicWriteMixin, HistoryMixin, viewsets.ModelViewSet):
    """Records addressed by their public UUID: /api/v1/<resource>/<uuid>/, and its /history/."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS:
            # Visible is not writable: a case shared with a partner is theirs to read only.
            check_can_write(self.request.user, obj)
        return obj
