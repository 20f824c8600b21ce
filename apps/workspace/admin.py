"""The case file in the admin: the case's own page, the page a caseworker lives in.

It reads as a case file: a header (reference, people, status, priority, caseworkers, next
deadline), the chronology (facts, proceeding events, agreement milestones in date order, each
with its quotes and sources, disputed readings side by side), the proceedings as appeal
chains, the people, the dossiers generated (``apps.workspace.selectors.case_file``, a fixed
number of queries whatever the size of the case). It is read-only: a fact or a proceeding is
changed on its own page, one at a time, which returns here once saved (``?_return=``). Below
the file, the case's own details (folded away) and one empty row each to add a fact or a
proceeding with the article and the exact words that report it; the quote is checked against
the article before anything is saved, and the whole form saves or nothing does. It spans
cases, proceedings, sources and dossiers, so it lives in the top layer.
"""

from urllib.parse import quote

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.cases.admin import FactInline
from apps.cases.models import Case, Fact
from apps.cases.resources import CaseResource
from apps.cases.selectors import case_list, caseworkers
from apps.cases.services import case_close, case_open, case_update
from apps.core.admin import READONLY_RECORD_FIELDS, VERSION_FIELD, ServiceAdmin, change_url, related_count
from apps.core.admin_forms import LoadedChoicesForm
from apps.core.admin_sheets import SheetAdminMixin
from apps.dossiers.admin_views import generate_dossiers
from apps.people.admin import IndividualAdmin
from apps.people.models import Individual
from apps.proceedings.admin import ProceedingInline
from apps.proceedings.models import Proceeding
from apps.workspace.selectors import case_file


class AssignedToMeFilter(admin.SimpleListFilter):
    title = _("assigned")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", "To me"), ("nobody", "To nobody"))

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(caseworkers=request.user)
        if self.value() == "nobody":
            return queryset.filter(caseworkers__isnull=True)
        return queryset


class CaseForm(LoadedChoicesForm, forms.ModelForm):
    class Meta:
        model = Case
        fields = (
            "title",
            "subjects",
            "organization",
            "caseworkers",
            "status",
            "priority",
            "opened_on",
            "closed_on",
            "closed_reason",
            "summary",
        )


# How many chronology entries the case file shows before "show the rest".
CHRONOLOGY_FIRST = 60


class NewFactInline(FactInline):
    """One empty row to add a fact with its quote; existing facts are read in the chronology
    and changed on their own pages (a page of 200 facts is not 200 forms)."""

    # One form, field under field: a table row of seven inputs would not fit 1366 px.
    template = "admin/edit_inline/stacked.html"
    fields = ("date", "statement", "internal", "support_article", "support_quote")
    extra = 1
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("add a fact (with the quote that supports it)")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class NewProceedingInline(ProceedingInline):
    """One empty row to add a proceeding with the quote that reports it (details on its page)."""

    template = "admin/edit_inline/stacked.html"
    fields = ("kind", "authority", "filed", "decided", "outcome", "support_article", "support_quote")
    extra = 1
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("add a proceeding (with the quote that reports it; details on its own page)")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


def person_links(people) -> str:
    """People as links to their own pages, comma-separated (escaped)."""
    url = change_url("admin:people_individual_change")
    return format_html_join(", ", '<a href="{}">{}</a>', ((url(person.pk), person.pseudonym) for person in people)) or "—"


