"""Admin for proceedings and their events.

A proceeding can be recorded from its case's page with the quote that reports it: the inline
row carries "source article" and "supporting quote", checked against the article's text
before anything is saved and cited through ``citation_add`` (inside ``proceeding_record``).
"""

from django.contrib import admin
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.cases.admin import case_link
from apps.core.admin import (
    READONLY_RECORD_FIELDS,
    ServiceAdmin,
    ServiceInline,
    ServiceInlineFormSet,
    change_url,
    country_filter,
)
from apps.core.admin_forms import (
    LoadedChoicesForm,
    partial_date_display,
    partial_date_form,
)
from apps.core.admin_sheets import SheetAdminMixin
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.proceedings.resources import ProceedingResource
from apps.proceedings.services import (
    proceeding_event_add,
    proceeding_event_update,
    proceeding_record,
    proceeding_update,
)
from apps.sources.admin import CITATIONS_WITH_ARTICLES, ProceedingCitationInline, citation_list
from apps.sources.admin_forms import SupportingQuoteForm
from apps.sources.services import citation_add

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

    def update(self, form, proceeding, changes):
        return proceeding_change(
            proceeding=proceeding, changes=changes, supports=form.supports(), by=self.request_user
        )


def proceeding_change(*, proceeding, changes: dict, supports, by):
    """A proceeding's changes from a form (legal basis included), and the quote typed beside it."""
    proceeding, _changed = proceeding_update(
        proceeding=proceeding,
        agreements=changes.pop("agreements", None),
        provisions=changes.pop("provisions", None),
        **changes,
    )
    for support in supports:
        citation_add(proceeding=proceeding, added_by=by, **support)
    return proceeding


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
    verbose_name_plural = _("proceedings (add one with the quote that reports it; details on its own page)")

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

    @admin.display(description=_("sources"))
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

    def update(self, form, event, changes):
        event, _changed = proceeding_event_update(event=event, **changes)
        return event


class ProceedingEventInline(ServiceInline, admin.TabularInline):
    model = ProceedingEvent
    form = ProceedingEventForm
    formset = ProceedingEventFormSet
    fields = ("kind", "date", "description")
    extra = 1


class ProceedingForm(
    LoadedChoicesForm, SupportingQuoteForm, partial_date_form(Proceeding, ("filed", "decided"))
):
    pass


@admin.register(Proceeding)
class ProceedingAdmin(SheetAdminMixin, ServiceAdmin):
    resource_classes = (ProceedingResource,)
    form = ProceedingForm
    list_display = (
        "kind",
        "case_link",
        "subject_link",
        "authority",
        "reference_number",
        # Two dates and status with outcome in one column each: nine columns do not fit 1366 px.
        "dates",
        "result",
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
        (_("Dates and result"), {"fields": ("filed", "decided", "status", "outcome", "appeal_of")}),
        (_("Legal basis"), {"fields": ("agreements", "provisions")}),
        (None, {"fields": ("summary",)}),
        (
            _("Supporting quote"),
            {
                "fields": ("support_article", "support_quote"),
                "description": _("The words of a stored article that report this proceeding."),
            },
        ),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    filed_display = partial_date_display("filed", _("filed"))
    decided_display = partial_date_display("decided", _("decided"))

    @admin.display(description=_("filed, decided"), ordering="filed_start")
    def dates(self, proceeding):
        return format_html(
            "{}<br>{}", proceeding.filed or "—", proceeding.decided or "—"
        )

    @admin.display(description=_("result"), ordering="outcome")
    def result(self, proceeding):
        return format_html(
            "{}<br><small>{}</small>", proceeding.get_outcome_display(), proceeding.get_status_display()
        )

    @admin.display(description=_("case"), ordering="case__reference")
    def case_link(self, proceeding):
        return case_link(proceeding.case)

    @admin.display(description=_("concerns"), ordering="subject__pseudonym")
    def subject_link(self, proceeding):
        if proceeding.subject is None:
            return "—"
        url = change_url("admin:people_individual_change")(proceeding.subject_id)
        return format_html('<a href="{}">{}</a>', url, proceeding.subject.pseudonym)

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

    def update(self, request, proceeding, changes, form):
        return proceeding_change(proceeding=proceeding, changes=changes, supports=form.supports(), by=request.user)


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
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    date_display = partial_date_display("date", _("date"))

    @admin.display(description=_("case"), ordering="proceeding__case__reference")
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

    def update(self, request, event, changes, form):
        event, _changed = proceeding_event_update(event=event, **changes)
        return event
