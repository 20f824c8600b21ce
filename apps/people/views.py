from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core import audit
from apps.core.api.views import PublicIdViewSet
from apps.people.duplicates import individual_duplicates
from apps.people.filters import IndividualFilter, OrganizationFilter
from apps.people.representations import individual_rows, individuals_json
from apps.people.selectors import (
    PROTECTED_IDENTITY_FIELDS,
    can_change_protected_identity,
    individual_list,
    merged_survivor,
    organization_list,
)
from apps.people.serializers import (
    DuplicateCandidateSerializer,
    IndividualMergeSerializer,
    IndividualSerializer,
    OrganizationSerializer,
)
from apps.people.services import duplicates_refresh, individual_delete, individual_merge
from apps.people.subject_access import subject_access_export, subject_access_filename


class MergedRecord(exceptions.APIException):
    """The record asked for was merged into another: reads are redirected, writes refused."""

    default_code = "merged"

    def __init__(self, *, survivor_id, location: str, safe: bool):
        # 308 for reads: a client following redirects reads the survivor transparently.
        # 409 for writes: a change meant for one record must not land on another unseen.
        self.status_code = status.HTTP_308_PERMANENT_REDIRECT if safe else status.HTTP_409_CONFLICT
        self.survivor_id, self.location = str(survivor_id), location
        super().__init__(
            _("This record was merged into %(survivor)s; use that record.") % {"survivor": self.survivor_id}
        )


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
    retrieve=extend_schema(
        # The problem responses are added by the schema class; the redirect is this resource's own.
        responses={
            200: IndividualSerializer,
            308: OpenApiResponse(
                description="This record was merged into another: `Location` (and `survivor` in the body) name it."
            ),
        }
    ),
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
        return individual_list(
            user=self.request.user, with_identity=self.action not in ("list", "duplicates", "merge")
        )

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            survivor = merged_survivor(user=self.request.user, public_id=self.kwargs[self.lookup_url_kwarg])
            if survivor is None:
                raise
            # The same path with the survivor's id (its detail, or the same action on it).
            asked = str(self.kwargs[self.lookup_url_kwarg])
            location = self.request.build_absolute_uri(self.request.path.replace(asked, str(survivor.public_id)))
            raise MergedRecord(
                survivor_id=survivor.public_id, location=location, safe=self.request.method in ("GET", "HEAD")
            ) from None

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, MergedRecord):
            response.data["survivor"] = exc.survivor_id
            if response.status_code == status.HTTP_308_PERMANENT_REDIRECT:
                response["Location"] = exc.location
        return response

    @extend_schema(
        summary="Possible duplicates of an individual",
        description=(
            "Individuals you may see who may be the same person: names compared across Latin, "
            "Cyrillic and Hangul (a keyed index, never the legal name itself), birth year and "
            "nationality. Best first; `reasons` says which kind of form matched, never a name."
        ),
        responses={200: DuplicateCandidateSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="duplicates", pagination_class=None, filter_backends=[])
    def duplicates(self, request, *args, **kwargs):
        individual = self.get_object()
        candidates = individual_duplicates(individual=individual, user=request.user)
        return Response(DuplicateCandidateSerializer(candidates, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Merge another record of the same person into this one",
        description=(
            "`merged` names the record merged into this one (the survivor, the URL's). Its "
            "aliases, pseudonym, case links and proceedings move here; it stays as a redirect "
            "(GET answers 308 to this record). Needs `people.merge_individual` and the right to "
            "change both records and their cases. Refused: a record into itself, or one already merged."
        ),
        request=IndividualMergeSerializer,
        responses={200: IndividualSerializer},
    )
    @action(detail=True, methods=["post"], url_path="merge", filter_backends=[])
    def merge(self, request, *args, **kwargs):
        survivor = self.get_object()
        self.check_object_writable(survivor)
        body = IndividualMergeSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        merged = body.validated_data["merged"]
        individual_merge(survivor=survivor, merged=merged, by=request.user, request=request)
        survivor = get_object_or_404(individual_list(user=request.user, with_identity=False), pk=survivor.pk)
        return Response(self.get_serializer(survivor).data)

    def list(self, request, *args, **kwargs):
        if self._exporting():  # a CSV/XLSX file: built by the export from the serializer
            return super().list(request, *args, **kwargs)
        # Answered from rows (apps.people.representations): no protected identity, no model
        # instance or DRF field per row; tests/api/test_representations.py compares the JSON.
        queryset = self.filter_queryset(self.get_queryset())
        return self.get_paginated_response(individuals_json(self.paginate_rows(individual_rows(queryset), counted=queryset)))

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
        duplicates_refresh(individual=serializer.instance)  # for the admin's review list

    def perform_update(self, serializer):
        self._check_protected_write()
        serializer.save()
        duplicates_refresh(individual=serializer.instance)

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
