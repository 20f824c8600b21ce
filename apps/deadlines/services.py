"""Writes on deadline rules, deadlines, calendar feeds, case notes and tasks.

Computed deadlines follow their trigger: the proceedings' services send
``apps.proceedings.signals.proceeding_changed`` after every write and :func:`deadlines_recompute`
(connected in ``listeners.py``) brings the proceeding's deadlines into line in the same
transaction. Periodic work, to be scheduled (cron or the scheduler): :func:`deadlines_mark_missed`
and :func:`deadline_reminders_send`, also run by ``manage.py mark_missed_deadlines`` and
``manage.py send_deadline_reminders``; both are safe to run any number of times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.models import Case
from apps.core.services import record_create, record_update
from apps.deadlines.calendar import WorkCalendar, due_date
from apps.deadlines.models import (
    CalendarFeed,
    CaseNote,
    CaseTask,
    Closure,
    Deadline,
    DeadlineReminder,
    DeadlineRule,
)
from apps.deadlines.signals import deadline_approaching, deadline_missed
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.services import quote_locate

# What a rule's change may touch.
RULE_CHANGEABLE = (
    "name", "active", "proceeding_kind", "event_kind", "outcome", "jurisdiction", "offset", "unit",
    "roll_forward", "calendar_country", "provision", "source_article", "source_quote", "notes",
)
# The note a deadline gets when its trigger no longer matches its rule; it reopens if it matches again.
NO_LONGER_APPLIES = "The rule no longer applies to the event that started this deadline."
REMINDER_STEPS = (5, 1)  # working days before the due date


# -- rules ----------------------------------------------------------------------------------


def _rule_check(rule_data: dict) -> None:
    offset, provision = rule_data.get("offset"), rule_data.get("provision")
    if offset is None and provision is not None and provision.time_limit_days is None:
        raise ValidationError({"offset": _(
            "The provision sets no time limit: give the figure here, or record the provision's time limit."
        )})
    article, quote = rule_data.get("source_article"), rule_data.get("source_quote") or ""
    if article is not None and quote:
        quote_locate(body=article.body, quote=quote)  # raises on "quote", naming it
    elif article is not None:
        raise ValidationError({"source_quote": _("Quote the words of the article that state the figure.")})
    elif quote:
        raise ValidationError({"source_article": _("Choose the article these words are from.")})


@transaction.atomic
def deadline_rule_create(*, public_id=None, **data) -> DeadlineRule:
    """Create a rule and start its deadlines for every matching event already recorded."""
    _rule_check(data)
    rule = record_create(model=DeadlineRule, data=data, public_id=public_id)
    deadline_rule_apply(rule=rule)
    return rule


@transaction.atomic
def deadline_rule_update(*, rule: DeadlineRule, **changes) -> tuple[DeadlineRule, bool]:
    """Change a rule; its deadlines are recomputed (and new matches started) at once."""
    merged = {name: getattr(rule, name) for name in RULE_CHANGEABLE}
    merged.update(changes)
    _rule_check(merged)
    rule, changed = record_update(record=rule, fields=RULE_CHANGEABLE, data=changes)
    if changed:
        deadline_rule_apply(rule=rule)
    return rule, changed


def _matching_proceedings(rule: DeadlineRule):
    proceedings = Proceeding.objects.filter(events__kind=rule.event_kind)
    if rule.proceeding_kind:
        proceedings = proceedings.filter(kind=rule.proceeding_kind)
    if rule.outcome:
        proceedings = proceedings.filter(outcome=rule.outcome)
    if rule.jurisdiction:
        proceedings = proceedings.filter(country=rule.jurisdiction)
    return proceedings


def deadline_rule_apply(*, rule: DeadlineRule) -> None:
    """Bring every deadline of ``rule`` into line with the rule and the events it matches."""
    proceeding_ids = set(_matching_proceedings(rule).values_list("pk", flat=True))
    proceeding_ids |= set(rule.deadlines.exclude(trigger=None).values_list("trigger__proceeding_id", flat=True))
    for proceeding in Proceeding.objects.filter(pk__in=proceeding_ids).select_related("case"):
        deadlines_recompute(proceeding=proceeding)


# -- computing ------------------------------------------------------------------------------


def _closures(case: Case) -> list[tuple[dt.date, dt.date]]:
    return list(Closure.objects.filter(organization_id=case.organization_id).values_list("starts_on", "ends_on"))


def deadline_calendar(deadline: Deadline) -> WorkCalendar:
    """The working days a deadline counts in: its rule's country (or its proceeding's), less closures."""
    country = ""
    if deadline.rule_id and deadline.rule.calendar_country:
        country = deadline.rule.calendar_country.code
    elif deadline.trigger_id:
        country = deadline.trigger.proceeding.country.code or ""
    return WorkCalendar.of(country=country or "", closed=_closures(deadline.case))


def _rule_matches(rule: DeadlineRule, proceeding: Proceeding, event: ProceedingEvent) -> bool:
    return (
        rule.active
        and rule.event_kind == event.kind
        and rule.proceeding_kind in ("", proceeding.kind)
        and rule.outcome in ("", proceeding.outcome)
        and (not rule.jurisdiction or rule.jurisdiction == proceeding.country)
    )


def _computed(deadline: Deadline, calendar: WorkCalendar) -> tuple[dt.date | None, bool]:
    """The rule's due date for ``deadline`` (with its suspension added) and whether it is inexact."""
    if deadline.rule_id is None:
        base, inexact = deadline.computed_due_on, False
    elif deadline.trigger_id is None:
        return deadline.computed_due_on, deadline.trigger_inexact  # its trigger is gone: kept as it was
    else:
        figure = deadline.rule.figure
        if figure is None:
            return None, False
        event = deadline.trigger
        base = due_date(start=event.date_start, amount=figure, unit=deadline.rule.unit, calendar=calendar,
                        roll_forward=deadline.rule.roll_forward)
        inexact = event.date_precision != "day" or event.date_approximate
    return base, inexact


