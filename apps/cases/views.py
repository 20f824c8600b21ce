from drf_spectacular.utils import extend_schema, extend_schema_view

from apps.cases.filters import FactFilter
from apps.cases.selectors import fact_list
from apps.cases.serializers import FactSerializer
from apps.cases.services import fact_delete
from apps.core.api.policies import CursorPagination
from apps.core.api.views import PublicIdViewSet


@extend_schema_view(
    list=extend_schema(summary="List facts", description="Cursor-paginated."),
    destroy=extend_schema(description="Refused with 409 while other facts are linked as contradicting it."),
)
class FactViewSet(PublicIdViewSet):
    serializer_class = FactSerializer
    filterset_class = FactFilter
    pagination_class = CursorPagination
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return fact_list(user=self.request.user)

    def perform_destroy(self, instance):
        fact_delete(fact=instance)
