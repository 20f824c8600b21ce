"""Admin for cases and their timelines: the page a caseworker lives in.

The case page holds the case's proceedings and facts. A new fact or proceeding is entered
there with the article and the exact words that report it; the quote is checked against the
article before anything is saved, and the whole page saves or nothing does.
"""

from django import forms
from django.contrib import admin
from django.db.models import F, Prefetch

from apps.access import scoping
from apps.cases.models import Case, Fact
from apps.cases.services import case_close, case_open, case_update, fact_mark_disputed, fact_record
from apps.core.admin import (
    READONLY_RECORD_FIELDS,
    ServiceAdmin,
    ServiceInline,
    ServiceInlineFormSet,
    related_count,
)
from apps.core.admin_forms import (
    LoadedChoicesForm,
    SupportingQuoteForm,
    partial_date_display,
    partial_date_form,
)
from apps.proceedings.admin import CITATIONS_WITH_ARTICLES, ProceedingInline, citation_list
from apps.proceedings.models import Proceeding
from apps.sources.admin import FactCitationInline
from apps.sources.models import Citation
from apps.sources.services import citation_add


class AssignedToMeFilter(admin.SimpleListFilter):
    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", "To me"), ("nobody", "To nobody"))

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(caseworkers=request.user)
        if self.value() == "nobody":
            return queryset.filter(caseworkers__isnull=True)
        return queryset


# -- facts ----------------------------------------------------------------------------------


class FactForm(LoadedChoicesForm, SupportingQuoteForm, partial_date_form(Fact, ("date",))):
    """A timeline entry; a new one must come with the quote that supports it."""

    support_required = True

    class Meta(partial_date_form(Fact, ("date",)).Meta):
        widgets = {"statement": forms.Textarea(attrs={"rows": 2, "cols": 50})}

    def clean(self):
        cleaned = super().clean()
        case = cleaned.get("case") or (self.instance.case if self.instance.case_id else None)
        for other in cleaned.get("contradicts") or ():
            if other.pk == self.instance.pk:
                self.add_error("contradicts", "A fact cannot contradict itself.")
            elif case is not None and other.case_id != case.pk:
                self.add_error("contradicts", f"“{other}” belongs to another case.")
        return cleaned


class FactInlineFormSet(ServiceInlineFormSet):
    def create(self, form):
        data = form.cleaned_data
        return fact_record(
            case=self.instance,
            statement=data["statement"],
            date=data.get("date"),
            supports=form.supports(),
            disputed=data.get("disputed", False),
            internal=data.get("internal", False),
            added_by=self.request_user,
        )

    def after_change(self, form, obj) -> None:
        for support in form.supports():
            citation_add(fact=obj, added_by=self.request_user, **support)


class FactInline(ServiceInline, admin.TabularInline):
    model = Fact
    form = FactForm
    formset = FactInlineFormSet
    fields = ("date", "statement", "disputed", "internal", "sources", "support_article", "support_quote")
    readonly_fields = ("sources",)
    show_change_link = True
    extra = 1
    verbose_name_plural = "timeline (a new fact needs the quote that supports it)"

    def get_queryset(self, request):
        # The timeline in the order things happened; undated facts at the end.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(CITATIONS_WITH_ARTICLES)
            .order_by(F("date_start").asc(nulls_last=True), F("date_end").desc(), "created_at")
        )

    @admin.display(description="sources")
    def sources(self, fact):
        return citation_list(fact)


@admin.register(Fact)
class FactAdmin(ServiceAdmin):
    form = FactForm
    list_display = ("date_display", "statement", "case", "disputed", "internal", "citation_count")
    list_display_links = ("statement",)
    list_select_related = ("case",)
    list_filter = ("disputed", "internal", "date_precision", ("case", admin.RelatedOnlyFieldListFilter))
    search_fields = ("statement", "case__reference", "case__title", "citations__quote")
    date_hierarchy = "date_start"
    autocomplete_fields = ("case", "contradicts")
    inlines = (FactCitationInline,)
    actions = ("mark_disputed",)

    date_display = partial_date_display("date", "date")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=related_count(Citation, "fact"))

    def get_fieldsets(self, request, obj=None):
        main = (None, {"fields": ("case", "date", "statement", "disputed", "contradicts", "internal")})
        record = ("Record", {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)})
        if obj is not None:
            return (main, record)
        source = (
            "Source",
            {
                "fields": ("support_article", "support_quote"),
                "description": "A fact needs a source: the article and its exact words. Add more once saved.",
            },
        )
        return (main, source, record)

    def get_inlines(self, request, obj):
        # A new fact takes its first quote from the form above; the inline is for the rest.
        return self.inlines if obj is not None else ()

    @admin.action(description="Mark the selected facts as disputed (the sources disagree)")
    def mark_disputed(self, request, queryset):
        facts = [fact for fact in queryset if scoping.can_write(request.user, fact)]
        for fact in facts:
            fact_mark_disputed(fact=fact)
        self.message_user(request, f"{len(facts)} fact(s) marked as disputed.")

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, fact):
        return fact.citation_total

    def create(self, request, form):
        data = form.cleaned_data
        return fact_record(
            case=data["case"],
            statement=data["statement"],
            date=data.get("date"),
            supports=form.supports(),
            disputed=data.get("disputed", False),
            internal=data.get("internal", False),
            contradicts=data.get("contradicts") or (),
            added_by=request.user,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        contradicts = list(form.cleaned_data.get("contradicts") or ())
        if change and contradicts:
            fact_mark_disputed(fact=form.instance, contradicts=contradicts)


# -- cases ----------------------------------------------------------------------------------


class CaseForm(LoadedChoicesForm, forms.ModelForm):
    class Meta:
        model = Case
        fields = (
            "reference",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reference" in self.fields and self.instance.pk is None:
            self.fields["reference"].required = False

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        user = getattr(self, "request_user", None)
        if user is not None and not scoping.can_write_to_organization(user, organization):
            raise forms.ValidationError(f"You are not a member of {organization}: choose your organization.")
        return organization


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
    date_hierarchy = "opened_on"
    autocomplete_fields = ("subjects", "organization", "caseworkers")
    inlines = (ProceedingInline, FactInline)
    fieldsets = (
        (None, {"fields": ("reference", "title", "subjects", "organization", "caseworkers")}),
        ("Status", {"fields": (("status", "priority"), ("opened_on", "closed_on"), "closed_reason")}),
        (None, {"fields": ("summary",)}),
        ("Record", {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
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

    @admin.display(description="subjects")
    def subject_names(self, case):
        return ", ".join(subject.pseudonym for subject in case.subjects.all())

    @admin.display(description="caseworkers")
    def caseworker_names(self, case):
        return ", ".join(user.get_username() for user in case.caseworkers.all()) or "—"

    @admin.display(description="proceedings", ordering="proceeding_total")
    def proceeding_count(self, case):
        return case.proceeding_total

    @admin.display(description="facts", ordering="fact_total")
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
            reference=data.get("reference") or "",
            priority=data["priority"],
            status=Case.Status.OPEN if closing else data["status"],
            summary=data.get("summary", ""),
            caseworkers=data.get("caseworkers") or (),
        )
        if closing:  # a case recorded after the fact: opened, then closed with its reason
            case_close(case=case, closed_on=data["closed_on"], reason=data["closed_reason"])
        return case

    def update(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status == Case.Status.CLOSED:
            case_close(case=obj, closed_on=obj.closed_on, reason=obj.closed_reason)
        else:
            case_update(case=obj)
