"""A case's dossier through the API.

- ``GET /api/v1/cases/{reference}/dossier/?format=…&level=…&language=en|ru``: HTML and JSON made in the request
  (they are quick); PDF, DOCX and ZIP only when a render of the case's current data is already
  stored, else a 409 problem that says to POST for one;
- ``POST /api/v1/cases/{reference}/dossiers/`` ``{"format": "pdf", "level": "public", "language": "en"}``: a job
  that renders it in a worker (202, the job resource, Location: /api/v1/jobs/{id}/).
- ``GET /api/v1/signing-key/``: the public keys evidence bundles are signed with.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.cases.models import Case
from apps.cases.scoping import visible_cases
from apps.core.api.policies import ModelPermissions
from apps.core.api.problems import PROBLEM_MEDIA_TYPE, problem
from apps.core.api.views import IdempotencyMixin
from apps.dossiers import signing
from apps.dossiers.jobs import dossier_cached_open, dossier_render_enqueue
from apps.dossiers.models import DossierGeneration, Format, Level
from apps.dossiers.services import DEFAULT_DOSSIER_LANGUAGE, DOSSIER_LANGUAGES, dossier_generate, format_check
from apps.jobs.serializers import JobSerializer

# Made in the request: quick enough not to need a worker.
SYNCHRONOUS_FORMATS = (Format.HTML, Format.JSON)


class FormatUnavailable(exceptions.APIException):
    """A renderer's system package (Pango, pandoc) is missing on this server."""

    status_code = 503
    default_detail = gettext_lazy("This server cannot make this format.")
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
            OpenApiParameter(
                "language",
                str,
                enum=list(DOSSIER_LANGUAGES),
                default=DEFAULT_DOSSIER_LANGUAGE,
                description="The language of the dossier's headings, labels and dates: en or ru. "
                "Quotes and what caseworkers wrote are given as stored, untranslated.",
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
            (409, PROBLEM_MEDIA_TYPE): OpenApiTypes.OBJECT,
        },
        description="HTML and JSON are made in the request. PDF, DOCX and ZIP are served only when a "
        "render of the case's current data is stored (one made by an earlier job); otherwise the answer "
        "is 409 with `render`, the POST that starts a job for it (see POST …/dossiers/).",
    )
    def get(self, request, reference: str):
        format = request.query_params.get("format", Format.PDF)
        level = request.query_params.get("level", Level.PUBLIC)
        language = request.query_params.get("language", DEFAULT_DOSSIER_LANGUAGE)
        errors = {}
        if format not in Format.values:
            errors["format"] = [_("Choose one of %(choices)s.") % {"choices": ", ".join(Format.values)}]
        if level not in Level.values:
            errors["level"] = [_("Choose one of %(choices)s.") % {"choices": ", ".join(Level.values)}]
        if language not in DOSSIER_LANGUAGES:
            errors["language"] = [_("Choose one of %(choices)s.") % {"choices": ", ".join(DOSSIER_LANGUAGES)}]
        if errors:
            raise exceptions.ValidationError(errors)
        case = visible_cases(request.user).filter(reference=reference).first()
        if case is None:
            raise Http404(_("No such case."))
        try:
            if format in SYNCHRONOUS_FORMATS:
                data, filename, content_type = dossier_generate(
                    case=case,
                    format=format,
                    level=level,
                    user=request.user,
                    channel=DossierGeneration.Channel.API,
                    request=request,
                    language=language,
                )
            else:
                format_check(format)
                found = dossier_cached_open(
                    case=case,
                    format=format,
                    level=level,
                    user=request.user,
                    channel=DossierGeneration.Channel.API,
                    request=request,
                    language=language,
                )
                if found is None:
                    return render_required(case=case, format=format, level=level, language=language)
                data, filename, content_type = found
        except ImproperlyConfigured as exc:
            raise FormatUnavailable(_("This server cannot make this format: %(reason)s") % {"reason": exc}) from exc
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


def render_required(*, case: Case, format: str, level: str, language: str = DEFAULT_DOSSIER_LANGUAGE) -> Response:
    """409: no stored render of this data; the problem names the POST that makes one."""
    url = reverse("case-dossiers", kwargs={"reference": case.reference})
    body = problem(
        409,
        _(
            "No %(format)s of this dossier's current data is ready: POST %(url)s with "
            '{"format": "%(format_value)s", "level": "%(level)s", "language": "%(language)s"} to have it '
            "rendered, then follow the job."
        )
        % {"format": Format(format).label, "url": url, "format_value": format, "level": level, "language": language},
        "render_required",
    )
    body["render"] = {"method": "POST", "url": url, "body": {"format": format, "level": level, "language": language}}
    response = Response(body, status=409, content_type=PROBLEM_MEDIA_TYPE)
    response["Link"] = f'<{url}>; rel="create-form"'
    return response


class DossierRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Format.choices, default=Format.PDF.value)
    level = serializers.ChoiceField(choices=Level.choices, default=Level.PUBLIC.value)
    language = serializers.ChoiceField(
        choices=DOSSIER_LANGUAGES,
        default=DEFAULT_DOSSIER_LANGUAGE,
        help_text=gettext_lazy("The language of the dossier's headings, labels and dates; quotes stay as published."),
    )


class DossierPermissions(ModelPermissions):
    """Asking for a dossier is a read of the case (cases.view_case), whatever the method."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class CaseDossiersView(IdempotencyMixin, APIView):
    """Start rendering a case's dossier in a worker: 202 with the job to follow."""

    queryset = Case.objects.none()
    # A read of the case, so a read-only token may ask for one (no TokenScopePermission).
    permission_classes = [permissions.IsAuthenticated, DossierPermissions]

    @extend_schema(
        operation_id="cases_dossiers_create",
        summary="Render a case's dossier (a job)",
        tags=["cases"],
        request=DossierRequestSerializer,
        responses={202: JobSerializer},
        description="Answers 202 Accepted with the job (its address also in Location): GET it until "
        "`state` is `succeeded`, then GET its `result.url` for the file. Any format may be asked for; "
        "the same data in the same format, level and language is rendered once and reused. "
        "Idempotency-Key is honoured.",
    )
    def post(self, request, reference: str):
        case = visible_cases(request.user).filter(reference=reference).first()
        if case is None:
            raise Http404(_("No such case."))
        serializer = DossierRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            job = dossier_render_enqueue(
                case=case,
                user=request.user,
                channel=DossierGeneration.Channel.API,
                **serializer.validated_data,
            )
        except ImproperlyConfigured as exc:
            raise FormatUnavailable(_("This server cannot make this format: %(reason)s") % {"reason": exc}) from exc
        data = JobSerializer(job).data
        response = Response(data, status=202)
        response["Location"] = data["url"]
        return response


class SigningKeySerializer(serializers.Serializer):
    key_id = serializers.CharField(help_text=gettext_lazy("First 16 hex digits of the SHA-256 of the raw public key."))
    algorithm = serializers.CharField(help_text=gettext_lazy("Always Ed25519."))
    current = serializers.BooleanField(help_text=gettext_lazy("Whether new bundles are signed with it."))
    public_key = serializers.CharField(help_text=gettext_lazy("The raw 32-byte public key, base64."))
    public_key_pem = serializers.CharField(help_text=gettext_lazy("The same key as PEM (SubjectPublicKeyInfo)."))


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
case_dossiers = CaseDossiersView.as_view()
signing_key = SigningKeyView.as_view()
