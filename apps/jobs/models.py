"""A job: heavy work (a dossier render, later imports and notifications) done off the request."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of work asked for by a user, run by a worker, with its outcome.

    ``kind`` names a registered job kind (apps.jobs.registry) and ``params`` what it needs.
    ``subject`` (content type + id, with a label kept if it is deleted) is the record the job is
    about, e.g. a case: a job is visible to the person who asked for it while they may still
    see its subject (apps/jobs/scoping.py). The result is a file in the jobs' file storage
    (settings.JOBS_FILES_ROOT), several jobs may share one (a render cached by its content).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    subject_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("subject type"),
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    subject_label = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("What the job is about, e.g. a case reference.")
    )
    result_file = models.CharField(
        _("result file"), max_length=255, blank=True, help_text=_("Path in the jobs' file storage.")
    )
    result_name = models.CharField(_("download name"), max_length=255, blank=True)
    result_content_type = models.CharField(_("content type"), max_length=128, blank=True)
    result_size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    result_meta = models.JSONField(_("result details"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True, help_text=_("Why the job failed, in plain words."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="job_requester_recent"),
            models.Index(fields=["state", "created_at"], name="job_state_age"),
            models.Index(fields=["result_file"], name="job_result_file"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_label} ({self.get_state_display()})".replace("  ", " ")

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)
