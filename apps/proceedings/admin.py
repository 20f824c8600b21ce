"""Admin for proceedings and their events.

A proceeding can be recorded from its case's page with the quote that reports it: the inline
row carries "source article" and "supporting quote", checked against the article's text
before anything is saved and cited through ``citation_add`` (inside ``proceeding_record``).
"""

from django.contrib import admin
from django.db.models import F

from apps.core.admin import (
    READONLY_RECORD_FIELDS,
    ServiceAdmin,
    ServiceInline,
    ServiceInlineFormSet,
    country_filter,
)
from apps.core.admin_forms import (
    LoadedChoicesForm,
    partial_date_display,
    partial_date_form,
)
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.proceedings.services import (
    proceeding_event_add,
    proceeding_legal_basis_set,
    proceeding_record,
    proceeding_update,
)
from apps.sources.admin import CITATIONS_WITH_ARTICLES, ProceedingCitationInline, citation_list
from apps.sources.admin_forms import SupportingQuoteForm
from apps.sources.services import citation_add


def check_subject_in_case(form, cleaned) -> None:
    """The rule ``proceeding_record`` enforces, reported on the form's field."""
    case, subject = cleaned.get("case") or getattr(form.instance, "case", None), cleaned.get("subject")
    if case is not None and subject is not None and not case.subjects.filter(pk=subject.pk).exists():
        form.add_error("subject", f"{subject} is not a subject of case {case.reference}.")


# -- a proceeding in its case's page ------------------------------------------------------


class ProceedingInlineForm(
    LoadedChoicesForm, SupportingQuoteForm, partial_date_form(Proceeding, ("filed", "decided"))
):
    pass


class ProceedingInlineFormSet(ServiceInlineFormSet):
    def create(self, form):
        data = form.cleaned_data
        return proceeding_record(
            case=self.instance,
            kind=data["kind"],
            authority=data["authority"],
            # A caseworker rarely records a proceeding abroad: start from the authority's country.
            country=data.get("country") or data["authority"].country,
            filed=data.get("filed"),
            decided=data.get("decided"),
            outcome=data["outcome"],
            # The row has no status column (its own page does): a known outcome means decided.
            status=Proceeding.Status.PENDING
            if data["outcome"] in (Proceeding.Outcome.PENDING, Proceeding.Outcome.UNKNOWN)
            else Proceeding.Status.DECIDED,
            supports=form.supports(),
            added_by=self.request_user,
        )

    def after_change(self, form, obj) -> None:
        for support in form.supports():
            citation_add(proceeding=obj, added_by=self.request_user, **support)


class ProceedingInline(ServiceInline, admin.TabularInline):
    model = Proceeding
    form = ProceedingInlineForm
    formset = ProceedingInlineFormSet
    fields = (
        # What a news report gives; reference numbers, status and legal basis on its own page.
        "kind",
        "authority",
        "filed",
        "decided",
        "outcome",
        "sources",
        "support_article",
        "support_quote",
    )
    readonly_fields = ("sources",)
    autocomplete_fields = ("authority",)
    show_change_link = True
    extra = 1
    verbose_name_plural = "proceedings (add one with the quote that reports it; details on its own page)"

    def get_queryset(self, request):
        # In the order things happened; what has no date yet goes last, not first.
        return (
            super()
            .get_queryset(request)
            .select_related("authority")
            .prefetch_related(CITATIONS_WITH_ARTICLES)
            .order_by(
                F("filed_start").asc(nulls_last=True), F("decided_start").asc(nulls_last=True), "created_at"
            )
        )

    @admin.display(description="sources")
    def sources(self, proceeding):
        return citation_list(proceeding)


# -- proceedings ----------------------------------------------------------------------------


class ProceedingEventForm(
    LoadedChoicesForm, partial_date_form(ProceedingEvent, ("date",), required=("date",))
):
    pass


class ProceedingEventFormSet(ServiceInlineFormSet):
    def create(self, form):
        data = form.cleaned_data
        return proceeding_event_add(
            proceeding=self.instance,
            kind=data["kind"],
            date=data["date"],
            description=data.get("description", ""),
        )


