"""Shared admin machinery: every admin write goes through the app's services.

The core app has no models of its own; the classes here are the base of every other app's
admin. They keep the admin thin: a form translates what the caseworker typed, a service does
the write, and the rules (quotes in the article, facts with sources, dates in order) hold in
the admin exactly as they hold in the API and the commands.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import scoping
from apps.core.admin_forms import LoadedAutocompleteSelect, show_partial_date_warnings
from apps.core.admin_history import ScopedDeleteMixin, ScopedHistoryAdmin
from apps.core.admin_lists import CappedCountPaginator, DatedChangeList
from apps.core.partial_dates import PartialDateDescriptor
from apps.core.services import StaleVersion, record_touch, version_hold

# The hidden field of a change form that says which version of the record it was opened on.
VERSION_FIELD = "row_version"

READONLY_RECORD_FIELDS = ("public_id", "created_at", "updated_at")

# A page opened from another one (the case file's "edit" links) goes back there once saved:
# ``?_return=<path>``, an address inside the admin only (never another site).
RETURN_FIELD = "_return"


def return_url(request) -> str | None:
    """The admin page to go back to after a save, from ``?_return=``; None if absent or unsafe."""
    url = request.GET.get(RETURN_FIELD, "")
    if (
        url.startswith(reverse("admin:index"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
        and "\\" not in url
    ):
        return url
    return None


def with_return(url: str, request) -> str:
    """``url`` carrying the request's ``?_return=`` on, so that the page after it returns too."""
    back = return_url(request)
    if back is None:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({RETURN_FIELD: back})}"


def readable(error: ValidationError) -> str:
    """One sentence a caseworker can act on, from a ValidationError of any shape."""
    if hasattr(error, "error_dict"):
        parts = []
        for field, field_errors in error.message_dict.items():
            label = "" if field == "__all__" else f"{field.replace('_', ' ').capitalize()}: "
            parts.append(label + " ".join(field_errors))
        return " ".join(parts)
    return " ".join(error.messages)


