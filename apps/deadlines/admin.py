"""Admin for deadline rules, deadlines, closures, calendar feeds, case notes and tasks.

Every write is a service call (``ServiceAdmin``); a refusal shows beside its field.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.admin import READONLY_RECORD_FIELDS, VERSION_FIELD, ServiceAdmin, readable
from apps.core.admin_sheets import SheetAdminMixin
from apps.deadlines.display import deadline_due_words, verification_badge
from apps.deadlines.models import CalendarFeed, CaseNote, CaseTask, Closure, Deadline, DeadlineRule
from apps.deadlines.resources import DeadlineResource
from apps.deadlines.services import (
    RULE_CHANGEABLE,
    calendar_feed_issue,
    calendar_feed_revoke,
    case_deadlines_resume,
    case_deadlines_suspend,
    case_note_add,
    case_note_update,
    case_task_add,
    case_task_update,
    closure_add,
    closure_update,
    deadline_create_manual,
    deadline_rule_apply,
    deadline_rule_create,
    deadline_rule_update,
    deadline_update,
)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(ServiceAdmin):
    list_display = ("name", "trigger_display", "figure_display", "legal_basis", "verification", "active")
    list_filter = ("active", "unit", "event_kind", "proceeding_kind")
    search_fields = ("name", "notes", "provision__summary")
    autocomplete_fields = ("provision", "source_article")
    fieldsets = (
        (None, {"fields": ("name", "active")}),
        (_("Trigger"), {"fields": ("proceeding_kind", "event_kind", "outcome", "jurisdiction")}),
        (_("Time limit"), {"fields": (("offset", "unit"), "roll_forward", "calendar_country")}),
        (_("Legal basis"), {
            "fields": ("provision", "source_article", "source_quote", "notes"),
            "description": _(
                "The figure is verified when it is the provision's own time limit and the provision is "
                "quoted from a stored source, or when the rule quotes the article that states it. "
                "Otherwise it shows as unverified everywhere."
            ),
        }),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )
    actions = ("recompute",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provision__agreement").prefetch_related(
            "provision__citations"
        )

    def create(self, request, form):
        data = {name: form.cleaned_data.get(name) for name in form.fields if name in RULE_CHANGEABLE}
        return deadline_rule_create(**data)

    def update(self, request, record, changes, form):
        rule, _changed = deadline_rule_update(rule=record, **changes)
        return rule

    @admin.display(description=_("trigger"))
    def trigger_display(self, rule):
        parts = [rule.get_event_kind_display()]
        if rule.proceeding_kind:
            parts.append(_("of a %(kind)s") % {"kind": rule.get_proceeding_kind_display()})
        if rule.outcome:
            parts.append(_("when %(outcome)s") % {"outcome": rule.get_outcome_display()})
        if rule.jurisdiction:
            parts.append(f"({rule.jurisdiction.code})")
        return " ".join(str(part) for part in parts)

    @admin.display(description=_("time limit"))
    def figure_display(self, rule):
        text = rule.figure_display()
        if rule.offset is None and rule.provision_id:
            return format_html("{} <small>{}</small>", text, _("(the provision's own)"))
        return text

    @admin.display(description=_("legal basis"))
    def legal_basis(self, rule):
        return rule.provision or (rule.source_article and rule.source_article.title) or "—"

    @admin.display(description=_("source"))
    def verification(self, rule):
        return verification_badge(rule.verified)

    @admin.action(description=_("Compute the selected rules' deadlines again"))
    def recompute(self, request, queryset):
        for rule in queryset:
            deadline_rule_apply(rule=rule)
        self.message_user(request, _("Deadlines computed again."), messages.SUCCESS)


class StateFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return (("overdue", _("Overdue")), ("soon", _("Due within 14 days")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(state=Deadline.State.OPEN, due_on__lt=today)
        if self.value() == "soon":
            return queryset.filter(state=Deadline.State.OPEN, due_on__gte=today,
                                   due_on__lte=today + timezone.timedelta(days=14))
        return queryset


@admin.register(Deadline)
class DeadlineAdmin(SheetAdminMixin, ServiceAdmin):
    resource_classes = (DeadlineResource,)
    list_display = ("case_reference", "label", "due_display", "state", "source", "suspended_display")
    list_filter = ("state", StateFilter, "rule")
    search_fields = ("case__reference", "title", "rule__name")
    list_select_related = ("case", "rule__provision", "trigger__proceeding")
    autocomplete_fields = ("case",)
    actions = ("mark_met", "suspend_cases", "resume_cases")
    add_fieldsets = ((None, {"fields": ("case", "title", "computed_due_on")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rule__provision__citations")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        own = ("title", "computed_due_on") if obj.rule_id is None else ()
        fieldsets = [
            (None, {"fields": ("case", "rule", "trigger", *own, "computed_display", "due_on", "source")}),
            (_("Set by hand"), {"fields": ("override_due_on", "override_reason")}),
            (_("State"), {"fields": ("state", "state_note")}),
            (_("Suspension"), {"fields": ("suspended_since", "suspension_reason", "suspended_days")}),
            (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
        ]
        # The row version travels with the form, as ServiceAdmin.get_fieldsets does it.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fixed = ("case", "rule", "trigger", "computed_display", "due_on", "source", "suspended_since",
                 "suspension_reason", "suspended_days", *READONLY_RECORD_FIELDS)
        return fixed

    def create(self, request, form):
        data = form.cleaned_data
        return deadline_create_manual(case=data["case"], title=data.get("title", ""),
                                      due_on=data.get("computed_due_on"))

    def update(self, request, record, changes, form):
        deadline, _changed = deadline_update(deadline=record, **changes)
        return deadline

    @admin.display(description=_("case"), ordering="case__reference")
    def case_reference(self, deadline):
        return deadline.case.reference

    @admin.display(description=_("due"), ordering="due_on")
    def due_display(self, deadline):
        return deadline_due_words(deadline)

    @admin.display(description=_("computed from the rule"))
    def computed_display(self, deadline):
        if deadline.computed_due_on is None:
            return "—"
        if deadline.trigger_inexact:
            return format_html("{} <small>{}</small>", deadline.computed_due_on,
                               _("(the trigger's date is inexact: counted from its earliest day)"))
        return deadline.computed_due_on

    @admin.display(description=_("source"))
    def source(self, deadline):
        if deadline.rule_id is None:
            return _("set by hand")
        return verification_badge(deadline.rule.verified)

    @admin.display(description=_("suspended"))
    def suspended_display(self, deadline):
        return _("since %(date)s") % {"date": deadline.suspended_since} if deadline.suspended_since else "—"

    @admin.action(description=_("Mark the selected deadlines met"))
    def mark_met(self, request, queryset):
        self._each(request, queryset, lambda d: deadline_update(deadline=d, state=Deadline.State.MET))

    @admin.action(description=_("Put the selected deadlines' cases on hold (suspend their deadlines today)"))
    def suspend_cases(self, request, queryset):
        cases = {deadline.case for deadline in queryset}
        total = sum(case_deadlines_suspend(case=case, on=timezone.localdate(), reason=str(_("Case on hold")))
                    for case in cases)
        self.message_user(request, ngettext("%d deadline suspended.", "%d deadlines suspended.", total) % total)

    @admin.action(description=_("Take the selected deadlines' cases off hold (resume today)"))
    def resume_cases(self, request, queryset):
        cases = {deadline.case for deadline in queryset}
        total = sum(case_deadlines_resume(case=case, on=timezone.localdate()) for case in cases)
        self.message_user(request, ngettext("%d deadline resumed.", "%d deadlines resumed.", total) % total)

    def _each(self, request, queryset, write):
        done = 0
        for deadline in queryset:
            try:
                write(deadline)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{deadline}: {readable(error)}", messages.ERROR)
        if done:
            self.message_user(request, ngettext("%d deadline changed.", "%d deadlines changed.", done) % done)


@admin.register(Closure)
class ClosureAdmin(ServiceAdmin):
    list_display = ("organization", "starts_on", "ends_on", "reason")
    list_filter = ("organization",)
    readonly_fields = ()
    fields = ("organization", "starts_on", "ends_on", "reason")

    def get_readonly_fields(self, request, obj=None):
        return ("organization",) if obj is not None else ()

    def create(self, request, form):
        data = form.cleaned_data
        return closure_add(organization=data["organization"], starts_on=data["starts_on"],
                           ends_on=data["ends_on"], reason=data["reason"])

    def update(self, request, record, changes, form):
        closure, _changed = closure_update(closure=record, **changes)
        return closure


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Issue, revoke and re-issue calendar addresses. The address is shown once, when issued."""

    list_display = ("user", "created_at", "revoked_at", "state")
    fields = ("user",)
    actions = ("revoke", "reissue")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = get_user_model()._default_manager.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        feed, token = calendar_feed_issue(user=form.cleaned_data["user"])
        obj.pk, obj.token_hash, obj.created_at = feed.pk, feed.token_hash, feed.created_at
        self._announce(request, token)

    def _announce(self, request, token):
        address = request.build_absolute_uri(reverse("deadlines-calendar", args=[token]))
        self.message_user(request, format_html(
            "{} <code>{}</code> {}", _("Calendar address:"), address,
            _("Copy it now: it is shown only once. Anyone with it sees the references and dates of the deadlines."),
        ), messages.WARNING)

    @admin.display(description=_("state"))
    def state(self, feed):
        return _("revoked") if feed.revoked_at else _("active")

    @admin.action(description=_("Revoke the selected calendar addresses"))
    def revoke(self, request, queryset):
        for feed in queryset:
            calendar_feed_revoke(feed=feed)
        self.message_user(request, _("Revoked: those addresses answer nothing from now on."))

    @admin.action(description=_("Issue a new address (the old one stops working)"))
    def reissue(self, request, queryset):
        for user in {feed.user for feed in queryset}:
            _feed, token = calendar_feed_issue(user=user)
            self._announce(request, token)


