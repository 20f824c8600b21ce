"""Shared admin machinery: every admin write goes through the app's services.

The core app has no models of its own; the classes here are the base of every other app's
admin. They keep the admin thin: a form translates what the caseworker typed, a service does
the write, and the rules (quotes in the article, facts with sources, dates in order) hold in
the admin exactly as they hold in the API and the commands.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect

from apps.core import scoping
from apps.core.admin_forms import LoadedAutocompleteSelect
from apps.core.admin_history import ScopedDeleteMixin, ScopedHistoryAdmin
from apps.core.services import record_update

READONLY_RECORD_FIELDS = ("public_id", "created_at", "updated_at")


def readable(error: ValidationError) -> str:
    """One sentence a caseworker can act on, from a ValidationError of any shape."""
    if hasattr(error, "error_dict"):
        parts = []
        for field, field_errors in error.message_dict.items():
            label = "" if field == "__all__" else f"{field.replace('_', ' ').capitalize()}: "
            parts.append(label + " ".join(field_errors))
        return " ".join(parts)
    return " ".join(error.messages)


def related_count(model, field: str):
    """How many ``model`` rows point at the outer row through ``field``, as a subquery.

    A subquery rather than ``Count()``: no GROUP BY, so the model's default ordering still
    applies (autocomplete paginates on it) and two counts do not multiply each other's rows.
    """
    rows = model._default_manager.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(total=Count("pk")).values("total")), 0)


def country_filter(field: str, title: str = "country"):
    """A list filter offering only the countries that occur, by name (not all 249 of them)."""
    from django_countries import countries

    class CountryPresentFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            codes = model_admin.get_queryset(request).exclude(**{field: ""}).values_list(field, flat=True)
            return sorted(((code, countries.name(code)) for code in set(codes)), key=lambda item: item[1])

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    CountryPresentFilter.title = title
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
        return queryset.filter(pk__in=scoping.visible(self.model, request.user).values("pk"))

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
        return super().has_change_permission(request, obj) and (
            obj is None or scoping.can_write(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or scoping.can_write(request.user, obj)
        )


class LoadedAutocompleteMixin:
    """Autocomplete widgets that render already-loaded related objects without a query."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceAdmin(ScopedAdminMixin, ScopedDeleteMixin, LoadedAutocompleteMixin, ScopedHistoryAdmin):
    """A ModelAdmin whose writes are service calls.

    Subclasses implement :meth:`create` (call the app's ``*_create``/``*_record`` service and
    return the new record). Changes are saved from a form that has already run the model's
    full validation (``full_clean``: constraints, ``clean()``, partial dates in order).
    """

    readonly_fields = READONLY_RECORD_FIELDS
    # Addresses pasted without a scheme are web pages, and they are served over HTTPS.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["core/admin.css"]}

    def create(self, request, form):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def update(self, request, obj, form, change) -> None:
        record_update(record=obj, changes={})

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if connection.vendor != "sqlite" or search_term.isascii():
            return results, may_have_duplicates
        # SQLite's LIKE ignores case for ASCII letters only: "ким" would miss "Ким". Search the
        # usual capitalisations too (PostgreSQL needs none of this).
        variants = {search_term.lower(), search_term.capitalize(), search_term.title(), search_term.upper()}
        matches = Q(pk__in=results.values("pk"))
        for variant in variants - {search_term}:
            found, duplicates = super().get_search_results(request, queryset, variant)
            matches |= Q(pk__in=found.values("pk"))
            may_have_duplicates |= duplicates
        return queryset.filter(matches), may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # a new class per request: checks that need the user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            self.update(request, obj, form, change)
        else:
            adopt(obj, self.create(request, form))

    def save_formset(self, request, form, formset, change):
        # Inline formsets call services too, and services record who added a citation.
        formset.request, formset.request_user = request, request.user
        super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Forms validate with the services' own checks, so this is a last line of defence
        # (e.g. a race with another caseworker): the admin's transaction has been rolled
        # back, and the caseworker sees why instead of a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, f"Nothing was saved. {readable(error)}", messages.ERROR)
        except IntegrityError:
            self.message_user(
                request,
                "Nothing was saved: the record conflicts with one saved meanwhile. Check and try again.",
                messages.ERROR,
            )
        return HttpResponseRedirect(request.get_full_path())


class ServiceInlineFormSet(BaseInlineFormSet):
    """An inline formset that creates rows through a service.

    ``create(form)`` makes a new row's record (a service call, which also takes any quote
    typed on the row); ``after_change(form, obj)`` runs for a changed existing row, e.g. to
    cite the quote typed on it.
    """

    request = None
    request_user = None

    def create(self, form):
        return super().save_new(form, commit=True)

    def after_change(self, form, obj) -> None:
        pass

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Each row's instance points at the page's record: reuse it rather than let every
        # row's __str__ (e.g. "Agreement: Art. 5") load it again.
        if self.instance.pk is not None:
            self.fk.set_cached_value(form.instance, self.instance)
        return form

    def save_new(self, form, commit=True):
        return self.create(form)

    def save_existing(self, form, obj, commit=True):
        obj = super().save_existing(form, obj, commit=commit)
        self.after_change(form, obj)
        return obj


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
        return super().has_add_permission(request, obj) and (
            obj is None or scoping.can_write(request.user, obj)
        )
