"""``GET /api/v1/{resource}/{id}/history/``: a record's change history for integrations.

Add :class:`HistoryMixin` to a ViewSet whose model keeps history. The record is found through
the ViewSet's own ``get_object()`` — its scoped queryset — so another organization's record
is a 404 here exactly as on its detail URL.
"""

from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.access import scoping
from apps.access.history import record_history


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
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        """Every version of the record, newest first: when, who, and each changed field's value
        before and after."""
        return Response(record_history(obj=self.get_object()))


def document_history_action() -> None:
    """Describe the history action in the OpenAPI schema.

    Done once the apps are ready (AccessConfig.ready), not at import: drf-spectacular's
    decorator loads DRF's schema class, casetracker.api, which itself imports this module.
    """
    from drf_spectacular.utils import OpenApiResponse, extend_schema

    extend_schema(
        summary="Change history",
        responses={200: OpenApiResponse(HistoryVersionSerializer(many=True))},
        filters=False,
    )(HistoryMixin.history)


class ScopedChoicesMixin:
    """A writable related field whose choices are the records the requesting user may write to.

    Mixed into the API's related fields, it stops mass assignment through a foreign key: a
    fact posted with another organization's case reference, a citation of their fact, a case
    listing their subject — each is "does not exist" to this user, as it is on their detail
    URLs. Reference material (articles, agreements, organizations) keeps every choice.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None or not scoping.is_scoped(queryset.model):
            return queryset
        return scoping.scoped_writable(queryset, request.user)


class ScopedSlugRelatedField(ScopedChoicesMixin, serializers.SlugRelatedField):
    """SlugRelatedField (e.g. a case by its reference) limited to writable records."""
