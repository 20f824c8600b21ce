"""Deadlines from rules, the calendars they count in, and the work beside them.

A :class:`DeadlineRule` says which proceeding event starts a clock, how long it runs and in
which unit, on which calendar, and on what legal basis. A :class:`Deadline` is one such clock
in one case (or a manual one), with its computed due date, an override, its state and any
suspension. Case notes and tasks are the caseworkers' own entries beside them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord
from apps.proceedings.models import Proceeding, ProceedingEvent


class Closure(models.Model):
    """Days an organization is closed (office closure, staff retreat): not working days for it."""

    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="closures",
        verbose_name=_("organization"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["organization", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_it_starts",
                violation_error_message=_("A closure cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.starts_on}–{self.ends_on} ({self.reason})"


class DeadlineRule(PublicRecord):
    """When a proceeding's event starts a deadline, how long it runs and on what legal basis.

    The figure is either the rule's own ``offset`` or, when that is empty, its provision's
    ``time_limit_days`` read when the deadline is computed (never copied: correcting the
    provision corrects every deadline counted from it). A figure that no stored source supports
    is *unverified* (:attr:`verified`), and says so wherever it shows.
    """

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar_days", _("calendar days")
        WORKING_DAYS = "working_days", _("working days")
        HOURS = "hours", _("hours")

    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("What the deadline is for, in general words (it appears in calendars), e.g. “Appeal against a refusal”."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive rules start no new deadlines."))
    proceeding_kind = models.CharField(
        _("proceeding kind"), max_length=40, choices=Proceeding.Kind.choices, blank=True,
        help_text=_("Empty: a proceeding of any kind."),
    )
    event_kind = models.CharField(
        _("trigger event"), max_length=16, choices=ProceedingEvent.Kind.choices,
        help_text=_("The event of the proceeding that starts the clock, e.g. the decision."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Proceeding.Outcome.choices, blank=True,
        help_text=_("Only proceedings with this outcome, e.g. refused. Empty: any outcome."),
    )
    jurisdiction = CountryField(
        _("jurisdiction"), blank=True, help_text=_("Only proceedings in this country. Empty: any country.")
    )
    offset = models.PositiveIntegerField(
        _("time limit"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("How many units the deadline runs. Empty: the provision's own time limit."),
    )
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, default=Unit.CALENDAR_DAYS)
    roll_forward = models.BooleanField(
        _("moves to the next working day"), default=True,
        help_text=_("A deadline that ends on a weekend, holiday or closure moves to the next working day."),
    )
    calendar_country = CountryField(
        _("holiday calendar"), blank=True,
        help_text=_("Whose public holidays count. Empty: the proceeding's country (weekends only if none)."),
    )
    provision = models.ForeignKey(
        "agreements.Provision", null=True, blank=True, on_delete=models.PROTECT, related_name="deadline_rules",
        verbose_name=_("legal basis (provision)"),
        help_text=_("The provision that sets this time limit; its citations are the rule's source."),
    )
    source_article = models.ForeignKey(
        "sources.Article", null=True, blank=True, on_delete=models.PROTECT, related_name="deadline_rules",
        verbose_name=_("legal source (article)"),
        help_text=_("A stored text that states the figure, when no provision of an agreement does."),
    )
    source_quote = models.TextField(
        _("legal source (quote)"), blank=True,
        help_text=_("The exact words of that text that state the figure."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offset__isnull=False) | models.Q(provision__isnull=False),
                name="deadlinerule_has_a_figure",
                violation_error_message=_("Give a time limit, or a provision whose time limit applies."),
            ),
            models.CheckConstraint(
                condition=models.Q(offset__isnull=True) | models.Q(offset__gte=1),
                name="deadlinerule_offset_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(source_article__isnull=True, source_quote="")
                | (models.Q(source_article__isnull=False) & ~models.Q(source_quote="")),
                name="deadlinerule_source_article_and_quote",
                violation_error_message=_("A legal source is an article and the exact words quoted from it."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def figure(self) -> int | None:
        """The number of units, read from the provision when the rule gives none."""
        if self.offset is not None:
            return self.offset
        return self.provision.time_limit_days if self.provision_id else None

    @property
    def verified(self) -> bool:
        """Whether a stored source supports the figure.

        The provision's own time limit is supported when the provision is quoted from a
        source; an own figure, when the rule quotes the text that states it.
        """
        if self.source_article_id and self.source_quote:
            return True
        if self.offset is None and self.provision_id:
            cached = getattr(self.provision, "_prefetched_objects_cache", {}).get("citations")
            if cached is not None:
                return bool(cached)
            return self.provision.citations.exists()
        return False

    def figure_display(self) -> str:
        figure = self.figure
        return f"{figure} {self.get_unit_display()}" if figure is not None else str(_("no figure"))


class Deadline(PublicRecord):
    """One deadline in a case: computed from a rule and its trigger event, or set by hand."""

    class State(models.TextChoices):
        # Not yet met, missed or waived; a case's "Open" status is another word in Russian.
        OPEN = "open", pgettext_lazy("deadline state", "open")
        MET = "met", _("met")
        MISSED = "missed", _("missed")
        WAIVED = "waived", _("waived")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("case"))
    rule = models.ForeignKey(
        DeadlineRule, null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines",
        verbose_name=_("rule"), help_text=_("Empty for a deadline set by hand."),
    )
    trigger = models.ForeignKey(
        ProceedingEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="deadlines",
        verbose_name=_("trigger event"),
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True,
        help_text=_("For a deadline set by hand: what is due. Computed ones are named by their rule."),
    )
    computed_due_on = models.DateField(
        _("due date before suspension and override"), null=True, blank=True,
        help_text=_("The rule's result; for a deadline set by hand, its date."),
    )
    trigger_inexact = models.BooleanField(
        _("trigger date inexact"), default=False, editable=False,
        help_text=_("The trigger's date is known only roughly: the due date counts from its earliest day."),
    )
    override_due_on = models.DateField(_("due date set by hand"), null=True, blank=True)
    override_reason = models.CharField(_("reason for the date set by hand"), max_length=500, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, editable=False, db_index=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    state_note = models.CharField(_("note on the state"), max_length=500, blank=True)
    suspended_since = models.DateField(
        _("suspended since"), null=True, blank=True, editable=False,
        help_text=_("While the case is on hold the clock stops; it resumes with the days added."),
    )
    suspension_reason = models.CharField(_("reason for the suspension"), max_length=500, blank=True)
    suspended_days = models.PositiveIntegerField(_("days suspended"), default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "case"]
        indexes = [models.Index(fields=["state", "due_on"], name="deadline_state_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "trigger"], name="deadline_once_per_rule_and_trigger",
                condition=models.Q(rule__isnull=False, trigger__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(override_due_on__isnull=True) | ~models.Q(override_reason=""),
                name="deadline_override_has_reason",
                violation_error_message=_("Say why the due date is set by hand."),
            ),
            models.CheckConstraint(
                condition=models.Q(rule__isnull=False) | ~models.Q(title="") ,
                name="deadline_manual_has_title",
                violation_error_message=_("A deadline set by hand needs a title."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.kind_label} — {self.due_on or _('no date')}"

    @property
    def kind_label(self) -> str:
        """The deadline's kind in general words (what calendars and e-mails show)."""
        return self.rule.name if self.rule_id else str(_("Deadline set by hand"))

    @property
    def label(self) -> str:
        return self.title or self.kind_label

    @property
    def unverified(self) -> bool:
        return self.rule_id is not None and self.override_due_on is None and not self.rule.verified

    @property
    def suspended(self) -> bool:
        return self.suspended_since is not None


class DeadlineReminder(models.Model):
    """A reminder sent for a deadline at one step (working days before it is due): never twice."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    step = models.PositiveSmallIntegerField(_("working days before"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [models.UniqueConstraint(fields=["deadline", "step"], name="reminder_once_per_step")]

    def __str__(self) -> str:
        return f"{self.deadline} (T-{self.step})"


class CalendarFeed(models.Model):
    """A user's iCalendar address: a secret token, stored as its SHA-256, revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("user")
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        state = _("revoked") if self.revoked_at else _("active")
        return f"{self.user} ({state})"


class CaseNote(PublicRecord):
    """An internal note on a case, for the team: never in a dossier."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.text[:60]}"


class CaseTask(PublicRecord):
    """Something to do in a case, assigned to someone, with a due date."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case"))
    title = models.CharField(_("task"), max_length=255)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_on", "due_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.title}"
