"""Proceedings and their events are visible and writable exactly when their case is."""

from apps.cases.scoping import register_held_by_case
from apps.proceedings.models import Proceeding, ProceedingEvent

register_held_by_case(Proceeding, case_path="case", parent=lambda proceeding: proceeding.case)
register_held_by_case(ProceedingEvent, case_path="proceeding__case", parent=lambda event: event.proceeding)
