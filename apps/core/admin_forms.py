"""Admin form support for partial dates: one text box ("spring 2013") per partial date."""

from django import forms

from apps.core.partial_dates import parse_partial_date

PARTIAL_DATE_HELP = "e.g. 1997, spring 2013, January 2016, 14 Nov 2014; prefix “c.” if approximate."


class PartialDateFormField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 18, "placeholder": "spring 2013"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "" if value is None else str(value)

    def to_python(self, value):
        return parse_partial_date(super().to_python(value))


def partial_date_form(model, names: tuple[str, ...], *, required: tuple[str, ...] = ()):
    """A ModelForm base for ``model`` that edits each partial date in ``names`` as text."""

    attrs = {
        name: PartialDateFormField(
            label=model._meta.get_field(f"{name}_start").verbose_name.replace(" (from)", "").capitalize(),
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

    attrs.update(__init__=__init__, _post_clean=_post_clean)
    stored = [f"{n}_{part}" for n in names for part in ("start", "end", "precision", "approximate")]
    attrs["Meta"] = type("Meta", (), {"model": model, "exclude": stored})
    return type(f"{model.__name__}PartialDateForm", (forms.ModelForm,), attrs)
