"""The case file in the admin: the case's own page, the page a caseworker lives in.

It holds the case's proceedings and facts. A new fact or proceeding is entered there with
the article and the exact words that report it; the quote is checked against the article
before anything is saved, and the whole page saves or nothing does. It spans cases,
proceedings, sources and dossiers, so it lives in the top layer.
"""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from apps.cases.admin import FactInline
from apps.cases.models import Case, Fact
from apps.cases.services import case_close, case_open, case_update
from apps.core.admin import READONLY_RECORD_FIELDS, ServiceAdmin, related_count
from apps.core.admin_forms import LoadedChoicesForm
from apps.dossiers.admin_views import generate_dossiers
from apps.proceedings.admin import ProceedingInline
from apps.proceedings.models import Proceeding


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



@admin.register(Case)
class CaseAdmin(ServiceAdmin):
    form = CaseForm
    list_display = (
        "reference",
        "title",
        "subject_names",
        "status",
        "priority",
        "organization",
        "opened_on",
        "proceeding_count",
        "fact_count",
        "caseworker_names",
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
    inlines = (ProceedingInline, FactInline)
    actions = (generate_dossiers,)
    fieldsets = (
        (None, {"fields": ("reference", "title", "subjects", "organization", "caseworkers")}),
        (_("Status"), {"fields": (("status", "priority"), ("opened_on", "closed_on"), "closed_reason")}),
        (None, {"fields": ("summary",)}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                proceeding_total=related_count(Proceeding, "case"),
                fact_total=related_count(Fact, "case"),
            )
            .prefetch_related("subjects", Prefetch("caseworkers"))
        )

    @admin.display(description=_("subjects"))
    def subject_names(self, case):
        return ", ".join(subject.pseudonym for subject in case.subjects.all())

    @admin.display(description=_("caseworkers"))
    def caseworker_names(self, case):
        return ", ".join(user.get_username() for user in case.caseworkers.all()) or "—"

    @admin.display(description=_("proceedings"), ordering="proceeding_total")
    def proceeding_count(self, case):
        return case.proceeding_total

    @admin.display(description=_("facts"), ordering="fact_total")
    def fact_count(self, case):
        return case.fact_total

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
