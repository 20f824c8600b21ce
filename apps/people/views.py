from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions

from apps.core import audit
from apps.core.api.views import PublicIdViewSet
from apps.people.filters import IndividualFilter, OrganizationFilter
from apps.people.representations import individual_rows, individuals_json
from apps.people.selectors import (
    PROTECTED_IDENTITY_FIELDS,
    can_change_protected_identity,
    individual_list,
    organization_list,
)
from apps.people.serializers import IndividualSerializer, OrganizationSerializer
from apps.people.services import individual_delete


@extend_schema_view(
    list=extend_schema(summary="List organizations", description="Authorities, courts, NGOs, outlets."),
    destroy=extend_schema(description="Refused with 409 while cases, proceedings or articles refer to it."),
)
class OrganizationViewSet(PublicIdViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ["name", "kind", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return organization_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List individuals",
        description="`?search=` matches the pseudonym and every alias, in any script.",
    ),
    destroy=extend_schema(description="Refused with 409 while the individual is a subject of a case."),
)
class IndividualViewSet(PublicIdViewSet):
    serializer_class = IndividualSerializer
    filterset_class = IndividualFilter
    ordering_fields = ["pseudonym", "status", "created_at", "updated_at"]
    ordering = ["pseudonym"]

    def get_queryset(self):
        # Lists never carry protected identity (IndividualSerializer): do not even load it.
        return individual_list(user=self.request.user, with_identity=self.action != "list")

    def list(self, request, *args, **kwargs):
        # Answered from rows (apps.people.representations): no protected identity, no model
        # instance or DRF field per row; tests/api/test_representations.py compares the JSON.
        queryset = self.filter_queryset(self.get_queryset())
        return self.get_paginated_response(individuals_json(self.paginate_queryset(individual_rows(queryset))))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        self._protected_shown = context.setdefault("protected_identities_shown", [])
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        # Every protected identity sent to a client is written to the access log, with the
        # token that asked for it.
        shown = getattr(self, "_protected_shown", None)
        if shown and response.status_code < 400:
            audit.record_api_reads(request=request, records=shown)
        return super().finalize_response(request, response, *args, **kwargs)

    def _check_protected_write(self):
        if set(PROTECTED_IDENTITY_FIELDS) & set(self.request.data or {}) and not can_change_protected_identity(
            user=self.request.user
        ):
            raise exceptions.PermissionDenied(
                _("Writing legal_name, date_of_birth, phone, email or address needs the "
                "people.change_protectedidentity permission.")
            )

    def perform_create(self, serializer):
        self._check_protected_write()
        serializer.save()

    def perform_update(self, serializer):
        self._check_protected_write()
        serializer.save()

    def perform_destroy(self, instance):
        individual_delete(individual=instance)