def shortened(text: str, limit: int = 120):
    """``text`` cut to about ``limit`` characters for a list column, the whole of it on hover
    (and on the record's page, one click away). Escaped."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return format_html('<span class="ct-short" title="{}">{}…</span>', text, cut)


def related_count(model, field: str):
    """How many ``model`` rows point at the outer row through ``field``, as a subquery.

    A subquery rather than ``Count()``: no GROUP BY, so the model's default ordering still
    applies (autocomplete paginates on it) and two counts do not multiply each other's rows.
    """
    rows = model._default_manager.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(total=Count("pk")).values("total")), 0)


def country_filter(field: str, title=None):
    """A list filter offering only the countries that occur, by name (not all 249 of them)."""
    from django_countries import countries

    class CountryPresentFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            # The distinct codes from the database: not a row per record into Python (300,000
            # proceedings for a superuser), nor the list's ordering and annotations.
            rows = model_admin.get_queryset(request).exclude(**{field: ""}).order_by()
            codes = rows.values_list(field, flat=True).distinct()
            return sorted(((code, countries.name(code)) for code in codes), key=lambda item: item[1])

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    CountryPresentFilter.title = title if title is not None else gettext_lazy("country")
    return CountryPresentFilter


def adopt(form_object, created) -> None:
    """Make the admin's unsaved object the record a service has just created.

    The admin keeps using the object its form built (for the inlines' foreign key, the log
    entry and the redirect), so it must become the saved record rather than be replaced.
    """
    form_object.pk = created.pk
    form_object.refresh_from_db()
    form_object._state.adding = False


class ScopedAdminMixin:
    """Only the records the user may see, choices only where they may write (apps.core.scoping).

    Model permissions (the user's role) decide *what kind* of record a user may touch;
    scoping decides *which* records: their organizations' cases and what hangs from them.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or not scoping.is_scoped(self.model):
            return queryset
        return scoping.scoped(queryset, request.user)

    def _scoped_choices(self, db_field, request, kwargs) -> None:
        related = db_field.remote_field.model
        if "queryset" not in kwargs and not request.user.is_superuser and scoping.is_scoped(related):
            kwargs["queryset"] = scoping.writable(related, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can_write(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or can_write(request, obj))


def can_write(request, obj) -> bool:
    """``scoping.can_write`` for the request's user, asked once per record and request.

    A change page asks it for every inline, button and link (a query each, the same answer);
    the answer cannot change within the request, which writes nothing before it has asked.
    """
    memo = request.__dict__.setdefault("_ct_can_write", {})
    key = (obj._meta.label, obj.pk)
    if obj.pk is None:
        return scoping.can_write(request.user, obj)
    if key not in memo:
        memo[key] = scoping.can_write(request.user, obj)
    return memo[key]


class LoadedAutocompleteMixin:
    """Autocomplete widgets that render already-loaded related objects without a query."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def refusals(error: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field name or "__all__": [messages]}."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


class RefusalForm:
    """Mixed into every form of a service admin: shows a service's refusal where it belongs.

    A service refuses a save after the form validated (its rules are the services', not the
    form's). The admin then validates the same POST again with the refusal attached here, so
    the caseworker sees the message beside the field it is about, with what they typed kept.
    ``service_error_fields`` names the form field for a service field the form calls otherwise.
    """

    service_refusal: ValidationError | None = None

    def _post_clean(self):
        super()._post_clean()
        if self.service_refusal is None:
            return
        # Declared by the form itself (e.g. SupportingQuoteForm), which comes after this mixin.
        error_fields = getattr(self, "service_error_fields", {})
        for name, reasons in refusals(self.service_refusal).items():
            target = error_fields.get(name, name)
            self.add_error(target if target in self.fields else None, reasons)


def refusable(form_class):
    """``form_class`` with :class:`RefusalForm` in front (once)."""
    if issubclass(form_class, RefusalForm):
        return form_class
    return type(form_class.__name__, (RefusalForm, form_class), {"__module__": form_class.__module__})


def _versioned(model) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def changes_since(record, version: int) -> str:
    """Who changed ``record`` after ``version``, when, and which fields, in one sentence.

    Read from the change history (django-simple-history): every version after the one the
    form was opened on, with its user and the fields it changed.
    """
    history = getattr(record, "history", None)
    if history is None:
        return _("It was changed by someone else.")
    parts = []
    for entry in history.filter(version__gt=version).select_related("history_user").order_by("history_date"):
        previous = entry.prev_record
        fields = []
        if previous is not None:
            fields = [
                str(record._meta.get_field(change.field).verbose_name)
                for change in entry.diff_against(previous).changes
                if change.field not in ("updated_at", "version")
            ]
        who = entry.history_user.get_username() if entry.history_user else _("a system process")
        what = ", ".join(fields) or entry.history_change_reason or _("rows on its page")
        parts.append(
            _("%(who)s changed %(what)s at %(when)s")
            % {"who": who, "what": what, "when": f"{entry.history_date:%Y-%m-%d %H:%M}"}
        )
    if not parts:
        return _("It was changed by someone else.")
    return _("Since you opened this page, %(changes)s.") % {"changes": "; ".join(parts)}


def form_changes(form, *, every_field: bool = False) -> dict:
    """What the user changed on ``form``, by the record's field names (partial dates by their name).

    Only the fields the user changed (``form.changed_data``), so that a field someone else
    changed since the form was opened is left as they saved it; ``every_field`` for a restore,
    which sets the record back to a version as a whole. Only fields of the model count: extra
    fields such as a supporting quote are the admin's to hand to their own service.
    """
    model = form._meta.model
    names = {field.name for field in model._meta.get_fields() if not field.auto_created or field.concrete}
    return {
        name: form.cleaned_data[name]
        for name in (form.fields if every_field else form.changed_data)
        if name in form.cleaned_data
        and (name in names or isinstance(getattr(model, name, None), PartialDateDescriptor))
    }


_CHANGE_URLS: dict[tuple, object] = {}


def change_url(viewname: str):
    """``pk -> the change page's address`` of ``viewname``, reversed once per script prefix
    and URL configuration: a changelist of 100 rows linking each to another page reversed the
    same pattern 100 times."""
    key = (viewname, get_script_prefix(), get_urlconf())
    if key not in _CHANGE_URLS:
        marker = "2147483647"
        head, _marker, tail = reverse(viewname, args=[marker]).rpartition(marker)
        _CHANGE_URLS[key] = lambda pk: f"{head}{pk}{tail}"
    return _CHANGE_URLS[key]


def _case_variants(term: str) -> set[str]:
    # SQLite's LIKE ignores case for ASCII letters only: "ким" would miss "Ким". Search the
    # usual capitalisations too (PostgreSQL's UPPER(...) LIKE UPPER(...) needs none of this).
    if connection.vendor != "sqlite" or term.isascii():
        return {term}
    return {term, term.lower(), term.capitalize(), term.title(), term.upper()}


def _related_match(model, name: str, match: Q) -> Exists:
    """EXISTS (a row related through ``name`` meets ``match``), correlated on the relation's own key.

    ``Fact``, ``citations`` and ``Q(quote__icontains=…)`` give ``EXISTS (SELECT 1 FROM
    sources_citation WHERE fact_id = cases_fact.id AND quote LIKE …)``; ``case`` and the
    reference or the title give one ``EXISTS (SELECT 1 FROM cases_case WHERE id =
    cases_fact.case_id AND (reference LIKE … OR title LIKE …))``. PostgreSQL probes them through
    an index for each row in scope. Joining the related table into the list instead made the
    planner read all 100,000 cases into a hash and compute the EXISTS as one pass over every
    citation quoting a common word (a fact search: 1.3 s against 0.1 s).
    """
    field = model._meta.get_field(name)
    if field.many_to_one or (field.one_to_one and field.concrete):
        return Exists(field.related_model._default_manager.filter(match, pk=OuterRef(field.attname)))
    # A reverse relation's own field leads back, or a forward many-to-many's related query name.
    back = field.field.name if field.auto_created and not field.concrete else field.related_query_name()
    return Exists(field.related_model._default_manager.filter(match, **{back: OuterRef("pk")}))


class ServiceAdmin(ScopedAdminMixin, ScopedDeleteMixin, LoadedAutocompleteMixin, ScopedHistoryAdmin):
    """A ModelAdmin whose writes are service calls, so that a rule is written once.

    Subclasses implement :meth:`create` (call the app's ``*_create``/``*_record`` service with
    the form's data and return the new record) and :meth:`update` (call its ``*_update``
    service with the stored record and the fields the user changed, ``form.changed_data``).
    Many-to-many fields go to those services too, and deletes to :meth:`delete`, so nothing is
    saved around them. When a service refuses, nothing is saved and the form is shown again
    with the reason beside the field (see :class:`RefusalForm`).
    """

    readonly_fields = READONLY_RECORD_FIELDS
    # No changelist counts a whole table (apps/core/admin_lists.py).
    paginator = CappedCountPaginator
    show_full_result_count = False
    # Addresses pasted without a scheme are web pages, and they are served over HTTPS.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["core/admin.css"]}

    def get_changelist(self, request, **kwargs):
        return DatedChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        counted = getattr(request, "changelist_rows", None)  # DatedChangeList's count of this list
        if counted is not None and counted[0] is queryset:
            paginator.known_count = counted[1]
        return paginator

    def create(self, request, form):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def update(self, request, record, changes: dict, form):  # pragma: no cover - every subclass defines it
        """Change ``record`` (as stored) by ``changes``; return the record."""
        raise NotImplementedError

    def delete(self, request, record) -> None:
        """Delete ``record``; override to call the app's ``*_delete`` service where a rule applies."""
        record.delete()

    def action_checkbox(self, obj):
        # The input Django's own column renders, written directly: rendering a CheckboxInput
        # through the template engine for each row was a third of a 100-row changelist's time
        # (docs/performance.md).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


    def get_search_results(self, request, queryset, search_term):
        """Django's search (each word in some search field), without joining many-valued relations.

        Django joins every related search field (a case's subjects, their aliases, its
        proceedings) into the list itself and then needs ``SELECT DISTINCT`` over whole rows,
        and the date hierarchy and the count repeat it: a case search took 5 s, a fact search
        10 s at 100,000 cases (docs/performance.md). Here every field across a relation
        becomes ``EXISTS (the related rows match)``, probed through the relation's index for
        the rows in scope only (:func:`_related_match`), and the list has no duplicates.
        """
        fields = [str(field) for field in self.get_search_fields(request)]
        if not fields or not search_term.strip():
            return queryset, False
        terms = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            terms.append(self._search_term_condition(fields, bit))
        return queryset.filter(*terms), False

    def _search_term_condition(self, fields: list[str], term: str) -> Q:
        condition, across = Q(), {}
        for variant in _case_variants(term):
            for field in fields:
                name, _sep, rest = field.partition(LOOKUP_SEP)
                if rest:
                    across[name] = across.get(name, Q()) | Q(**{f"{rest}__icontains": variant})
                else:
                    condition |= Q(**{f"{field}__icontains": variant})
        # A related table is never joined into the list, and it is probed once per row for all
        # of its fields (a fact's case: reference or title), not once per field: see _related_match.
        for name, match in across.items():
            condition |= _related_match(self.model, name, match)
        return condition

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not _versioned(self.model) or not fieldsets:
            return fieldsets
        # The version travels with the form as a hidden field (the admin renders only the
        # fields of its fieldsets; a hidden one gets an invisible row).
        (name, options), *rest = fieldsets
        if any(VERSION_FIELD in (opts.get("fields") or ()) for _name, opts in fieldsets):
            return fieldsets  # fields derived from the form, which already has it
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and _versioned(self.model):
            base = kwargs.get("form", self.form)
            if obj is not None and getattr(request, "_restoring_version", False):
                # Restoring an old version: the form shows that version, but what it replaces
                # is the record as stored now.
                current = self.model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
            else:
                current = obj.version
            kwargs["form"] = type(
                base.__name__,
                (base,),
                {
                    "__module__": base.__module__,
                    VERSION_FIELD: forms.IntegerField(
                        label=gettext_lazy("row version"), widget=forms.HiddenInput, required=False, initial=current
                    ),
                },
            )
        form = refusable(super().get_form(request, obj, change=change, **kwargs))
        form.request_user = request.user  # a new class per request: checks that need the user
        form.service_refusal = getattr(request, "_service_refusals", {}).get("")
        return form

    def save_model(self, request, obj, form, change):
        if change:
            # The form has already written its values onto ``obj``: give the service the record
            # as stored and the changes, so that its guards compare the two.
            stored = self.model._default_manager.get(pk=obj.pk)
            self.check_version(stored, form)
            changes = form_changes(form, every_field=getattr(request, "_restoring_version", False))
            form.record_changes = changes
            adopt(obj, self.update(request, stored, changes, form))
        else:
            adopt(obj, self.create(request, form))

    def response_post_save_add(self, request, obj):
        back = return_url(request)
        return HttpResponseRedirect(back) if back else super().response_post_save_add(request, obj)

    def response_post_save_change(self, request, obj):
        back = return_url(request)
        return HttpResponseRedirect(back) if back else super().response_post_save_change(request, obj)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST and isinstance(response, HttpResponseRedirect):
            response["Location"] = with_return(response["Location"], request)  # still going back after
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.setdefault("return_url", return_url(request))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def check_version(self, stored, form) -> None:
        """Refuse to save a form opened on an older version of the record than the stored one.

        A compare-and-set inside the admin's transaction (``version_hold``): the record stays
        at that version until this save commits, so no one can slip a change in between.
        """
        opened_on = form.cleaned_data.get(VERSION_FIELD)
        if opened_on is None:  # a form without the field (not versioned): nothing to compare
            return
        try:
            version_hold(record=stored, expected=opened_on)
        except StaleVersion as stale:
            raise ValidationError(
                _("%(changes)s Your changes would overwrite theirs: reload the page to see what it says now, then make your changes again (what you typed is kept below to copy from).") % {"changes": changes_since(stored, opened_on)},
                code="stale",
            ) from stale

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): the sets went to the service with the record.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        rows_changed = any(
            formset.new_objects or formset.changed_objects or formset.deleted_objects for formset in formsets
        )
        if change and rows_changed and not getattr(form, "record_changes", None):
            # Only rows of the page changed (a fact, an alias, the protected identity): the
            # record's history still gets a version, which the change message describes.
            record_touch(record=form.instance)
        show_partial_date_warnings(request, form, formsets)

    def save_formset(self, request, form, formset, change):
        # Inline formsets call services too, and services record who added a citation.
        formset.request, formset.request_user = request, request.user
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        self.delete(request, obj)

    def delete_queryset(self, request, queryset):
        self.check_writable(request, queryset)
        with transaction.atomic():
            for record in queryset:
                self.delete(request, record)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            # Nothing was saved (the admin's transaction was rolled back). Validate the same
            # POST again with the refusal attached to the form or inline row it is about.
            request._service_refusals = {getattr(error, "form_prefix", ""): error}
            self.message_user(request, _("Nothing was saved. %(reason)s") % {"reason": readable(error)}, messages.ERROR)
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except ValidationError:
                pass  # the refusal could not be tied to a field: the message above says it
        except IntegrityError:
            # A race with another caseworker that validation could not see.
            self.message_user(
                request,
                _("Nothing was saved: the record conflicts with one saved meanwhile. Check and try again."),
                messages.ERROR,
            )
        return HttpResponseRedirect(request.get_full_path())

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring a version sets every field back to it, through the same service.
        request._restoring_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, _("Nothing was deleted. %(reason)s") % {"reason": readable(error)}, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as error:  # "delete selected" refused by a delete service
            self.message_user(request, _("Nothing was deleted. %(reason)s") % {"reason": readable(error)}, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ServiceInlineFormSet(BaseInlineFormSet):
    """An inline formset whose rows are created, changed and deleted through services.

    ``create(form)`` makes a new row's record (a service call, which also takes any quote
    typed on the row); ``update(form, record, changes)`` changes an existing row's record as
    stored; ``remove(record)`` deletes one. A service's refusal is tied to its row, so the page
    shows it there.
    """

    request = None
    request_user = None
    service_refusals: dict = {}

    def create(self, form):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def update(self, form, record, changes: dict):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def remove(self, record) -> None:
        record.delete()

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Each row's instance points at the page's record: reuse it rather than let every
        # row's __str__ (e.g. "Agreement: Art. 5") load it again.
        if self.instance.pk is not None:
            self.fk.set_cached_value(form.instance, self.instance)
        if VERSION_FIELD in form.fields and form.instance.pk is not None:
            form.fields[VERSION_FIELD].initial = form.instance.version
        form.service_refusal = self.service_refusals.get(form.prefix)
        return form

    def _on_row(self, form, write):
        try:
            return write()
        except ValidationError as error:
            error.form_prefix = form.prefix
            raise

    def save_new(self, form, commit=True):
        return self._on_row(form, lambda: self.create(form))

    def save_existing(self, form, obj, commit=True):
        stored = type(obj)._default_manager.get(pk=obj.pk)

        def write():
            opened_on = form.cleaned_data.get(VERSION_FIELD)
            if opened_on is not None:
                # The row as the page showed it, or refused: someone changed it since.
                try:
                    version_hold(record=stored, expected=opened_on)
                except StaleVersion as stale:
                    raise ValidationError(
                        _("%(changes)s Reload the page before changing this row.") % {"changes": changes_since(stored, opened_on)},
                        code="stale",
                    ) from stale
            return self.update(form, stored, form_changes(form))

        return self._on_row(form, write)

    def delete_existing(self, obj, commit=True):
        if commit:
            try:
                self.remove(obj)
            except ValidationError as error:
                error.form_prefix = self.prefix  # a deleted row shows no errors: tell the table
                raise

    def clean(self):
        super().clean()
        refusal = self.service_refusals.get(self.prefix)
        if refusal is not None:
            raise ValidationError(refusal.messages)


class ServiceInline(ScopedAdminMixin, LoadedAutocompleteMixin):
    """Mixin for inlines: scoped, loaded autocompletes, service formsets."""

    formset = ServiceInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # In a table row, four icons under every choice are noise: keep only "add another".
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            widget = formfield.widget
            widget.can_change_related = widget.can_delete_related = widget.can_view_related = False
        return formfield

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or can_write(request, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not _versioned(self.model) or not fieldsets:
            return fieldsets
        if any(VERSION_FIELD in (options.get("fields") or ()) for _name, options in fieldsets):
            return fieldsets
        # Each row carries the version it was shown at, like the page's own form.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_formset(self, request, obj=None, **kwargs):
        if _versioned(self.model):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(
                base.__name__,
                (base,),
                {"__module__": base.__module__,
                 VERSION_FIELD: forms.IntegerField(label=gettext_lazy("row version"), widget=forms.HiddenInput, required=False)},
            )
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = refusable(formset.form)
        formset.service_refusals = getattr(request, "_service_refusals", {})
        return formset
