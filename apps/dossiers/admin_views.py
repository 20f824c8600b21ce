"""The admin's dossier page: choose format and level for one or more cases, get the file.

HTML and JSON come back at once. PDF, DOCX and ZIP are rendered by jobs (one per case): the
page sends the caseworker on to the job page (apps/jobs/admin_views.py), which refreshes itself
until each file can be downloaded.

Reached from the "Dossier" button of a case page (one case) and from the "Generate dossiers"
action of the case list (several). Registered under /admin/dossiers/ by casetracker/urls.py and
wrapped in ``admin.site.admin_view`` there, so only signed-in staff reach it.
"""

from __future__ import annotations

import io
import zipfile

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case
from apps.cases.scoping import visible_cases
from apps.dossiers.forms import DossierForm
from apps.dossiers.jobs import dossier_render_enqueue
from apps.dossiers.models import DossierGeneration, Format
from apps.dossiers.services import dossier_generate
from apps.jobs.admin_views import jobs_page_url


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # a full dossier must not sit in a shared cache
    return response


def _dossier_response(request, cases: list[Case], *, format: str, level: str, language: str) -> HttpResponse:
    """The dossier of one case as its file, or of several as one ZIP of their files."""
    files = [
        dossier_generate(
            case=case, format=format, level=level, user=request.user,
            channel=DossierGeneration.Channel.ADMIN, request=request, language=language,
        )
        for case in cases
    ]
    if len(files) == 1:
        return _attachment(*files[0])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for data, filename, _content_type in files:
            archive.writestr(filename, data)
    return _attachment(buffer.getvalue(), f"dossiers-{level}.zip", "application/zip")


def _dossier_jobs(request, cases: list[Case], *, format: str, level: str, language: str) -> HttpResponse:
    """One render job per case, then on to the page that follows them."""
    jobs = [
        dossier_render_enqueue(
            case=case, format=format, level=level, user=request.user, channel=DossierGeneration.Channel.ADMIN,
            language=language,
        )
        for case in cases
    ]
    back = request.get_full_path()
    return redirect(jobs_page_url(jobs) + "&" + urlencode({"back": back}))


def dossier_generate_view(request):
    """GET: the choice of format and level for the cases named by ?case=; POST: the file."""
    references = request.POST.getlist("case") if request.method == "POST" else request.GET.getlist("case")
    cases = list(visible_cases(request.user).filter(reference__in=references).order_by("reference"))
    if not cases or len(cases) != len(set(references)):
        raise Http404(_("No such case."))
    form = DossierForm(request.POST or None, user=request.user, cases=cases)
    if not form.fields["level"].choices:
        raise PermissionDenied(_("You may not generate dossiers."))
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["format"] in (Format.HTML, Format.JSON):
                return _dossier_response(request, cases, **form.cleaned_data)
            return _dossier_jobs(request, cases, **form.cleaned_data)
        except ImproperlyConfigured as exc:
            # A renderer's system package is missing: say which, and let another format be chosen.
            form.add_error("format", _("This server cannot make this format: %(reason)s") % {"reason": exc})
    context = {
        **admin.site.each_context(request),
        "title": _("Dossier") if len(cases) == 1 else _("Dossiers of %(count)d cases") % {"count": len(cases)},
        "cases": cases,
        "form": form,
        "opts": Case._meta,
        "recent": DossierGeneration.objects.filter(case__in=cases).select_related("generated_by")[:10],
    }
    return TemplateResponse(request, "admin/dossiers/generate.html", context)


@admin.action(description=_("Generate dossiers of the selected cases"), permissions=["view"])
def generate_dossiers(modeladmin, request, queryset):
    """Case-list action: on to the dossier page with the selected cases."""
    references = list(queryset.order_by("reference").values_list("reference", flat=True))
    if not references:
        messages.warning(request, _("No case selected."))
        return None
    url = reverse("dossiers_admin:generate") + "?" + urlencode([("case", ref) for ref in references])
    return redirect(url)
