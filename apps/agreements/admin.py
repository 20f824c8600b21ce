"""Admin for agreements and their provisions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.agreements.models import LIFECYCLE, Agreement, Provision
from apps.agreements.services import agreement_create, agreement_update, provision_add, provision_update
from apps.core.admin import (
    READONLY_RECORD_FIELDS,
    ServiceAdmin,
    ServiceInline,
    ServiceInlineFormSet,
    related_count,
)
from apps.core.admin_forms import partial_date_display, partial_date_form
from apps.sources.admin import ProvisionCitationInline


class ProvisionFormSet(ServiceInlineFormSet):
    def create(self, form):
        data = form.cleaned_data
        return provision_add(
            agreement=self.instance,
            summary=data["summary"],
            number=data.get("number", ""),
            text=data.get("text", ""),
            time_limit_days=data.get("time_limit_days"),
            position=data.get("position") or None,  # 0 = after the ones already known
        )

    def update(self, form, provision, changes):
        provision, _changed = provision_update(provision=provision, **changes)
        return provision


class ProvisionInline(ServiceInline, admin.TabularInline):
    model = Provision
    formset = ProvisionFormSet
    fields = ("position", "number", "summary", "time_limit_days")
    show_change_link = True
    extra = 1


@admin.register(Agreement)
class AgreementAdmin(ServiceAdmin):
    form = partial_date_form(Agreement, LIFECYCLE)
    list_display = (
        "__str__",
        "kind",
        "parties",
        "drafted_display",
        "signed_display",
        "in_force_display",
        "status",
        "provision_count",
    )
    list_filter = ("kind", "status")
    search_fields = ("title", "short_title", "summary", "provisions__summary", "party_organizations__name")
    date_hierarchy = "signed_start"
    autocomplete_fields = ("party_organizations",)
    inlines = (ProvisionInline,)
    fieldsets = (
        (None, {"fields": ("title", "short_title", "kind", "status")}),
        (_("Parties"), {"fields": ("party_countries", "party_organizations")}),
        (_("Lifecycle"), {"fields": (("drafted", "signed"), ("ratified", "in_force"))}),
        (None, {"fields": ("summary", "url")}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    drafted_display = partial_date_display("drafted", _("drafted"))
    signed_display = partial_date_display("signed", _("signed"))
    in_force_display = partial_date_display("in_force", _("in force"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(provision_total=related_count(Provision, "agreement"))

    @admin.display(description=_("parties"))
    def parties(self, agreement):
        return ", ".join(country.code for country in agreement.party_countries) or "—"

    @admin.display(description=_("provisions"), ordering="provision_total")
    def provision_count(self, agreement):
        return agreement.provision_total

    def create(self, request, form):
        data = form.cleaned_data
        return agreement_create(
            title=data["title"],
            kind=data["kind"],
            short_title=data.get("short_title", ""),
            party_countries=data.get("party_countries") or (),
            party_organizations=data.get("party_organizations") or (),
            drafted=data.get("drafted"),
            signed=data.get("signed"),
            ratified=data.get("ratified"),
            in_force=data.get("in_force"),
            status=data["status"],
            summary=data.get("summary", ""),
            url=data.get("url", ""),
        )

    def update(self, request, agreement, changes, form):
        agreement, _changed = agreement_update(agreement=agreement, **changes)
        return agreement


@admin.register(Provision)
class ProvisionAdmin(ServiceAdmin):
    list_display = ("__str__", "agreement", "number", "time_limit_days")
    list_select_related = ("agreement",)
    list_filter = (("agreement", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("summary", "text", "number", "agreement__title", "agreement__short_title")
    autocomplete_fields = ("agreement",)
    inlines = (ProvisionCitationInline,)
    fieldsets = (
        (None, {"fields": ("agreement", "position", "number", "summary", "text", "time_limit_days")}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    def create(self, request, form):
        data = form.cleaned_data
        return provision_add(
            agreement=data["agreement"],
            summary=data["summary"],
            number=data.get("number", ""),
            text=data.get("text", ""),
            time_limit_days=data.get("time_limit_days"),
            position=data.get("position") or None,
        )

    def update(self, request, provision, changes, form):
        provision, _changed = provision_update(provision=provision, **changes)
        return provision
