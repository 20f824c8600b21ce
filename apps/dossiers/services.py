"""Generating a dossier: the one entry point for the admin, the API and the command line."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.access.models import AccessLog
from apps.access.services import access_log_record
from apps.cases.models import Case
from apps.cases.scoping import visible_cases
from apps.dossiers.levels import dossier_level_check
from apps.dossiers.models import DossierGeneration, Format, Level
from apps.dossiers.renderers.bundle import render_bundle
from apps.dossiers.renderers.docx import render_docx
from apps.dossiers.renderers.html import render_html
from apps.dossiers.renderers.jsonfile import render_json
from apps.dossiers.renderers.pdf import render_pdf
from apps.dossiers.selectors import bundle_originals, dossier_content

CONTENT_TYPES = {
    Format.PDF: "application/pdf",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.HTML: "text/html; charset=utf-8",
    Format.JSON: "application/json",
    Format.ZIP: "application/zip",
}

RENDERERS = {
    Format.PDF: render_pdf,
    Format.DOCX: render_docx,
    Format.HTML: lambda content: render_html(content).encode("utf-8"),
    Format.JSON: render_json,
    Format.ZIP: lambda content: render_bundle(content, bundle_originals(content)),
}


# The languages a dossier can be written in (its headings, labels and dates; the quoted
# sources stay as they were published). English unless asked, whatever the reader's interface.
DOSSIER_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
DEFAULT_DOSSIER_LANGUAGE = "en"


def dossier_filename(*, case: Case, format: str, level: str) -> str:
    """The download name, which says the case, the level and, for a ZIP, that it is evidence."""
    kind = "evidence" if format == Format.ZIP else "dossier"
    return f"{case.reference}-{kind}-{level}.{format}"


def dossier_generate(
    *,
    case: Case,
    format: str,
    level: str,
    user: AbstractBaseUser | None,
    channel: str = DossierGeneration.Channel.ADMIN,
    request=None,
    language: str = DEFAULT_DOSSIER_LANGUAGE,
) -> tuple[bytes, str, str]:
    """Render ``case``'s dossier and record who generated it: (file bytes, filename, content type).

    ``user`` must see the case (apps.cases.scoping) and be allowed the level
    (apps.dossiers.levels); ``None`` means the operator of the command line, who already holds
    the database. The evidence bundle (ZIP) leaves out the time and the author from its content
    so that it stays reproducible; the record keeps both. Every generation is also written to
    the access log (``request`` gives it the client's address). ``language`` (one of
    ``DOSSIER_LANGUAGES``) is the language of the dossier's headings, labels and dates; quotes
    and everything caseworkers typed are shown as stored.
    """
    dossier_access_check(case=case, format=format, level=level, user=user, language=language)
    now = timezone.now()
    with translation.override(language):
        if format == Format.ZIP:
            content = dossier_content(case=case, level=level)
        else:
            author = (user.get_full_name() or user.get_username()) if user is not None else None
            content = dossier_content(case=case, level=level, generated_by=author, generated_at=now)
        data = RENDERERS[Format(format)](content)
    dossier_generation_record(
        case=case,
        user=user,
        level=level,
        format=format,
        channel=channel,
        digest=content["cover"]["digest"],
        file_sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        generated_at=now,
        request=request,
        language=language,
    )
    return data, dossier_filename(case=case, format=format, level=level), CONTENT_TYPES[Format(format)]


def dossier_generation_record(
    *,
    case: Case,
    user: AbstractBaseUser | None,
    level: str,
    format: str,
    channel: str,
    digest: str,
    file_sha256: str,
    size: int,
    generated_at=None,
    request=None,
    language: str = DEFAULT_DOSSIER_LANGUAGE,
) -> DossierGeneration:
    """Record that ``user`` was handed ``case``'s dossier (DossierGeneration and the access log)."""
    with transaction.atomic():
        record = DossierGeneration.objects.create(
            case=case,
            case_reference=case.reference,
            generated_by=user if user is not None and user.is_authenticated else None,
            generated_at=generated_at or timezone.now(),
            level=level,
            format=format,
            channel=channel,
            digest=digest,
            file_sha256=file_sha256,
            size=size,
        )
        access_log_record(
            user=user,
            action=AccessLog.Action.DOSSIER_GENERATE,
            obj=case,
            detail={"format": format, "level": level, "channel": channel, "digest": digest, "language": language},
            request=request,
        )
    return record


def dossier_access_check(*, case: Case, format: str, level: str, user: AbstractBaseUser | None,
                         language: str = DEFAULT_DOSSIER_LANGUAGE) -> None:
    """Raise ValueError for an unknown format, level or language, PermissionDenied unless
    ``user`` may have it."""
    if format not in Format.values:
        raise ValueError(f"Unknown dossier format {format!r}.")
    if level not in Level.values:
        raise ValueError(f"Unknown redaction level {level!r}.")
    if language not in DOSSIER_LANGUAGES:
        raise ValueError(f"Unknown dossier language {language!r}.")
    if language not in DOSSIER_LANGUAGES:
        raise ValueError(f"Unknown dossier language {language!r}.")
    if user is not None:
        if not visible_cases(user).filter(pk=case.pk).exists():
            raise PermissionDenied(_("You may not see this case."))
        dossier_level_check(user=user, level=level, cases=[case])


def format_check(format: str) -> None:
    """Raise ImproperlyConfigured now if this server lacks pandoc for a DOCX, rather than after
    the job waited in the queue. (Pango is not checked here: loading it would cost each web
    process the memory the renders were moved out of it to save; a job fails plainly without it.)"""
    if format == Format.DOCX:
        from apps.dossiers.renderers.docx import _pandoc

        _pandoc()
