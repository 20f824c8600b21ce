"""Dossier renders as jobs (apps.jobs): asked for by the API's POST and the admin's Dossier page.

A render is cached by what it shows: the file is named by the content digest of the dossier's
data (apps.dossiers.selectors.content_digest), its level, its language and the format, in the
jobs' file storage. The same data is therefore rendered once: a second job for it finds the
file, and ``GET /cases/{reference}/dossier/`` serves it directly. To be the same bytes for
everyone, a rendered copy does not name who asked for it or when (the reproducible cover of the
evidence bundle: "as of the data"); who was handed which copy is recorded at each download
(DossierGeneration, the access log), as before.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.cases.models import Case
from apps.dossiers.models import DossierGeneration, Format
from apps.dossiers.selectors import dossier_content
from apps.dossiers.services import (
    CONTENT_TYPES,
    DEFAULT_DOSSIER_LANGUAGE,
    RENDERERS,
    dossier_access_check,
    dossier_filename,
    dossier_generation_record,
    format_check,
)
from apps.dossiers.signals import dossier_ready
from apps.jobs.files import job_file_exists, job_file_write, job_files
from apps.jobs.models import Job
from apps.jobs.registry import JobFailed, JobKind, JobResult, register
from apps.jobs.services import job_enqueue

KIND = "dossier_render"
# Raised when a change to the renderers or the template changes the bytes of the same content,
# so that no copy made by the previous code is served as current.
RENDER_REVISION = 2


def render_name(*, digest: str, format: str, level: str, language: str) -> str:
    """Where the render of this content sits in the job files."""
    return f"dossiers/{digest}-{level}-{language}-r{RENDER_REVISION}.{format}"


def dossier_render_enqueue(*, case: Case, format: str, level: str, user, channel: str,
                           language: str = DEFAULT_DOSSIER_LANGUAGE) -> Job:
    """Ask for ``case``'s dossier to be rendered in a worker; returns the queued job.

    Checks first what the synchronous path checked (format, level, the user's view of the case,
    and pandoc for DOCX), so that a refusal is an answer now rather than a failed job later.
    """
    dossier_access_check(case=case, format=format, level=level, user=user, language=language)
    format_check(format)
    return job_enqueue(
        kind=KIND,
        params={"case": case.pk, "format": format, "level": level, "language": language, "channel": channel},
        requested_by=user,
        subject=case,
        subject_label=case.reference,
    )


def dossier_cached(*, case: Case, format: str, level: str,
                   language: str = DEFAULT_DOSSIER_LANGUAGE) -> tuple[dict, str] | None:
    """(content, file name) of the render of ``case``'s current data if one is stored, else None."""
    with translation.override(language):
        content = dossier_content(case=case, level=level)
    name = render_name(digest=content["cover"]["digest"], format=format, level=level, language=language)
    return (content, name) if job_file_exists(name) else None


def dossier_cached_open(*, case: Case, format: str, level: str, user, channel: str, request=None,
                        language: str = DEFAULT_DOSSIER_LANGUAGE):
    """The stored render of ``case``'s current data for ``user``, recorded as handed out; or None.

    Returns (bytes, download name, content type). Checks as :func:`dossier_render_enqueue` does.
    """
    dossier_access_check(case=case, format=format, level=level, user=user, language=language)
    found = dossier_cached(case=case, format=format, level=level, language=language)
    if found is None:
        return None
    content, name = found
    with job_files().open(name, "rb") as file:
        data = file.read()
    dossier_generation_record(
        case=case,
        user=user,
        level=level,
        format=format,
        channel=channel,
        digest=content["cover"]["digest"],
        file_sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        request=request,
        language=language,
    )
    return data, dossier_filename(case=case, format=format, level=level), CONTENT_TYPES[Format(format)]


def dossier_render_run(*, job: Job, progress) -> JobResult:
    """Render the job's dossier, unless its content was rendered before (then reuse that file)."""
    params = job.params
    case = Case.objects.filter(pk=params["case"]).first()
    if case is None:
        raise JobFailed(_("The case %(reference)s was deleted.") % {"reference": job.subject_label})
    format, level = params["format"], params["level"]
    language = params.get("language") or DEFAULT_DOSSIER_LANGUAGE
    with translation.override(language):
        content = dossier_content(case=case, level=level)
        progress(20)
        digest = content["cover"]["digest"]
        name = render_name(digest=digest, format=format, level=level, language=language)
        cached = job_file_exists(name)
        if not cached:
            try:
                data = RENDERERS[Format(format)](content)
            except ImproperlyConfigured as exc:
                raise JobFailed(_("This server cannot make this format: %(reason)s") % {"reason": exc}) from exc
            progress(90)
            job_file_write(name, data)
        else:
            with job_files().open(name, "rb") as file:
                data = file.read()
    dossier_ready.send(sender=Job, case=case, job=job, format=format, level=level)
    return JobResult(
        file=name,
        name=dossier_filename(case=case, format=format, level=level),
        content_type=CONTENT_TYPES[Format(format)],
        size=len(data),
        meta={"digest": digest, "sha256": hashlib.sha256(data).hexdigest(), "cached": cached},
    )


def dossier_render_deliver(*, job: Job, user, request=None, channel: str = "api") -> None:
    """Before a download: the user must still see the case and be allowed the level; then record it."""
    case = Case.objects.filter(pk=job.params["case"]).first()
    if case is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("The case of this dossier was deleted."))
    params = job.params
    dossier_access_check(case=case, format=params["format"], level=params["level"], user=user)
    dossier_generation_record(
        case=case,
        user=user,
        level=params["level"],
        format=params["format"],
        channel=DossierGeneration.Channel.ADMIN if channel == "admin" else DossierGeneration.Channel.API,
        digest=job.result_meta.get("digest", ""),
        file_sha256=job.result_meta.get("sha256", ""),
        size=job.result_size or 0,
        request=request,
        language=params.get("language") or DEFAULT_DOSSIER_LANGUAGE,
    )


def _describe(job: Job) -> str:
    return _("%(format)s dossier, %(level)s") % {
        "format": Format(job.params["format"]).label,
        "level": job.params["level"],
    }


register(
    JobKind(
        name=KIND,
        label=gettext_lazy("Dossier"),
        run=dossier_render_run,
        subject_model="cases.Case",
        deliver=dossier_render_deliver,
        describe=_describe,
    )
)
