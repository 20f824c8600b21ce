"""Spreadsheets of deadlines for the admin: export only (a deadline's date is computed by its
rule, or set by hand with a reason on its page)."""

from django.utils.translation import gettext_lazy as _

from apps.core.sheets import ChoiceWidget, DateWidget, SheetResource, read_only
from apps.deadlines.models import Deadline


class DeadlineResource(SheetResource):
    select_related = ("case", "rule")

    case = read_only("case", "case__reference")
    title = read_only("title", "title")
    rule = read_only("rule", "rule__name")
    due_on = read_only("due on", "due_on", DateWidget())
    state = read_only("state", "state", ChoiceWidget(Deadline.State.choices))
    override_reason = read_only("reason for the date set by hand", "override_reason")

    class Meta(SheetResource.Meta):
        model = Deadline
        name = _("Deadlines")
        fields = ("public_id", "case", "title", "rule", "due_on", "state", "override_reason", "version")
