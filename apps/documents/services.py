"""Writes on documents: upload, change of the description, extraction of the text, deletion.

The original bytes are stored once, encrypted (apps/documents/storage.py), and never changed;
what a caseworker may change afterwards is the description (title, kind, proceeding). The
text is written by the extraction only, and not at all once a citation quotes it.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from apps.core import audit, scoping
from apps.core.audit import SensitiveAction
from apps.core.services import record_update
from apps.documents import storage
from apps.documents.extraction import ExtractionError, extract
from apps.documents.models import Document

logger = logging.getLogger(__name__)

# The file types accepted, by their first bytes (never by the name or the type a browser
# claims: both are the uploader's to choose).
MAGIC = (
    (b"%PDF-", Document.ContentType.PDF),
    (b"\x89PNG\r\n\x1a\n", Document.ContentType.PNG),
    (b"\xff\xd8\xff", Document.ContentType.JPEG),
    (b"II*\x00", Document.ContentType.TIFF),
    (b"MM\x00*", Document.ContentType.TIFF),
)


class TamperedDocument(Exception):
    """The stored file does not give back the bytes that were uploaded (hash or decryption)."""


def content_type_sniff(data: bytes) -> str:
    """The accepted type ``data`` is, by its magic bytes; ValidationError on ``file`` otherwise."""
    for magic, content_type in MAGIC:
        if data.startswith(magic):
            return content_type
    raise ValidationError(
        {
            "file": ValidationError(
                _("This file is not a PDF, PNG, JPEG or TIFF (judged by its content, not its name)."),
                code="file_type",
            )
        }
    )


def _check_size(size: int) -> None:
    if size == 0:
        raise ValidationError({"file": ValidationError(_("The file is empty."), code="empty")})
    if size > settings.DOCUMENTS_MAX_BYTES:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The file is %(size)s; the largest accepted is %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(settings.DOCUMENTS_MAX_BYTES)},
                    code="too_large",
                )
            }
        )


def _read_upload(file) -> bytes:
    """The bytes of an uploaded file (or bytes), reading at most one byte past the limit."""
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(settings.DOCUMENTS_MAX_BYTES + 1)


@transaction.atomic
def document_upload(
    *,
    case,
    file,
    title: str = "",
    kind: str = Document.Kind.OTHER,
    proceeding=None,
    original_name: str = "",
    uploaded_by: AbstractBaseUser | None = None,
    extract_now: bool = False,
    public_id=None,
) -> Document:
    """Store an uploaded file as a document of ``case``: hashed, encrypted, its text to extract.

    ``file`` is an uploaded file or bytes. The type is judged by the first bytes (PDF, PNG,
    JPEG, TIFF), the size against DOCUMENTS_MAX_BYTES; refusals are on ``file``. The text is
    read by a ``document_extract`` job queued when the upload commits (or here, with
    ``extract_now``: the seed builder and tests).
    """
    data = _read_upload(file)
    _check_size(len(data))
    content_type = content_type_sniff(data)
    original_name = (original_name or getattr(file, "name", "") or "")[-255:]
    name = storage.new_name()
    document = Document(
        case=case,
        proceeding=proceeding,
        kind=kind,
        title=title.strip() or original_name or _("Untitled document"),
        original_name=original_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_name=name,
        uploaded_by=uploaded_by if uploaded_by is not None and uploaded_by.is_authenticated else None,
    )
    if public_id:
        document.public_id = public_id
    document.full_clean()
    storage.stored_write(name, data)
    try:
        document.save()
        if extract_now:
            document = document_extract(document=document)
        else:
            document_extract_enqueue(document=document, user=uploaded_by)
    except BaseException:
        # Not saved: the file must not stay behind. (A caller's transaction rolled back later
        # leaves an encrypted file no row names; it holds nothing readable without a row.)
        storage.stored_remove(name)
        raise
    return document


def document_content(*, document: Document) -> bytes:
    """The original bytes, decrypted and checked against the SHA-256 taken at upload.

    Raises TamperedDocument when the file is missing, undecryptable or gives other bytes.
    """
    try:
        data = storage.stored_read(document.storage_name)
    except storage.UnreadableDocument as error:
        raise TamperedDocument(str(error)) from error
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise TamperedDocument("The stored file does not match the SHA-256 taken at upload.")
    return data


def document_open(*, document: Document, user, request=None, channel: str = "api") -> bytes:
    """The original bytes for ``user`` to download: checked against scoping, logged."""
    if not scoping.visible(Document, user).filter(pk=document.pk).exists():
        raise PermissionDenied(_("This record belongs to an organization you are not a member of."))
    data = document_content(document=document)
    audit.record(
        user=user,
        action=SensitiveAction.DOCUMENT_DOWNLOAD,
        obj=document,
        detail={"channel": channel, "sha256": document.sha256},
        request=request,
    )
    return data


DOCUMENT_CHANGEABLE = ("title", "kind", "proceeding")


def document_update(*, document: Document, **changes) -> tuple[Document, bool]:
    """Change a document's description. The file, its hash and its text are not changeable."""
    for name in changes:
        if name not in DOCUMENT_CHANGEABLE:
            raise ValidationError(
                {name: _("This cannot be changed: upload the corrected file as a new document.")}
            )
    return record_update(record=document, fields=DOCUMENT_CHANGEABLE, data=changes)