def _effective(*, override: dt.date | None, computed: dt.date | None, suspended_days: int,
               roll_forward: bool, calendar: WorkCalendar) -> dt.date | None:
    if override is not None:
        return override
    if computed is None:
        return None
    due = computed + dt.timedelta(days=suspended_days)
    return calendar.next_working_day(due) if suspended_days and roll_forward else due


def deadline_recompute(*, deadline: Deadline) -> tuple[Deadline, bool]:
    """Compute ``deadline``'s due date again from its rule, trigger, suspension and override."""
    calendar = deadline_calendar(deadline)
    changes = {}
    computed = deadline.computed_due_on
    if deadline.rule_id is not None:
        computed, inexact = _computed(deadline, calendar)
        changes.update(computed_due_on=computed, trigger_inexact=inexact)
    changes["due_on"] = _effective(
        override=deadline.override_due_on, computed=computed, suspended_days=deadline.suspended_days,
        roll_forward=deadline.rule.roll_forward if deadline.rule_id else True, calendar=calendar,
    )
    return record_update(record=deadline, fields=changes.keys(), data=changes)


@transaction.atomic
def deadlines_recompute(*, proceeding: Proceeding) -> list[Deadline]:
    """Start, recompute or retire the computed deadlines of ``proceeding``'s events.

    Called whenever the proceeding or one of its events is recorded or changed. A deadline
    whose trigger no longer matches its rule (e.g. the outcome is no longer "refused") is
    waived with a note saying so, never deleted; it reopens if the trigger matches again.
    """
    proceeding = Proceeding.objects.select_related("case").get(pk=proceeding.pk)
    events = list(proceeding.events.all())
    rules = list(DeadlineRule.objects.filter(active=True, event_kind__in={e.kind for e in events})
                 .select_related("provision"))
    existing = {
        (d.rule_id, d.trigger_id): d
        for d in Deadline.objects.filter(trigger__proceeding=proceeding, rule__isnull=False)
        .select_related("rule__provision", "trigger__proceeding", "case")
    }
    touched = []
    for event in events:
        for rule in rules:
            if not _rule_matches(rule, proceeding, event):
                continue
            deadline = existing.pop((rule.pk, event.pk), None)
            if deadline is None:
                deadline = record_create(
                    model=Deadline, data={"case": proceeding.case, "rule": rule, "trigger": event}
                )
            elif deadline.state == Deadline.State.WAIVED and deadline.state_note == NO_LONGER_APPLIES:
                deadline, _changed = record_update(
                    record=deadline, fields=("state", "state_note"),
                    data={"state": Deadline.State.OPEN, "state_note": ""},
                )
            deadline.trigger = event  # the fresh one, with its new date
            deadline, _changed = deadline_recompute(deadline=deadline)
            touched.append(deadline)
    for deadline in existing.values():
        if deadline.state == Deadline.State.OPEN:
            record_update(record=deadline, fields=("state", "state_note"),
                          data={"state": Deadline.State.WAIVED, "state_note": NO_LONGER_APPLIES})
        else:
            deadline_recompute(deadline=deadline)
    return touched


