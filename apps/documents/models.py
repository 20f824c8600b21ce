"""A case's documents: decisions, letters and scans, kept as uploaded and encrypted at rest."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord


class Document(PublicRecord):
    """A file uploaded to a case (and perhaps one of its proceedings), with its extracted text.

    The bytes live outside the database, encrypted, under ``storage_name`` (random, never the
    uploader's file name) in ``DOCUMENTS_ROOT``; ``sha256`` is over the original bytes and is
    checked on every read. The original is never changed: a corrected scan is a new document.
    ``text`` is the extracted text in the normal form of article bodies, and what a citation of
    the document quotes (offsets into it), so it cannot change once quoted.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        LETTER = "letter", _("Letter")
        SCAN = "scan", _("Scan")
        OTHER = "other", _("Other document")

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"
        TIFF = "image/tiff", "TIFF"

    class TextState(models.TextChoices):
        PENDING = "pending", _("Pending")
        EXTRACTED = "extracted", _("Extracted")
        FAILED = "failed", _("Failed")

    class TextMethod(models.TextChoices):
        NONE = "", _("Not yet")
        TEXT_LAYER = "text_layer", _("PDF text layer")
        OCR = "ocr", _("OCR")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="documents", verbose_name=_("case")
    )
    proceeding = models.ForeignKey(
        "proceedings.Proceeding",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text=_("The proceeding of the case this document belongs to, if any."),
        verbose_name=_("proceeding"),
    )
    title = models.CharField(max_length=255, verbose_name=_("title"))
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER, verbose_name=_("kind"))
    original_name = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("The file's name as uploaded; shown only."),
        verbose_name=_("file name"),
    )
    content_type = models.CharField(
        max_length=32, choices=ContentType.choices, editable=False, verbose_name=_("file type")
    )
    size = models.PositiveBigIntegerField(editable=False, verbose_name=_("size (bytes)"))
    sha256 = models.CharField(
        max_length=64,
        editable=False,
        verbose_name=_("SHA-256"),
        help_text=_("Of the original bytes, as uploaded."),
    )
    storage_name = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("stored as"))
    text = models.TextField(blank=True, editable=False, verbose_name=_("text"))
    text_state = models.CharField(
        max_length=16,
        choices=TextState.choices,
        default=TextState.PENDING,
        editable=False,
        verbose_name=_("text state"),
    )
    text_method = models.CharField(
        max_length=16,
        choices=TextMethod.choices,
        blank=True,
        default="",
        editable=False,
        verbose_name=_("text method"),
    )
    text_languages = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The OCR languages, tesseract's codes."),
        verbose_name=_("OCR languages"),
    )
    text_error = models.CharField(
        max_length=500, blank=True, editable=False, verbose_name=_("extraction error")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["case", "-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="document_created")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(sha256=""), name="document_sha256_not_empty"),
            models.CheckConstraint(
                condition=models.Q(text="") | models.Q(text_state="extracted"),
                name="document_text_only_when_extracted",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.proceeding_id and self.case_id and self.proceeding.case_id != self.case_id:
            raise ValidationError({"proceeding": _("This proceeding belongs to another case.")})
