"""Admin form support for partial dates: one text box ("spring 2013") per partial date."""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.partial_dates import PartialDate, ambiguous_readings, parse_partial_date

PARTIAL_DATE_HELP = (
    "As the source writes it, e.g. 1997, spring 2013, May–June 2016, mid-2016, 14 Nov 2014, "
    "26.05.2016, весной 2013; put “c.” in front if approximate."
)


class PartialDateFormField(forms.CharField):
    """A partial date typed as text, read as :meth:`PartialDate.parse` reads it.

    One difference: "2011-12" is refused with both of its readings (December 2011, or 2011 to
    2012), since someone typing it often means two years. The API keeps reading it as a month,
    its documented machine form, so that what it returns can be sent back.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        # No placeholder: an example shown in an empty box reads as a date that was entered.
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 16}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "" if value is None else str(value)

    def to_python(self, value):
        text = super().to_python(value)
        readings = ambiguous_readings(text) if text else None
        if readings:
            month, years = readings
            raise ValidationError(
                _("“%(text)s” can mean %(month)s or the years %(year)s to %(year2)s. Type “%(month)s” or “%(years)s” to say which.") % {"text": text.strip(), "month": month, "year": years.first.year, "year2": years.last.year, "years": years},
                code="ambiguous",
            )
        return parse_partial_date(text)


def future_warning(label: str, value: PartialDate | None) -> str | None:
    """The warning for a date that begins after today, or None.

    Only a warning: a source may announce what is planned (an agreement "to be signed on
    2 February"), and a typing slip ("spring 2103") is for the caseworker to spot.
    """
    if value is None or value.start <= timezone.localdate():
        return None
    return _("%(label)s: %(date)s is in the future. It was saved; check that this is what the source says.") % {
        "label": label,
        "date": value,
    }


def show_partial_date_warnings(request, form, formsets) -> None:
    """After a save, show a warning for each date typed on the page that lies ahead.

    The forms of :func:`partial_date_form` note these warnings (``partial_date_warnings``) as
    they validate; only the admin has the request to show them on, once everything is saved.
    """
    rows = [row for formset in formsets for row in formset.forms if row not in formset.deleted_forms]
    for saved in [form, *rows]:
        for warning in getattr(saved, "partial_date_warnings", ()):
            messages.warning(request, warning)


def formfield(db_field, **kwargs):
    """Model form fields as the admin builds them, with web addresses assumed to be HTTPS."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


def partial_date_form(model, names: tuple[str, ...], *, required: tuple[str, ...] = ()):
    """A ModelForm base for ``model`` that edits each partial date in ``names`` as text."""

    attrs = {
        name: PartialDateFormField(
            # The model's label for the date ("in force"), in the language of the page.
            label=capfirst(gettext_lazy(name.replace("_", " "))),
            required=name in required,
        )
        for name in names
    }

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        for name in names:
            self.initial.setdefault(name, getattr(self.instance, name))

    def _post_clean(self):
        # Copy each parsed date onto the instance before the model validation runs, so
        # that clean() and the "in order" checks see what the caseworker typed.
        for name in names:
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        forms.ModelForm._post_clean(self)
        # A date that was already stored is not warned about again on every save.
        self.partial_date_warnings = [
            warning
            for name in names
            if name in self.changed_data and name in self.cleaned_data
            if (warning := future_warning(self.fields[name].label, self.cleaned_data[name]))
        ]

    attrs.update(__init__=__init__, _post_clean=_post_clean)
    stored = [f"{n}_{part}" for n in names for part in ("start", "end", "precision", "approximate")]
    attrs["Meta"] = type(
        "Meta", (), {"model": model, "exclude": stored, "formfield_callback": staticmethod(formfield)}
    )
    return type(f"{model.__name__}PartialDateForm", (forms.ModelForm,), attrs)


# -- autocomplete widgets that reuse objects the page has already loaded ----------------------


class LoadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that renders its selected option from an object already in memory.

    Django's widget looks its selected option up with one query per widget, so a case page
    with twenty proceedings would make twenty queries for their authorities. The inline's
    queryset selects the related objects; :class:`LoadedChoicesForm` hands them over.
    """

    loaded: dict = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.loaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            label = self.choices.field.label_from_instance(self.loaded[key])
            options.append(self.create_option(name, key, label, selected, len(options)))
        return [(None, options, 0)]


class LoadedChoicesForm(forms.BaseForm):
    """Give each :class:`LoadedAutocompleteSelect` the related object cached on the instance."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # unwrap the "+" wrapper
            if not isinstance(widget, LoadedAutocompleteSelect):
                continue
            model_field = instance._meta.get_field(name)
            if model_field.is_relation and model_field.many_to_one and model_field.is_cached(instance):
                related = getattr(instance, name)
                if related is not None:
                    widget.loaded = {str(related.pk): related}


def country_display(name: str, description):
    """A changelist column with the country's name, sorted by its code.

    Django displays a choices field by looking its value up in the field's flat choices, which
    django-countries builds anew, 250 countries, for every row: half the time of a 100-row
    list of people (docs/performance.md). The value already knows its name.
    """

    def column(model_admin, obj):
        country = getattr(obj, name)
        return country.name if country else model_admin.get_empty_value_display()

    column.short_description = description
    column.admin_order_field = name
    column.__name__ = f"{name}_display"
    return column


def partial_date_display(name: str, description: str):
    """A changelist column that shows a partial date as one phrase and sorts by its start.

    Assign it in a ModelAdmin body (``born_display = partial_date_display("born", "born")``)
    and name it in ``list_display``.
    """

    def column(model_admin, obj):
        return getattr(obj, name) or "—"

    column.short_description = description
    column.admin_order_field = f"{name}_start"
    column.__name__ = f"{name}_display"
    return column
