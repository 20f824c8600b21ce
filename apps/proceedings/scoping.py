"""Proceedings and their events are visible and writable exactly when their case is."""

from __future__ import annotations

from apps.cases.scoping import visible_cases, writable_cases
from apps.core import scoping
from apps.proceedings.models import Proceeding, ProceedingEvent

scoping.register(
    Proceeding,
    visible=lambda user: Proceeding.objects.filter(case__in=visible_cases(user)),
    writable=lambda user: Proceeding.objects.filter(case__in=writable_cases(user)),
    can_write=lambda user, proceeding: scoping.can_write(user, proceeding.case),
    holder=lambda proceeding: proceeding.case.organization,
)
scoping.register(
    ProceedingEvent,
    visible=lambda user: ProceedingEvent.objects.filter(proceeding__case__in=visible_cases(user)),
    writable=lambda user: ProceedingEvent.objects.filter(proceeding__case__in=writable_cases(user)),
    can_write=lambda user, event: scoping.can_write(user, event.proceeding),
    holder=lambda event: event.proceeding.case.organization,
)
