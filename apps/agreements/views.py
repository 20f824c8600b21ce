from drf_spectacular.utils import extend_schema, extend_schema_view

from apps.agreements.filters import AgreementFilter, ProvisionFilter
from apps.agreements.selectors import agreement_list, provision_list
from apps.agreements.serializers import AgreementSerializer, ProvisionSerializer
from apps.core.api.views import PublicIdViewSet


@extend_schema_view(
    list=extend_schema(summary="List agreements"),
    create=extend_schema(description="Lifecycle dates must be in order: drafted ≤ signed ≤ ratified ≤ in force."),
)
class AgreementViewSet(PublicIdViewSet):
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["title", "signed_start", "created_at", "updated_at"]
    ordering = ["title"]

    def get_queryset(self):
        return agreement_list(user=self.request.user)


@extend_schema_view(list=extend_schema(summary="List provisions"))
class ProvisionViewSet(PublicIdViewSet):
    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilter
    ordering_fields = ["position", "created_at", "updated_at"]
    ordering = ["agreement__title", "position"]

    def get_queryset(self):
        return provision_list(user=self.request.user)