def deadlines_trigger_removed(*, event: ProceedingEvent) -> None:
    """Before an event is deleted: its open deadlines are waived, saying why (they are kept)."""
    for deadline in Deadline.objects.filter(trigger=event, state=Deadline.State.OPEN):
        record_update(record=deadline, fields=("state", "state_note"),
                      data={"state": Deadline.State.WAIVED,
                            "state_note": _("The event that started this deadline was deleted.")})


# -- a deadline's own changes ---------------------------------------------------------------


@transaction.atomic
def deadline_create_manual(*, case: Case, title: str, due_on: dt.date, public_id=None) -> Deadline:
    """A deadline set by hand in a case (a hearing date given by a court, a promise to a client)."""
    if due_on is None:
        raise ValidationError({"computed_due_on": _("Give the due date.")})
    deadline = record_create(
        model=Deadline, data={"case": case, "title": title, "computed_due_on": due_on, "due_on": due_on},
        public_id=public_id,
    )
    return deadline


@transaction.atomic
def deadline_update(*, deadline: Deadline, **changes) -> tuple[Deadline, bool]:
    """Change a deadline: its override (with a reason), state, note, or a manual one's title and date.

    A date set by hand replaces the computed one until it is cleared; the computed date is
    still kept and shown beside it. A computed deadline's own rule and trigger never change here.
    """
    allowed = {"override_due_on", "override_reason", "state", "state_note"}
    if deadline.rule_id is None:
        allowed |= {"title", "computed_due_on"}
    refused = sorted(set(changes) - allowed)
    if refused:
        raise ValidationError({name: _("This cannot be changed on this deadline.") for name in refused})
    if changes.get("override_due_on") is not None and not (
        changes.get("override_reason", deadline.override_reason) or ""
    ).strip():
        raise ValidationError({"override_reason": _("Say why the due date is set by hand.")})
    if "override_due_on" in changes and changes["override_due_on"] is None:
        changes.setdefault("override_reason", "")
    deadline, changed = record_update(record=deadline, fields=allowed, data=changes)
    if changed:
        deadline, _recomputed = deadline_recompute(deadline=deadline)
    return deadline, changed


@transaction.atomic
def deadline_suspend(*, deadline: Deadline, on: dt.date, reason: str) -> Deadline:
    """Stop ``deadline``'s clock from ``on`` (the case is on hold); :func:`deadline_resume` restarts it."""
    if deadline.state != Deadline.State.OPEN:
        raise ValidationError({"state": _("Only an open deadline can be suspended.")})
    if deadline.suspended_since is not None:
        raise ValidationError({"suspended_since": _("This deadline is already suspended.")})
    if not (reason or "").strip():
        raise ValidationError({"suspension_reason": _("Say why the case is on hold.")})
    deadline, _changed = record_update(
        record=deadline, fields=("suspended_since", "suspension_reason"),
        data={"suspended_since": on, "suspension_reason": reason},
    )
    return deadline


