"""Admin for people and organizations.

Protected identity (legal name, date of birth, contact details) is shown only to users with
``people.view_protectedidentity`` and editable only with ``people.change_protectedidentity``:
nothing else in the admin — list columns, search, autocomplete, history — reads those fields.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from apps.core import audit, scoping
from apps.core.admin import (
    READONLY_RECORD_FIELDS,
    ServiceAdmin,
    ServiceInline,
    ServiceInlineFormSet,
    country_filter,
    related_count,
)
from apps.core.admin_forms import country_display, partial_date_display, partial_date_form
from apps.core.admin_sheets import SheetAdminMixin
from apps.core.audit import SensitiveAction
from apps.people.admin_subject_access import SubjectAccessAdminMixin
from apps.people.duplicates import duplicate_candidate_list, individual_duplicates, reason_text
from apps.people.models import Alias, DuplicateCandidate, Individual, Organization, ProtectedIdentity
from apps.people.resources import IndividualResource
from apps.people.services import (
    alias_add,
    alias_remove,
    alias_update,
    duplicate_dismiss,
    duplicates_refresh,
    individual_create,
    individual_delete,
    individual_identity_erase,
    individual_merge,
    individual_update,
    organization_create,
    organization_update,
    protected_identity_set,
)

PROTECTED_FIELDS = ("legal_name", "date_of_birth", "phone", "email", "address")
VIEW_PROTECTED = "people.view_protectedidentity"
CHANGE_PROTECTED = "people.change_protectedidentity"


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin):
    list_display = ("name", "short_name", "kind", "country_name", "parent")
    list_select_related = ("parent",)
    country_name = country_display("country", _("country"))
    list_filter = ("kind", country_filter("country"))
    search_fields = ("name", "short_name", "notes")
    autocomplete_fields = ("parent",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "kind", "country", "parent", "website", "notes")}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    def create(self, request, form):
        data = form.cleaned_data
        return organization_create(
            name=data["name"],
            kind=data["kind"],
            country=data.get("country") or "",
            short_name=data.get("short_name", ""),
            parent=data.get("parent"),
            website=data.get("website", ""),
            notes=data.get("notes", ""),
        )

    def update(self, request, organization, changes, form):
        organization, _changed = organization_update(organization=organization, **changes)
        return organization


class AliasFormSet(ServiceInlineFormSet):
    def create(self, form):
        data = form.cleaned_data
        return alias_add(
            individual=self.instance,
            name=data["name"],
            script=data["script"],
            transliteration=data.get("transliteration", ""),
            note=data.get("note", ""),
        )

    def update(self, form, alias, changes):
        alias, _changed = alias_update(alias=alias, **changes)
        return alias

    def remove(self, alias):
        alias_remove(alias=alias)


class AliasInline(ServiceInline, admin.TabularInline):
    model = Alias
    formset = AliasFormSet
    fields = ("name", "script", "transliteration", "note")
    extra = 1


def log_protected(request, identity, action) -> None:
    """Every read and change of a protected identity goes to the access log (never the values)."""
    audit.record(user=request.user if request else None, action=action, obj=identity, request=request)


class ProtectedIdentityFormSet(ServiceInlineFormSet):
    def _set(self, form):
        identity = protected_identity_set(
            individual=self.instance, **{name: form.cleaned_data.get(name) for name in PROTECTED_FIELDS}
        )
        log_protected(self.request, identity, SensitiveAction.CHANGE_PROTECTED)
        return identity

    def create(self, form):
        return self._set(form)

    def update(self, form, identity, changes):
        return self._set(form)


class ProtectedIdentityInline(admin.StackedInline):
    """Shown only to those allowed to see it, read-only unless they may change it."""

    model = ProtectedIdentity
    formset = ProtectedIdentityFormSet
    fields = PROTECTED_FIELDS
    can_delete = False
    extra = 0
    max_num = 1
    verbose_name_plural = _("protected identity (restricted)")

    def get_queryset(self, request):
        # Follows the case rule only: an individual in no case yet shows no identity to others.
        return scoping.visible(ProtectedIdentity, request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_PROTECTED)

    def has_change_permission(self, request, obj=None):
        user = request.user
        return (
            user.has_perm(VIEW_PROTECTED)
            and user.has_perm(CHANGE_PROTECTED)
            and (obj is None or scoping.can_write(user, obj))
        )

    def has_add_permission(self, request, obj=None):
        # Never a blank form over an identity this user may not see (it would overwrite it).
        exists = obj is not None and ProtectedIdentity.objects.filter(individual=obj).exists()
        return self.has_change_permission(request, obj) and not exists

    def has_delete_permission(self, request, obj=None):
        return False  # erasure has its own service, which logs why (individual_identity_erase)


IndividualForm = partial_date_form(Individual, ("born",))


@admin.register(Individual)
class IndividualAdmin(SubjectAccessAdminMixin, SheetAdminMixin, ServiceAdmin):
    resource_classes = (IndividualResource,)
    form = IndividualForm
    list_display = ("pseudonym", "alias_names", "nationality_display", "born_display", "status", "case_count")
    list_filter = ("status", country_filter("nationality", _("nationality")), "born_precision")
    # Never the protected fields: a search is a way to read them (they are encrypted anyway).
    search_fields = ("pseudonym", "aliases__name", "cases__reference", "summary")
    inlines = (AliasInline, ProtectedIdentityInline)
    fieldsets = (
        (None, {"fields": ("pseudonym", "status", "nationality", "born", "summary")}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    born_display = partial_date_display("born", _("born"))
    nationality_display = country_display("nationality", _("nationality"))

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(case_total=related_count(Individual.cases.through, "individual"))
            .prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("name")))
        )
        # A merged record is a redirect: not in lists nor choices, but its own page still opens
        # (a link to it may be in a document) and says where the person is now.
        match = request.resolver_match
        if match is None or not match.url_name.endswith(("_change", "_history", "_delete")):
            queryset = queryset.filter(merged_into__isnull=True)
        return queryset

    def response_add(self, request, obj, post_url_continue=None):
        self._offer_duplicates(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._offer_duplicates(request, obj)
        return super().response_change(request, obj)

    def _offer_duplicates(self, request, individual):
        # After the aliases and the identity inlines are saved: every name is indexed by now.
        duplicates_refresh(individual=individual)
        candidates = individual_duplicates(individual=individual, user=request.user)
        if not candidates:
            return
        links = format_html_join(
            "; ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:people_individual_change", args=[candidate.individual.pk]),
                    candidate.individual.pseudonym,
                    ", ".join(reason_text(reason) for reason in candidate.reasons),
                )
                for candidate in candidates
            ),
        )
        messages.warning(
            request,
            format_html(
                "{} {} <a href=\"{}\">{}</a>",
                ngettext(
                    "This may be the same person as another record:",
                    "This may be the same person as other records:",
                    len(candidates),
                ),
                links,
                reverse("admin:people_duplicatecandidate_changelist"),
                gettext("Review possible duplicates"),
            ),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The record as loaded for the page says it: no query for records never merged.
        if obj is not None and obj.merged_into_id is not None and request.method == "GET":
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("This record was merged into another:"),
                    reverse("admin:people_individual_change", args=[obj.merged_into_id]),
                    obj.merged_into.pseudonym,
                ),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # Logged once the page with the identity on it has actually been produced.
        if request.method == "GET" and response.status_code == 200 and request.user.has_perm(VIEW_PROTECTED):
            identity = (
                scoping.visible(ProtectedIdentity, request.user).filter(individual_id=object_id).first()
            )
            if identity is not None:
                log_protected(request, identity, SensitiveAction.VIEW_PROTECTED)
        return response

    def get_inlines(self, request, obj):
        # Not even an empty, read-only block for those without the permission.
        if request.user.has_perm(VIEW_PROTECTED):
            return self.inlines
        return tuple(inline for inline in self.inlines if inline is not ProtectedIdentityInline)

    @admin.display(description=_("aliases"))
    def alias_names(self, individual):
        return ", ".join(alias.name for alias in individual.aliases.all()) or "—"

    @admin.display(description=_("cases"), ordering="case_total")
    def case_count(self, individual):
        return individual.case_total

    def create(self, request, form):
        data = form.cleaned_data
        return individual_create(
            pseudonym=data["pseudonym"],
            nationality=data.get("nationality") or "",
            born=data.get("born"),
            status=data["status"],
            summary=data.get("summary", ""),
        )

    def update(self, request, individual, changes, form):
        individual, _changed = individual_update(individual=individual, **changes)
        return individual

    def delete(self, request, individual):
        individual_delete(individual=individual)


@admin.register(Alias)
class AliasAdmin(ServiceAdmin):
    list_display = ("name", "script", "transliteration", "individual", "note")
    list_select_related = ("individual",)
    list_filter = ("script",)
    search_fields = ("name", "transliteration", "individual__pseudonym")
    autocomplete_fields = ("individual",)
    fieldsets = (
        (None, {"fields": ("individual", "name", "script", "transliteration", "note")}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    def create(self, request, form):
        data = form.cleaned_data
        return alias_add(
            individual=data["individual"],
            name=data["name"],
            script=data["script"],
            transliteration=data.get("transliteration", ""),
            note=data.get("note", ""),
        )

    def update(self, request, alias, changes, form):
        alias, _changed = alias_update(alias=alias, **changes)
        return alias

    def delete(self, request, alias):
        alias_remove(alias=alias)


@admin.register(ProtectedIdentity)
class ProtectedIdentityAdmin(ServiceAdmin):
    """Its own page, for those who hold the permission (Django's model permissions apply)."""

    # Never the values in a list: a list is what gets screenshotted and shared.
    list_display = ("individual", "updated_at")
    list_select_related = ("individual",)
    # The identity columns are encrypted at rest: they cannot be searched or sorted in SQL.
    search_fields = ("individual__pseudonym",)
    autocomplete_fields = ("individual",)
    fields = ("individual", *PROTECTED_FIELDS, "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and request.user.has_perm(CHANGE_PROTECTED)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            identity = self.get_queryset(request).filter(pk=object_id).first()
            if identity is not None:
                log_protected(request, identity, SensitiveAction.VIEW_PROTECTED)
        return response

    def create(self, request, form):
        return self._set(request, form.cleaned_data["individual"], form)

    def delete(self, request, identity):
        # Deleting is erasing: through the service that writes who erased it to the access log.
        individual_identity_erase(
            individual=identity.individual, by=request.user, reason="Deleted in the admin", request=request
        )
        ProtectedIdentity.objects.filter(pk=identity.pk).delete()

    def update(self, request, identity, changes, form):
        return self._set(request, identity.individual, form)

    def _set(self, request, individual, form):
        identity = protected_identity_set(
            individual=individual, **{name: form.cleaned_data.get(name) for name in PROTECTED_FIELDS}
        )
        log_protected(request, identity, SensitiveAction.CHANGE_PROTECTED)
        return identity


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    """The review list: pairs of records that may be one person, to merge or dismiss.

    Pairs are stored by duplicates_refresh (after a save in the admin, the API or an import)
    and listed here only when the reviewer may see both records — and, for a pair found
    through a legal name, both identities (apps.people.duplicates.duplicate_candidate_list).
    """

    list_display = ("first_link", "second_link", "score", "reasons_display", "status")
    list_filter = ("status",)
    list_select_related = ("first", "second")
    actions = ("dismiss", "merge_second_into_first")
    readonly_fields = ("first", "second", "score", "reasons_display", "status", "decided_by", "decided_at")
    fields = readonly_fields

    def get_queryset(self, request):
        return duplicate_candidate_list(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("first record"), ordering="first__pseudonym")
    def first_link(self, pair):
        return format_html('<a href="{}">{}</a>', reverse("admin:people_individual_change", args=[pair.first_id]), pair.first)

    @admin.display(description=_("second record"), ordering="second__pseudonym")
    def second_link(self, pair):
        return format_html('<a href="{}">{}</a>', reverse("admin:people_individual_change", args=[pair.second_id]), pair.second)

    @admin.display(description=_("reasons"))
    def reasons_display(self, pair):
        return ", ".join(reason_text(reason) for reason in pair.reasons)

    @admin.action(description=_("Not the same person: dismiss"), permissions=["change"])
    def dismiss(self, request, queryset):
        done = 0
        for pair in queryset.filter(status=DuplicateCandidate.Status.OPEN):
            try:
                duplicate_dismiss(pair=pair, by=request.user)
            except PermissionDenied as refusal:
                self.message_user(request, f"{pair}: {refusal}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, ngettext("%(count)d pair dismissed.", "%(count)d pairs dismissed.", done) % {"count": done})

    @admin.action(description=_("The same person: merge the second record into the first"), permissions=["merge"])
    def merge_second_into_first(self, request, queryset):
        for pair in queryset.filter(status=DuplicateCandidate.Status.OPEN):
            try:
                individual_merge(survivor=pair.first, merged=pair.second, by=request.user, request=request)
            except (PermissionDenied, ValidationError) as refusal:
                message = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
                self.message_user(request, f"{pair}: {message or gettext('refused')}", messages.ERROR)
                continue
            self.message_user(request, gettext("%(merged)s merged into %(survivor)s.") % {"merged": pair.second, "survivor": pair.first})

    def has_merge_permission(self, request):
        return request.user.has_perm("people.merge_individual")
