"""How a deadline reads on a screen: its date with what it means in words, never colour alone."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.deadlines.models import Deadline


def verification_badge(verified: bool):
    """"verified" or "unverified" in words (and a colour, never the colour alone)."""
    if verified:
        return format_html('<span class="deadline-verified">{}</span>', _("verified"))
    return format_html('<strong class="deadline-unverified">{}</strong>', _("unverified"))


def deadline_due_words(deadline, today=None):
    """The due date with what it means in words: overdue, due today, in N days, missed, suspended."""
    today = today or timezone.localdate()
    if deadline.due_on is None:
        return _("no date")
    if deadline.suspended_since:
        words, css = _("suspended"), "deadline-suspended"
    elif deadline.state == Deadline.State.MISSED:
        words, css = _("missed"), "deadline-overdue"
    elif deadline.state != Deadline.State.OPEN:
        words, css = deadline.get_state_display(), "deadline-closed"
    elif deadline.due_on < today:
        days = (today - deadline.due_on).days
        words = ngettext("overdue by %(n)d day", "overdue by %(n)d days", days) % {"n": days}
        css = "deadline-overdue"
    elif deadline.due_on == today:
        words, css = _("due today"), "deadline-soon"
    else:
        days = (deadline.due_on - today).days
        words = ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
        css = "deadline-soon" if days <= 5 else "deadline-upcoming"
    return format_html('<span class="{}">{} — <strong>{}</strong></span>', css, deadline.due_on.isoformat(), words)
