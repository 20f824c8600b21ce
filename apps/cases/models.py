from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord, Versioned
from apps.core.partial_dates import (
    PartialDateDescriptor,
    partial_date_constraints,
    partial_date_fields,
)

REFERENCE_PATTERN = r"^CT-\d{4}-\d{4,}$"


class CaseManager(models.Manager):
    def get_by_natural_key(self, reference):
        return self.get(reference=reference)


class Case(PublicRecord):
    """The unit caseworkers work in: one or more people facing the same proceedings."""

    class Status(models.TextChoices):
        # "open" is also a deadline's state (another word in Russian): each has its context.
        OPEN = "open", pgettext_lazy("case status", "Open")
        MONITORING = "monitoring", _("Monitoring")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        # Numbers so that "most urgent first" is a plain descending sort.
        LOW = 10, _("Low")
        NORMAL = 20, _("Normal")
        HIGH = 30, _("High")
        URGENT = 40, _("Urgent")

    reference = models.CharField(
        max_length=32,
        unique=True,
        validators=[RegexValidator(REFERENCE_PATTERN, _("Use the form CT-YYYY-NNNN, e.g. CT-2013-0001."))],
        help_text=_("CT-YYYY-NNNN; leave empty to number the case automatically."), verbose_name=_("reference"),
    )
    title = models.CharField(max_length=255, verbose_name=_("title"))
    subjects = models.ManyToManyField("people.Individual", related_name="cases", verbose_name=_("subjects"))
    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="owned_cases",
        # Indexed with the case's id (Meta.indexes: case_organization) rather than alone.
        db_index=False,
        help_text=_("The organization that holds this case."), verbose_name=_("organization"),
    )
    caseworkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases", verbose_name=_("caseworkers")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True, verbose_name=_("status"))
    closed_reason = models.CharField(max_length=255, blank=True, verbose_name=_("closed reason"))
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.NORMAL, db_index=True, verbose_name=_("priority")
    )
    opened_on = models.DateField(verbose_name=_("opened on"))
    closed_on = models.DateField(null=True, blank=True, verbose_name=_("closed on"))
    summary = models.TextField(blank=True, verbose_name=_("summary"))

    objects = CaseManager()

    history = HistoricalRecords(m2m_fields=["subjects", "caseworkers"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-priority", "reference"]
        indexes = [
            # Every scoped read starts from the ids of the cases a user's organizations hold
            # (apps.cases.scoping.visible_case_ids): with the id in the index they are read
            # from it alone, not from a heap page per case (1,121 pages for 1,753 cases, 2.5 ms
            # of every scoped statement at 100,000 cases; docs/performance.md).
            models.Index(fields=["organization", "id"], name="case_organization"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
                violation_error_message=_("A case cannot be closed before it was opened."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="closed", closed_on__isnull=False) & ~models.Q(closed_reason="")
                )
                | (~models.Q(status="closed") & models.Q(closed_on__isnull=True)),
                name="case_closed_has_date_and_reason",
                violation_error_message=_("A closed case needs a closing date and a reason; an open one has neither."),
            ),
            models.CheckConstraint(
                condition=models.Q(reference__regex=REFERENCE_PATTERN),
                name="case_reference_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def natural_key(self):
        return (self.reference,)

    def clean(self) -> None:
        if self.status == self.Status.CLOSED:
            errors = {}
            if not self.closed_on:
                errors["closed_on"] = "Give the date the case was closed."
            if not self.closed_reason:
                errors["closed_reason"] = "Say why the case was closed."
            if errors:
                raise ValidationError(errors)
        elif self.closed_on or self.closed_reason:
            raise ValidationError({"status": _("Set the status to closed, or clear the closing date and reason.")})
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("A case cannot be closed before it was opened.")})


class Fact(PublicRecord):
    """A dated statement in a case's timeline, supported by quotes from sources."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="facts", verbose_name=_("case"))
    date_start, date_end, date_precision, date_approximate = partial_date_fields(_("date"))
    date = PartialDateDescriptor()
    statement = models.TextField(verbose_name=_("statement"))
    disputed = models.BooleanField(
        default=False,
        db_index=True,
        help_text=(
            _("The sources disagree: another fact of the case contradicts this one. Kept by the "
            "services from the contradiction links; it can be set only to what they say.")
        ), verbose_name=_("disputed"),
    )
    contradicts = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text=_("Facts of the same case that say otherwise."), verbose_name=_("contradicts"),
    )
    internal = models.BooleanField(
        default=False, help_text=_("For the team only: left out of public dossiers."), verbose_name=_("internal")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["case", "date_start", "-date_end", "created_at"]
        indexes = [
            models.Index(fields=["case", "date_start"], name="fact_case_date"),
            # The API lists facts newest first, by (created_at, id) (apps/cases/views.py).
            models.Index(fields=["created_at", "id"], name="fact_created"),
        ]
        constraints = [*partial_date_constraints("fact", "date")]

    def __str__(self) -> str:
        when = self.date or "undated"
        statement = self.statement if len(self.statement) <= 80 else self.statement[:77] + "…"
        return f"{when}: {statement}"


class CaseShare(Versioned):
    """A case shown to one user outside its organization, e.g. a partner lawyer.

    A share grants reading only: writes stay with the organization that holds the case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares", verbose_name=_("case"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_shares", verbose_name=_("user"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("granted by")
    )
    reason = models.CharField(max_length=255, help_text=_("Why this person needs the case, e.g. “appeal counsel”."), verbose_name=_("reason"))
    expires_on = models.DateField(
        null=True, blank=True, help_text=_("Last day the share is valid; empty for no end date."), verbose_name=_("expires on")
    )
    reveals_identity = models.BooleanField(
        _("shows the protected identity"),
        default=False,
        help_text=(
            _("Whether this person may also see the subjects' legal names, dates of birth and "
            "contact details. Off unless you decide they need them.")
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    history = HistoricalRecords(table_name="access_historicalcaseshare")

    class Meta:
        # Moved here from the access app: the table keeps its name, so no data moved.
        verbose_name = _("case share")
        verbose_name_plural = _("case shares")
        db_table = "access_caseshare"
        ordering = ["case", "user"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="caseshare_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} shared with {self.user}"