@admin.register(CaseNote)
class CaseNoteAdmin(ServiceAdmin):
    list_display = ("case", "short_text", "author", "created_at")
    search_fields = ("case__reference", "text")
    autocomplete_fields = ("case",)
    list_select_related = ("case", "author")
    fields = ("case", "text")

    def get_readonly_fields(self, request, obj=None):
        return ("case",) if obj is not None else ()

    def create(self, request, form):
        return case_note_add(case=form.cleaned_data["case"], text=form.cleaned_data["text"], author=request.user)

    def update(self, request, record, changes, form):
        note, _changed = case_note_update(note=record, **changes)
        return note

    @admin.display(description=_("note"))
    def short_text(self, note):
        return note.text if len(note.text) <= 80 else note.text[:77] + "…"


@admin.register(CaseTask)
class CaseTaskAdmin(ServiceAdmin):
    list_display = ("title", "case", "assignee", "due_on", "done_on")
    list_filter = ("done_on",)
    search_fields = ("case__reference", "title")
    autocomplete_fields = ("case",)
    list_select_related = ("case", "assignee")
    fields = ("case", "title", "assignee", "due_on", "done_on")

    def get_readonly_fields(self, request, obj=None):
        return ("case",) if obj is not None else ()

    def create(self, request, form):
        data = form.cleaned_data
        return case_task_add(case=data["case"], title=data["title"], assignee=data.get("assignee"),
                             due_on=data.get("due_on"))

    def update(self, request, record, changes, form):
        task, _changed = case_task_update(task=record, **changes)
        return task

