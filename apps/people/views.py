from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core import audit
from apps.core.api.views import PublicIdViewSet
from apps.people.filters import IndividualFilter, OrganizationFilter
from apps.people.selectors import (
    PROTECTED_IDENTITY_FIELDS,
    can_change_protected_identity,
    individual_list,
    organization_list,
)
from apps.people.serializers import IndividualSerializer, OrganizationSerializer
from apps.people.services import individual_delete
from apps.people.subject_access import subject_access_export, subject_access_filename


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
    # A list never carries a protected identity: not even its empty columns in an export.
    export_omitted_fields = PROTECTED_IDENTITY_FIELDS

    def get_queryset(self):
        # Lists never carry protected identity (IndividualSerializer): do not even load it.
        return individual_list(user=self.request.user, with_identity=self.action != "list")

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
        if set(PROTECTED_IDENTITY_FIELDS) & set(
            self.request.data or {}
        ) and not can_change_protected_identity(user=self.request.user):
            raise exceptions.PermissionDenied(
                _(
                    "Writing legal_name, date_of_birth, phone, email or address needs the "
                    "people.change_protectedidentity permission."
                )
            )

    def perform_create(self, serializer):
        self._check_protected_write()
        serializer.save()

    def perform_update(self, serializer):
        self._check_protected_write()
        serializer.save()

    def perform_destroy(self, instance):
        individual_delete(individual=instance)

    @extend_schema(
        summary="Subject access: everything held about this person",
        description=(
            "One JSON document (`schema`: `casetracker.subject-access/1`, docs/api.md): the person, "
            "their aliases, their protected identity (only with `people.view_protectedidentity`, "
            "else `null`), the history of the person and aliases, and the cases, proceedings, facts, "
            "quotes and access-log entries that name them, as far as you may see them. Needs "
            "`people.export_individual` (403 without); every export is written to the access log."
        ),
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The subject access document.")},
        filters=False,
    )
    @action(
        detail=True, methods=["get"], url_path="subject-access", pagination_class=None, filter_backends=[]
    )
    def subject_access(self, request, id=None):
        individual = self.get_object()
        try:
            content = subject_access_export(
                individual=individual, user=request.user, channel="api", request=request
            )
        except PermissionDenied as refused:
            raise exceptions.PermissionDenied(str(refused)) from refused
        response = Response(content)
        response["Content-Disposition"] = (
            f'attachment; filename="{subject_access_filename(individual=individual)}"'
        )
        response["Cache-Control"] = "no-store"
        return response
