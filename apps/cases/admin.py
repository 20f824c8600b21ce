"""Admin for a case's facts (its timeline) and its shares.

A new fact is entered with the article and the exact words that report it; the quote is
checked against the article before anything is saved. The case's own page, which holds its
facts and proceedings together, is the case file in ``apps.workspace``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.cases.models import CaseShare, Fact
from apps.cases.resources import FactResource
from apps.cases.services import (
    case_share_grant,
    case_share_revoke,
    case_share_update,
    fact_delete,
    fact_record,
    fact_update,
    facts_contradict,
)
from apps.core import scoping
from apps.core.admin import (
    READONLY_RECORD_FIELDS,
    ServiceAdmin,
    ServiceInline,
    ServiceInlineFormSet,
    change_url,
    related_count,
    shortened,
)
from apps.core.admin_forms import LoadedChoicesForm, partial_date_display, partial_date_form
from apps.core.admin_lists import TypedLookupFilter
from apps.core.admin_sheets import SheetAdminMixin
from apps.sources.admin import CITATIONS_WITH_ARTICLES, FactCitationInline, citation_list
from apps.sources.admin_forms import SupportingQuoteForm
from apps.sources.models import Citation
from apps.sources.services import citation_add

# -- facts ----------------------------------------------------------------------------------


def case_link(case):
    """A case in a list: its reference, a link to its case file, its title on hover."""
    url = change_url("admin:cases_case_change")(case.pk)
    return format_html('<a href="{}" title="{}">{}</a>', url, case.title, case.reference)



class FactForm(LoadedChoicesForm, SupportingQuoteForm, partial_date_form(Fact, ("date",))):
    """A timeline entry; a new one must come with the quote that supports it."""

    class Meta(partial_date_form(Fact, ("date",)).Meta):
        widgets = {"statement": forms.Textarea(attrs={"rows": 2, "cols": 50})}


class FactInlineFormSet(ServiceInlineFormSet):
    def create(self, form):
        data = form.cleaned_data
        return fact_record(
            case=self.instance,
            statement=data["statement"],
            date=data.get("date"),
            supports=form.supports(),
            internal=data.get("internal", False),
            added_by=self.request_user,
        )

    def update(self, form, fact, changes):
        return fact_change(fact=fact, changes=changes, supports=form.supports(), by=self.request_user)

    def remove(self, fact):
        fact_delete(fact=fact)


def fact_change(*, fact, changes: dict, supports, by):
    """A fact's changes from a form, and the quote typed beside it, if any."""
    fact, _changed = fact_update(fact=fact, **changes)
    for support in supports:
        citation_add(fact=fact, added_by=by, **support)
    return fact


class FactInline(ServiceInline, admin.TabularInline):
    """The case's timeline on its page; ``disputed`` is shown, not edited, here.

    A fact is disputed exactly when another fact contradicts it, and the links are set on the
    fact's own page (``contradicts``), so a checkbox here could only be refused.
    """

    model = Fact
    form = FactForm
    formset = FactInlineFormSet
    fields = ("date", "statement", "disputed", "internal", "sources", "support_article", "support_quote")
    readonly_fields = ("sources", "disputed")
    show_change_link = True
    extra = 1
    verbose_name_plural = _("timeline (a new fact needs the quote that supports it)")

    def get_queryset(self, request):
        # The timeline in the order things happened; undated facts at the end.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(CITATIONS_WITH_ARTICLES)
            .order_by(F("date_start").asc(nulls_last=True), F("date_end").desc(), "created_at")
        )

    @admin.display(description=_("sources"))
    def sources(self, fact):
        return citation_list(fact)


class CaseReferenceFilter(TypedLookupFilter):
    title = _("case")
    parameter_name = "case_reference"
    lookup = "case__reference"
    placeholder = "CT-2016-0001"


@admin.register(Fact)
class FactAdmin(SheetAdminMixin, ServiceAdmin):
    resource_classes = (FactResource,)
    form = FactForm
    list_display = ("date_display", "statement_short", "case_link", "disputed", "internal", "citation_count")
    list_display_links = ("statement_short",)
    list_select_related = ("case",)
    # The case is typed (its reference), not chosen among a link per case.
    list_filter = ("disputed", "internal", "date_precision", CaseReferenceFilter)
    search_fields = ("statement", "case__reference", "case__title", "citations__quote")
    date_hierarchy = "date_start"
    autocomplete_fields = ("case", "contradicts")
    inlines = (FactCitationInline,)
    actions = ("mark_disputed",)

    date_display = partial_date_display("date", _("date"))

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

    @admin.action(description=_("Mark the selected facts as contradicting each other (the sources disagree)"))
    def mark_disputed(self, request, queryset):
        """Link the selected facts (two or more, of one case) as contradicting each other.

        A fact is disputed by another fact, so one fact alone cannot be marked: the service's
        refusal is shown and nothing changes.
        """
        facts = [fact for fact in queryset if scoping.can_write(request.user, fact)]
        try:
            facts_contradict(facts=facts)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), level=messages.ERROR)
            return
        self.message_user(request, _("%(count)s fact(s) marked as contradicting each other (disputed).") % {"count": len(facts)})

    @admin.display(description=_("statement"), ordering="statement")
    def statement_short(self, fact):
        return shortened(fact.statement, 160)

    @admin.display(description=_("case"), ordering="case__reference")
    def case_link(self, fact):
        return case_link(fact.case)

    @admin.display(description=_("citations"), ordering="citation_total")
    def citation_count(self, fact):
        return fact.citation_total

    def create(self, request, form):
        data = form.cleaned_data
        return fact_record(
            case=data["case"],
            statement=data["statement"],
            date=data.get("date"),
            supports=form.supports(),
            # An unticked box on a new fact says nothing: disputed then follows contradicts.
            disputed=data["disputed"] if "disputed" in form.changed_data else None,
            internal=data.get("internal", False),
            contradicts=data.get("contradicts") or (),
            added_by=request.user,
        )

    def update(self, request, fact, changes, form):
        return fact_change(fact=fact, changes=changes, supports=form.supports(), by=request.user)

    def delete(self, request, fact):
        fact_delete(fact=fact)


@admin.register(CaseShare)
class CaseShareAdmin(ServiceAdmin):
    fields = ("case", "user", "reason", "expires_on", "reveals_identity", "granted_by", "created_at")
    list_display = ("case", "user", "reason", "expires_on", "reveals_identity", "granted_by", "created_at")
    list_select_related = ("case", "user", "granted_by")
    list_filter = ("expires_on",)
    search_fields = ("case__reference", "user__username", "reason")
    # Users by a plain list: an autocomplete would need the permission to browse all accounts.
    autocomplete_fields = ("case",)
    readonly_fields = ("granted_by", "created_at")

    def create(self, request, form):
        data = form.cleaned_data
        return case_share_grant(
            case=data["case"], user=data["user"], by=request.user,
            reason=data["reason"], expires_on=data.get("expires_on"),
            reveals_identity=data.get("reveals_identity", False),
        )

    def update(self, request, share, changes, form):
        share, _changed = case_share_update(share=share, by=request.user, **changes)
        return share

    def delete(self, request, share):
        case_share_revoke(share=share, by=request.user)
