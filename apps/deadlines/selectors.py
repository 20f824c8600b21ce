"""Reads of deadlines, notes and tasks for screens, the API, the calendar feed and the case page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from apps.core.scoping import scoped
from apps.deadlines.models import CalendarFeed, CaseNote, CaseTask, Deadline
from apps.deadlines.services import calendar_token_hash
from apps.sources.models import Citation

DUE_SOON_DAYS = 14


def _with_related(queryset: QuerySet[Deadline]) -> QuerySet[Deadline]:
    # What a deadline shows: its case, its rule with the provision's citations (verified or
    # not) and its trigger's proceeding.
    return queryset.select_related("case", "rule__provision__agreement", "trigger__proceeding").prefetch_related(
        Prefetch("rule__provision__citations", queryset=Citation.objects.only("pk", "provision_id"))
    )


def deadline_list(*, user, due_before: dt.date | None = None, state: str | None = None,
                  case=None) -> QuerySet[Deadline]:
    """The deadlines ``user`` may see, soonest first, optionally narrowed."""
    deadlines = scoped(Deadline.objects.all(), user)
    if due_before is not None:
        deadlines = deadlines.filter(due_on__lt=due_before)
    if state:
        deadlines = deadlines.filter(state=state)
    if case is not None:
        deadlines = deadlines.filter(case=case)
    return _with_related(deadlines).order_by("due_on", "case__reference", "pk")


def deadlines_due(*, user, cases: QuerySet, today: dt.date | None = None,
                  days: int = DUE_SOON_DAYS) -> list[Deadline]:
    """Open deadlines of ``cases`` due within ``days`` or overdue, and missed ones, soonest first."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    deadlines = scoped(Deadline.objects.filter(case__in=cases), user).filter(
        Q(state=Deadline.State.OPEN, due_on__lte=horizon) | Q(state=Deadline.State.MISSED)
        | Q(state=Deadline.State.OPEN, suspended_since__isnull=False)
    )
    return list(_with_related(deadlines).order_by("due_on", "case__reference", "pk")[:100])


def case_next_deadline(*, case) -> Deadline | None:
    """The open deadline of ``case`` that falls due first (for the case page's header)."""
    return cases_next_deadline(cases=[case]).get(case.pk)


def cases_next_deadline(*, cases: Iterable) -> dict[int, Deadline]:
    """``{case pk: its first open deadline}`` for many cases in two queries."""
    ids = [getattr(case, "pk", case) for case in cases]
    first: dict[int, Deadline] = {}
    rows = _with_related(
        Deadline.objects.filter(case_id__in=ids, state=Deadline.State.OPEN, due_on__isnull=False)
    ).order_by("case_id", "due_on", "pk")
    for deadline in rows:
        first.setdefault(deadline.case_id, deadline)
    return first


def tasks_open(*, user, cases: QuerySet, limit: int = 20) -> list[CaseTask]:
    """Tasks not done in ``cases``, assigned to ``user`` or to nobody, soonest first."""
    tasks = scoped(CaseTask.objects.filter(case__in=cases, done_on__isnull=True), user).filter(
        Q(assignee=user) | Q(assignee__isnull=True)
    )
    return list(tasks.select_related("case", "assignee").order_by("due_on", "created_at")[:limit])


def notes_recent(*, user, cases: QuerySet, limit: int = 5) -> list[CaseNote]:
    """The latest internal notes on ``cases``."""
    notes = scoped(CaseNote.objects.filter(case__in=cases), user)
    return list(notes.select_related("case", "author").order_by("-created_at")[:limit])


def calendar_feed_for_token(*, token: str) -> CalendarFeed | None:
    """The active feed a calendar address names, or None (unknown or revoked)."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=calendar_token_hash(token), revoked_at__isnull=True)
        .first()
    )


def calendar_deadlines(*, user) -> list[Deadline]:
    """What a user's calendar shows: the open deadlines of the cases they may see."""
    deadlines = scoped(Deadline.objects.filter(state=Deadline.State.OPEN, due_on__isnull=False), user)
    return list(_with_related(deadlines).order_by("due_on", "pk"))