@admin.register(Case)
class CaseAdmin(SheetAdminMixin, ServiceAdmin):
    resource_classes = (CaseResource,)
    form = CaseForm
    change_form_template = "admin/workspace/case_file.html"
    list_display = (
        "reference",
        "title",
        "subject_names",
        # Paired in one column each, so that the list fits 1366 px beside the navigation and filters.
        "status_priority",
        "held_by",
        "opened_on",
        "contents",
    )
    list_display_links = ("reference", "title")
    list_select_related = ("organization",)
    list_filter = (
        "status",
        "priority",
        AssignedToMeFilter,
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "reference",
        "title",
        "summary",
        "subjects__pseudonym",
        "subjects__aliases__name",
        "proceedings__reference_number",
    )
    # The server gives the reference and it never changes: shown, never typed (a typed one
    # that is taken would tell the user that another organization holds such a case).
    readonly_fields = ("reference", *ServiceAdmin.readonly_fields)
    date_hierarchy = "opened_on"
    autocomplete_fields = ("subjects", "organization", "caseworkers")
    inlines = (NewFactInline, NewProceedingInline)
    actions = (generate_dossiers,)
    fieldsets = (
        (None, {"fields": ("reference", "title", "subjects", "organization", "caseworkers")}),
        (_("Status"), {"fields": (("status", "priority"), ("opened_on", "closed_on"), "closed_reason")}),
        (None, {"fields": ("summary",)}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )
    # On the case file the case's own fields are folded under one heading (the header above
    # shows them); a field with an error unfolds it (Django opens a fieldset with errors).
    case_file_fieldsets = (
        (
            _("Edit the case: title, people, caseworkers, status, summary"),
            {
                "fields": (
                    "title",
                    "subjects",
                    "organization",
                    "caseworkers",
                    ("status", "priority"),
                    ("opened_on", "closed_on"),
                    "closed_reason",
                    "summary",
                ),
                "classes": ("collapse",),
            },
        ),
        (_("Record"), {"fields": ("reference", *READONLY_RECORD_FIELDS), "classes": ("collapse",)}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        # As ServiceAdmin does for the others: the row version travels in the first fieldset.
        (name, options), *rest = self.case_file_fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_inlines(self, request, obj):
        # The rows only add: a reader who may not change the case gets none (not empty tables).
        if obj is not None and not self.has_change_permission(request, obj):
            return ()
        return self.inlines

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            file = case_file(case=obj)
            # The first entries at once, the rest one click away (?all=1, which printing uses):
            # a long case's page stays quick to open (issue 12: 200 facts < 300 ms).
            shown = file.chronology if request.GET.get("all") == "1" else file.chronology[:CHRONOLOGY_FIRST]
            context.update(
                title=_("Case file"),
                case_file=file,
                chronology=shown,
                chronology_rest=len(file.chronology) - len(shown),
                # Addresses built once, not reversed for each of hundreds of entries.
                links={
                    "fact": reverse("admin:cases_fact_changelist"),
                    "proceeding": reverse("admin:proceedings_proceeding_changelist"),
                    "article": reverse("admin:sources_article_changelist"),
                    "document": reverse("admin:documents_document_changelist"),
                    "back": quote(request.path, safe="/"),
                },
                can_edit_case=self.has_change_permission(request, obj),
                caseworkers=list(obj.caseworkers.all()),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                proceeding_total=related_count(Proceeding, "case"),
                fact_total=related_count(Fact, "case"),
            )
            # The list shows a subject's pseudonym and a caseworker's username: nothing more loaded.
            .prefetch_related(
                Prefetch("subjects", queryset=Individual.objects.only("id", "pseudonym")), caseworkers(names=True)
            )
        )

    @admin.display(description=_("people"))
    def subject_names(self, case):
        return person_links(case.subjects.all())

    @admin.display(description=_("caseworkers"))
    def caseworker_names(self, case):
        return ", ".join(user.get_username() for user in case.caseworkers.all()) or "—"

    @admin.display(description=_("held by, caseworkers"), ordering="organization__name")
    def held_by(self, case):
        return format_html("{}<br><small>{}</small>", case.organization, self.caseworker_names(case))

    @admin.display(description=_("status, priority"), ordering="priority")
    def status_priority(self, case):
        return format_html("{}<br><small>{}</small>", case.get_status_display(), case.get_priority_display())

    @admin.display(description=_("holds"), ordering="fact_total")
    def contents(self, case):
        return format_html(
            "{}<br>{}",
            ngettext("%(count)d proceeding", "%(count)d proceedings", case.proceeding_total)
            % {"count": case.proceeding_total},
            ngettext("%(count)d fact", "%(count)d facts", case.fact_total) % {"count": case.fact_total},
        )

    def create(self, request, form):
        data = form.cleaned_data
        closing = data["status"] == Case.Status.CLOSED
        case = case_open(
            title=data["title"],
            organization=data["organization"],
            subjects=data["subjects"],
            opened_on=data["opened_on"],
            priority=data["priority"],
            status=Case.Status.OPEN if closing else data["status"],
            summary=data.get("summary", ""),
            caseworkers=data.get("caseworkers") or (),
            by=request.user,
        )
        if closing:  # a case recorded after the fact: opened, then closed with its reason
            case_close(case=case, closed_on=data["closed_on"], reason=data["closed_reason"])
        return case

    def update(self, request, case, changes, form):
        case, _changed = case_update(case=case, by=request.user, **changes)
        return case


# -- a person's page lists their cases ------------------------------------------------------


class IndividualWithCasesAdmin(IndividualAdmin):
    """A person's page with the cases they are a subject of (those the reader may see), each a
    link to its case file; the list's case count links to those cases. The people app knows
    no case (it is below cases), so the link between the two pages is made here."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        return [fieldsets[0], (_("Cases"), {"fields": ("case_links",)}), *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "case_links")

    def get_object(self, request, object_id, from_field=None):
        individual = super().get_object(request, object_id, from_field)
        if individual is not None:
            individual.visible_cases = list(
                case_list(user=request.user).filter(subjects=individual).order_by("-opened_on", "reference")
            )
        return individual

    @admin.display(description=_("cases"))
    def case_links(self, individual):
        cases = getattr(individual, "visible_cases", [])
        if not cases:
            return _("No case that you may see.")
        return format_html(
            '<ul class="ct-plain">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {} <small>({})</small></li>',
                (
                    (reverse("admin:cases_case_change", args=[case.pk]), case.reference, case.title,
                     case.get_status_display())
                    for case in cases
                ),
            ),
        )

    @admin.display(description=_("cases"), ordering="case_total")
    def case_count(self, individual):
        if not individual.case_total:
            return 0
        url = reverse("admin:cases_case_changelist") + f"?subjects__id__exact={individual.pk}"
        return format_html('<a href="{}">{}</a>', url, individual.case_total)


admin.site.unregister(Individual)
admin.site.register(Individual, IndividualWithCasesAdmin)