@transaction.atomic
def deadline_resume(*, deadline: Deadline, on: dt.date) -> Deadline:
    """Restart a suspended deadline on ``on``: it falls due later by the days it was suspended."""
    if deadline.suspended_since is None:
        raise ValidationError({"suspended_since": _("This deadline is not suspended.")})
    if on < deadline.suspended_since:
        raise ValidationError({"suspended_since": _("A suspension cannot end before it began.")})
    days = deadline.suspended_days + (on - deadline.suspended_since).days
    deadline, _changed = record_update(
        record=deadline, fields=("suspended_since", "suspension_reason", "suspended_days"),
        data={"suspended_since": None, "suspension_reason": "", "suspended_days": days},
    )
    deadline, _changed = deadline_recompute(deadline=deadline)
    return deadline


@transaction.atomic
def case_deadlines_suspend(*, case: Case, on: dt.date, reason: str) -> int:
    """Put a case on hold: suspend each of its open deadlines that runs. Returns how many."""
    deadlines = Deadline.objects.filter(case=case, state=Deadline.State.OPEN, suspended_since__isnull=True)
    count = 0
    for deadline in deadlines.select_related("rule", "case"):
        deadline_suspend(deadline=deadline, on=on, reason=reason)
        count += 1
    return count


@transaction.atomic
def case_deadlines_resume(*, case: Case, on: dt.date) -> int:
    """Take a case off hold: resume each of its suspended deadlines. Returns how many."""
    count = 0
    for deadline in Deadline.objects.filter(case=case, suspended_since__isnull=False).select_related("rule", "case"):
        deadline_resume(deadline=deadline, on=on)
        count += 1
    return count


# -- periodic work --------------------------------------------------------------------------


def deadlines_mark_missed(*, today: dt.date | None = None) -> int:
    """Mark open, running deadlines whose due date has passed as missed. Returns how many.

    Periodic work (``manage.py mark_missed_deadlines``); running it again changes nothing.
    """
    today = today or timezone.localdate()
    count = 0
    overdue = Deadline.objects.filter(state=Deadline.State.OPEN, suspended_since__isnull=True, due_on__lt=today)
    for deadline in overdue:
        with transaction.atomic():
            record_update(record=deadline, fields=("state", "state_note"),
                          data={"state": Deadline.State.MISSED,
                                "state_note": _("Marked missed: it was due on %(date)s.") % {"date": deadline.due_on}})
            deadline_missed.send(sender=Deadline, deadline=deadline)
        count += 1
    return count


@dataclass
class ReminderReport:
    sent: int = 0
    skipped: int = 0


def _reminder_text(deadline: Deadline, step: int) -> tuple[str, str]:
    # References, kinds and dates only: e-mail leaves the system, and with it anything it says.
    subject = _("%(reference)s: %(kind)s due %(date)s") % {
        "reference": deadline.case.reference, "kind": deadline.kind_label, "date": deadline.due_on.isoformat(),
    }
    body = "\n".join([
        _("Deadline in case %(reference)s: %(kind)s.") % {"reference": deadline.case.reference,
                                                           "kind": deadline.kind_label},
        _("Due on %(date)s, in %(step)s working day(s).") % {"date": deadline.due_on.isoformat(), "step": step},
        *([_("The rule's figure is unverified: no stored source supports it yet.")] if deadline.unverified else []),
        "",
        _("Open Casetracker to see the case."),
    ])
    return subject, body