def _quoted(document: Document) -> bool:
    return document.citations.exists()


@transaction.atomic
def document_extract(*, document: Document) -> Document:
    """Read the document's text (text layer or OCR) and store it with the method and state.

    A quoted document's text stays as it is (every citation's offsets point into it).
    """
    document = Document.objects.select_for_update().get(pk=document.pk)
    if _quoted(document):
        raise ValidationError(
            {
                "text": ValidationError(
                    _("This document is quoted by citations; its text can no longer change."),
                    code="protected",
                )
            }
        )
    try:
        result = extract(document_content(document=document), content_type=document.content_type)
    except (ExtractionError, TamperedDocument) as error:
        record_update(
            record=document,
            fields=("text", "text_state", "text_method", "text_languages", "text_error"),
            data={
                "text": "",
                "text_state": Document.TextState.FAILED,
                "text_method": "",
                "text_languages": "",
                "text_error": str(error)[:500],
            },
        )
        return document
    record_update(
        record=document,
        fields=("text", "text_state", "text_method", "text_languages", "text_error"),
        data={
            "text": result.text,
            "text_state": Document.TextState.EXTRACTED,
            "text_method": result.method,
            "text_languages": result.languages,
            "text_error": "",
        },
    )
    return document


def document_extract_enqueue(*, document: Document, user=None):
    """Queue the ``document_extract`` job for ``document``; its state goes back to pending."""
    from apps.jobs.services import job_enqueue

    if _quoted(document):
        raise ValidationError(
            {
                "text": ValidationError(
                    _("This document is quoted by citations; its text can no longer change."),
                    code="protected",
                )
            }
        )
    if document.text_state != Document.TextState.PENDING:
        record_update(
            record=document,
            fields=("text", "text_state", "text_error"),
            data={"text": "", "text_state": Document.TextState.PENDING, "text_error": ""},
        )
    return job_enqueue(
        kind="document_extract",
        params={"document": document.pk},
        requested_by=user,
        subject=document,
        subject_label=document.title[:200],
    )


@transaction.atomic
def document_delete(*, document: Document) -> None:
    """Delete a document nothing quotes, and its stored file once the deletion commits."""
    if _quoted(document):
        count = document.citations.count()
        raise ValidationError(
            _("“%(title)s” is quoted by %(count)s citation(s) and cannot be deleted.")
            % {"title": document.title, "count": count},
            code="protected",
        )
    name = document.storage_name
    document.delete()
    transaction.on_commit(lambda: storage.stored_remove(name))
