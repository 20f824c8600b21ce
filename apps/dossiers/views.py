"""GET /api/v1/cases/{reference}/dossier/?format=pdf|docx|html|json|zip&level=full|legal|public,
and GET /api/v1/signing-key/ (the public keys evidence bundles are signed with)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.cases.models import Case
from apps.cases.scoping import visible_cases
from apps.dossiers import signing
from apps.dossiers.models import DossierGeneration, Format, Level
from apps.dossiers.services import dossier_generate


class FormatUnavailable(exceptions.APIException):
    """A renderer's system package (Pango, pandoc) is missing on this server."""

    status_code = 503
    default_detail = "This server cannot make this format."
    default_code = "format_unavailable"


class CaseDossierView(APIView):
    """A case's dossier as a file. The case must be visible to the caller, the level allowed.

    Errors are JSON (problem details through the project's exception handler); a dossier is
    the file itself, named in Content-Disposition.
    """

    # The project's default permissions apply (token scope, model permissions): a dossier is
    # a read of the case, so it needs cases.view_case like GET /cases/{reference}/.
    queryset = Case.objects.none()

    def perform_content_negotiation(self, request, force=False):
        # ``format`` names the dossier's format here, not one of DRF's renderers (DRF would
        # otherwise answer 404 to ?format=pdf). Files bypass renderers; errors are JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="cases_dossier_retrieve",
        summary="A case's source dossier",
        tags=["cases"],
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=Format.values,
                default=Format.PDF.value,
                description="pdf, docx (Word, with footnotes), html, json (docs/dossier-json.md) or zip "
                "(evidence bundle: the PDF, every source's text, manifest.json with SHA-256s; "
                "byte-identical for the same data).",
            ),
            OpenApiParameter(
                "level",
                str,
                enum=Level.values,
                default=Level.PUBLIC.value,
                description="full (with protected identities; needs people.view_protectedidentity), "
                "legal (lawyers, courts) or public (also without caseworkers and internal facts).",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiTypes.BINARY,
            (200, "text/html"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/zip"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, reference: str):
        format = request.query_params.get("format", Format.PDF)
        level = request.query_params.get("level", Level.PUBLIC)
        errors = {}
        if format not in Format.values:
            errors["format"] = [f"Choose one of {', '.join(Format.values)}."]
        if level not in Level.values:
            errors["level"] = [f"Choose one of {', '.join(Level.values)}."]
        if errors:
            raise exceptions.ValidationError(errors)
        case = visible_cases(request.user).filter(reference=reference).first()
        if case is None:
            raise Http404("No such case.")
        try:
            data, filename, content_type = dossier_generate(
                case=case,
                format=format,
                level=level,
                user=request.user,
                channel=DossierGeneration.Channel.API,
                request=request,
            )
        except ImproperlyConfigured as exc:
            raise FormatUnavailable(f"This server cannot make this format: {exc}") from exc
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class SigningKeySerializer(serializers.Serializer):
    key_id = serializers.CharField(help_text="First 16 hex digits of the SHA-256 of the raw public key.")
    algorithm = serializers.CharField(help_text="Always Ed25519.")
    current = serializers.BooleanField(help_text="Whether new bundles are signed with it.")
    public_key = serializers.CharField(help_text="The raw 32-byte public key, base64.")
    public_key_pem = serializers.CharField(help_text="The same key as PEM (SubjectPublicKeyInfo).")


class SigningKeyView(APIView):
    """The public keys this installation signs evidence bundles with: the current one first,
    then earlier ones, which bundles signed before a rotation name. Public, so no sign-in."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="signing_key_retrieve",
        summary="Public keys of evidence-bundle signatures",
        tags=["dossiers"],
        auth=[],
        responses={200: SigningKeySerializer},
    )
    def get(self, request):
        keys = signing.published_keys()
        return Response({**keys[0], "keys": keys})


case_dossier = CaseDossierView.as_view()
signing_key = SigningKeyView.as_view()
