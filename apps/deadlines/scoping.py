"""Deadlines, notes and tasks are visible and writable exactly when their case is.

Rules and closures are reference material (every active user reads them; a closure is
changed only by its organization's members); a calendar feed belongs to its user alone.
"""

from apps.access.scoping import can_write_to_organization
from apps.cases.scoping import register_held_by_case
from apps.core import scoping
from apps.deadlines.models import (
    CalendarFeed,
    CaseNote,
    CaseTask,
    Closure,
    Deadline,
    DeadlineReminder,
    DeadlineRule,
)

register_held_by_case(Deadline, case_path="case", parent=lambda deadline: deadline.case)
register_held_by_case(DeadlineReminder, case_path="deadline__case", parent=lambda reminder: reminder.deadline)
register_held_by_case(CaseNote, case_path="case", parent=lambda note: note.case)
register_held_by_case(CaseTask, case_path="case", parent=lambda task: task.case)
scoping.register(DeadlineRule, visible=scoping.everyone_active(DeadlineRule))
scoping.register(
    Closure,
    visible=scoping.everyone_active(Closure),
    can_write=lambda user, closure: closure.organization_id is None
    or can_write_to_organization(user, closure.organization),
    holder=lambda closure: closure.organization,
)
scoping.register(
    CalendarFeed,
    visible=lambda user: CalendarFeed.objects.filter(user=user),
    can_write=lambda user, feed: feed.user_id == user.pk,
)
