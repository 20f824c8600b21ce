"""The day's dashboard: the admin's start page (``/admin/``, wired in casetracker/urls.py).

What is due and overdue, the caseworker's open cases, disputed facts to resolve, articles not
yet cited, recent changes, tasks and notes, then the admin's app list as before. It spans
cases, deadlines and sources, so it lives in the top layer. One selector,
:func:`dashboard_content`, loads it all in a fixed number of queries (a test pins it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.models import Case, Fact
from apps.core import scoping
from apps.deadlines.models import Deadline
from apps.deadlines.selectors import (
    DUE_SOON_DAYS,
    cases_next_deadline,
    deadlines_due,
    notes_recent,
    tasks_open,
)
from apps.proceedings.models import Proceeding
from apps.sources.models import Article

RECENT_DAYS = 14


@dataclass
class Change:
    when: dt.datetime
    case: Case
    what: str
    who: str


@dataclass
class Dashboard:
    today: dt.date
    assigned: bool  # the cases are the user's own (else their organizations', for want of any)
    cases: list = field(default_factory=list)  # (case, its next open deadline or None)
    overdue: list[Deadline] = field(default_factory=list)
    due_soon: list[Deadline] = field(default_factory=list)
    suspended: list[Deadline] = field(default_factory=list)
    disputed: list[Fact] = field(default_factory=list)
    uncited: list[Article] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    tasks: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    soon_days: int = DUE_SOON_DAYS


def _my_cases(user) -> tuple[list[Case], bool]:
    open_cases = scoping.visible(Case, user).exclude(status=Case.Status.CLOSED).order_by("-priority", "reference")
    mine = list(open_cases.filter(caseworkers=user)[:50])
    if mine:
        return mine, True
    return list(open_cases[:50]), False


def _changes(case_ids: list[int], by_pk: dict[int, Case], since: dt.datetime) -> list[Change]:
    labels = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    changes = []
    sources = (
        (Case.history.filter(id__in=case_ids), "id", _("case")),
        (Fact.history.filter(case_id__in=case_ids), "case_id", _("fact")),
        (Proceeding.history.filter(case_id__in=case_ids), "case_id", _("proceeding")),
    )
    for history, case_field, noun in sources:
        rows = history.filter(history_date__gte=since).select_related("history_user").order_by("-history_date")[:10]
        for row in rows:
            user = row.history_user
            changes.append(Change(
                when=row.history_date, case=by_pk[getattr(row, case_field)],
                what=f"{noun} {labels.get(row.history_type, '')}",
                who=(user.get_username() if user else _("a command")),
            ))
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:10]


def dashboard_content(*, user, today: dt.date | None = None) -> Dashboard:
    """Everything the start page shows ``user`` today, in a fixed number of queries."""
    today = today or timezone.localdate()
    cases, assigned = _my_cases(user)
    ids = [case.pk for case in cases]
    by_pk = {case.pk: case for case in cases}
    board = Dashboard(today=today, assigned=assigned)
    next_deadlines = cases_next_deadline(cases=ids)
    board.cases = [(case, next_deadlines.get(case.pk)) for case in cases]
    case_set = Case.objects.filter(pk__in=ids)
    for deadline in deadlines_due(user=user, cases=case_set, today=today):
        deadline.case = by_pk.get(deadline.case_id, deadline.case)
        if deadline.suspended_since:
            board.suspended.append(deadline)
        elif deadline.state == Deadline.State.MISSED or deadline.due_on < today:
            board.overdue.append(deadline)
        else:
            board.due_soon.append(deadline)
    board.disputed = list(
        Fact.objects.filter(case_id__in=ids, disputed=True).select_related("case").order_by("case", "date_start")[:20]
    )
    board.uncited = list(
        scoping.scoped(Article.objects.filter(citations__isnull=True), user)
        .select_related("outlet").order_by("-created_at")[:10]
    )
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    board.changes = _changes(ids, by_pk, since)
    board.tasks = tasks_open(user=user, cases=case_set)
    board.notes = notes_recent(user=user, cases=case_set)
    return board


def dashboard(request):
    """The admin's index with the day's dashboard above its app list."""
    site = admin.site
    context = {
        **site.each_context(request),
        "title": _("Today"),
        "subtitle": None,
        "app_list": site.get_app_list(request),
        "dashboard": dashboard_content(user=request.user),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/dashboard.html", context)