def deadline_reminders_send(*, today: dt.date | None = None) -> ReminderReport:
    """E-mail the case's caseworkers 5 and 1 working days before each open deadline falls due.

    Periodic work (``manage.py send_deadline_reminders``), once a day or more often: a reminder
    is recorded (``DeadlineReminder``, unique per deadline and step) in the transaction that
    sends it, so no step is ever sent twice, and a failed send is tried again on the next run.
    When a run comes after both steps' days (a deadline set late), only the nearest is sent.
    """
    today = today or timezone.localdate()
    report = ReminderReport()
    horizon = today + dt.timedelta(days=31)  # 5 working days are never a month
    candidates = (
        Deadline.objects.filter(state=Deadline.State.OPEN, suspended_since__isnull=True,
                                due_on__gte=today, due_on__lte=horizon)
        .select_related("case", "rule__provision", "trigger__proceeding")
        .prefetch_related("reminders", "case__caseworkers")
    )
    for deadline in candidates:
        calendar = deadline_calendar(deadline)
        done = {reminder.step for reminder in deadline.reminders.all()}
        due_steps = [step for step in REMINDER_STEPS
                     if calendar.subtract_working_days(deadline.due_on, step) <= today]
        if not due_steps:
            continue
        nearest = min(due_steps)
        if nearest in done:
            continue
        recipients = sorted({user.email for user in deadline.case.caseworkers.all() if user.email and user.is_active})
        if not recipients:
            report.skipped += 1
            continue
        try:
            with transaction.atomic():
                for step in due_steps:
                    if step not in done:
                        DeadlineReminder.objects.create(
                            deadline=deadline, step=step, recipients=len(recipients) if step == nearest else 0
                        )
                subject, body = _reminder_text(deadline, nearest)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
                deadline_approaching.send(sender=Deadline, deadline=deadline, days=nearest)
        except IntegrityError:
            continue  # another run recorded it first: it has been sent
        report.sent += 1
    return report


# -- calendar feeds -------------------------------------------------------------------------


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, user: AbstractBaseUser) -> tuple[CalendarFeed, str]:
    """Issue ``user`` a new calendar address, revoking the previous one. Returns it and its token.

    The token is shown once: only its SHA-256 is stored.
    """
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=calendar_token_hash(token))
    return feed, token


def calendar_feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    """Revoke a calendar address: it answers 404 from now on."""
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


# -- notes and tasks ------------------------------------------------------------------------


def case_note_add(*, case: Case, text: str, author: AbstractBaseUser | None = None, public_id=None) -> CaseNote:
    """An internal note on a case (never in a dossier)."""
    return record_create(model=CaseNote, data={"case": case, "text": text, "author": author}, public_id=public_id)


def case_note_update(*, note: CaseNote, **changes) -> tuple[CaseNote, bool]:
    """Change a note's text."""
    return record_update(record=note, fields=("text",), data=changes)


def case_task_add(*, case: Case, title: str, assignee=None, due_on: dt.date | None = None,
                  public_id=None) -> CaseTask:
    """A task in a case, assigned to someone, with a due date."""
    return record_create(model=CaseTask, data={"case": case, "title": title, "assignee": assignee,
                                               "due_on": due_on}, public_id=public_id)


def case_task_update(*, task: CaseTask, **changes) -> tuple[CaseTask, bool]:
    """Change a task: its title, assignee, due date, or when it was done."""
    return record_update(record=task, fields=("title", "assignee", "due_on", "done_on"), data=changes)


# -- closures -------------------------------------------------------------------------------


@transaction.atomic
def closure_add(*, organization, starts_on: dt.date, ends_on: dt.date, reason: str) -> Closure:
    """Days ``organization`` is closed; its open deadlines are counted again around them."""
    closure = record_create(model=Closure, data={"organization": organization, "starts_on": starts_on,
                                                 "ends_on": ends_on, "reason": reason})
    _organization_recompute(organization.pk)
    return closure


@transaction.atomic
def closure_update(*, closure: Closure, **changes) -> tuple[Closure, bool]:
    """Change a closure's days or reason; the organization's open deadlines are counted again."""
    closure, changed = record_update(record=closure, fields=("starts_on", "ends_on", "reason"), data=changes)
    if changed:
        _organization_recompute(closure.organization_id)
    return closure, changed


def _organization_recompute(organization_id: int) -> None:
    deadlines = Deadline.objects.filter(case__organization_id=organization_id, state=Deadline.State.OPEN)
    for deadline in deadlines.select_related("case", "rule__provision", "trigger__proceeding"):
        deadline_recompute(deadline=deadline)
