from django.conf import settings
from django.db import models
from django.utils import timezone


class Level(models.TextChoices):
    """Who a dossier is for; decides what it may show (see apps.dossiers.levels)."""

    FULL = "full", "Full (internal)"
    LEGAL = "legal", "Legal (lawyers, courts)"
    PUBLIC = "public", "Public (journalists, reports)"


class Format(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    HTML = "html", "HTML"
    JSON = "json", "JSON"
    ZIP = "zip", "Evidence bundle (ZIP)"


class DossierGeneration(models.Model):
    """One dossier handed out: who generated which case's dossier, when, for whom, in what form.

    Kept when the case is deleted (the case reference is copied), because the record answers
    "who was given what" long after the case is closed.
    """

    class Channel(models.TextChoices):
        ADMIN = "admin", "Admin"
        API = "api", "API"
        COMMAND = "command", "Command line"

    case = models.ForeignKey(
        "cases.Case", null=True, on_delete=models.SET_NULL, related_name="dossier_generations"
    )
    case_reference = models.CharField(max_length=32, db_index=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(default=timezone.now, db_index=True)
    level = models.CharField(max_length=8, choices=Level.choices)
    format = models.CharField(max_length=8, choices=Format.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    digest = models.CharField(
        "content digest", max_length=64, help_text="SHA-256 of the dossier's content (canonical JSON)."
    )
    file_sha256 = models.CharField("SHA-256 of the file", max_length=64)
    size = models.PositiveIntegerField("size (bytes)")

    class Meta:
        ordering = ["-generated_at"]
        indexes = [models.Index(fields=["case", "-generated_at"], name="dossiergen_case_recent")]

    def __str__(self) -> str:
        return f"{self.case_reference} {self.get_format_display()} ({self.level}), {self.generated_at:%Y-%m-%d %H:%M}"