class ProceedingEventInline(ServiceInline, admin.TabularInline):
    model = ProceedingEvent
    form = ProceedingEventForm
    formset = ProceedingEventFormSet
    fields = ("kind", "date", "description")
    extra = 1


class ProceedingForm(
    LoadedChoicesForm, SupportingQuoteForm, partial_date_form(Proceeding, ("filed", "decided"))
):
    def clean(self):
        cleaned = super().clean()
        check_subject_in_case(self, cleaned)
        return cleaned


@admin.register(Proceeding)
class ProceedingAdmin(ServiceAdmin):
    form = ProceedingForm
    list_display = (
        "kind",
        "case",
        "subject",
        "authority",
        "reference_number",
        "filed_display",
        "decided_display",
        "status",
        "outcome",
    )
    list_display_links = ("kind",)
    list_select_related = ("case", "subject", "authority")
    list_filter = (
        "kind",
        "outcome",
        "status",
        country_filter("country"),
        ("authority", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "reference_number",
        "case__reference",
        "case__title",
        "subject__pseudonym",
        "case__subjects__pseudonym",
        "authority__name",
        "authority__short_name",
        "summary",
    )
    date_hierarchy = "filed_start"
    autocomplete_fields = ("case", "subject", "authority", "appeal_of", "agreements", "provisions")
    inlines = (ProceedingEventInline, ProceedingCitationInline)
    fieldsets = (
        (None, {"fields": ("case", "subject", "kind", "authority", "country", "reference_number")}),
        ("Dates and result", {"fields": ("filed", "decided", "status", "outcome", "appeal_of")}),
        ("Legal basis", {"fields": ("agreements", "provisions")}),
        (None, {"fields": ("summary",)}),
        (
            "Supporting quote",
            {
                "fields": ("support_article", "support_quote"),
                "description": "The words of a stored article that report this proceeding.",
            },
        ),
        ("Record", {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    filed_display = partial_date_display("filed", "filed")
    decided_display = partial_date_display("decided", "decided")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "provisions":
            # A provision's label names its agreement: without this, one query per provision invoked.
            formfield.queryset = formfield.queryset.select_related("agreement")
        return formfield

    def create(self, request, form):
        data = form.cleaned_data
        return proceeding_record(
            case=data["case"],
            kind=data["kind"],
            authority=data["authority"],
            country=data.get("country") or "",
            reference_number=data.get("reference_number", ""),
            subject=data.get("subject"),
            filed=data.get("filed"),
            decided=data.get("decided"),
            status=data["status"],
            outcome=data["outcome"],
            appeal_of=data.get("appeal_of"),
            summary=data.get("summary", ""),
            agreements=data.get("agreements", ()),
            provisions=data.get("provisions", ()),
            supports=form.supports(),
            added_by=request.user,
        )

    def update(self, request, obj, form, change):
        proceeding_update(proceeding=obj)
        for support in form.supports():
            citation_add(proceeding=obj, added_by=request.user, **support)

    def save_related(self, request, form, formsets, change):
        if change:
            form.save_m2m()
            proceeding_legal_basis_set(proceeding=form.instance)
        # On add, proceeding_record has already set the legal basis.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(ProceedingEvent)
class ProceedingEventAdmin(ServiceAdmin):
    form = ProceedingEventForm
    list_display = ("proceeding", "case_reference", "kind", "date_display", "description")
    list_select_related = ("proceeding__authority", "proceeding__case")
    list_filter = ("kind",)
    search_fields = ("description", "proceeding__reference_number", "proceeding__case__reference")
    date_hierarchy = "date_start"
    autocomplete_fields = ("proceeding",)
    fieldsets = (
        (None, {"fields": ("proceeding", "kind", "date", "description")}),
        ("Record", {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    date_display = partial_date_display("date", "date")

    @admin.display(description="case", ordering="proceeding__case__reference")
    def case_reference(self, event):
        return event.proceeding.case.reference

    def create(self, request, form):
        data = form.cleaned_data
        return proceeding_event_add(
            proceeding=data["proceeding"],
            kind=data["kind"],
            date=data["date"],
            description=data.get("description", ""),
        )
