"""Turn an admin page's forms back into the POST data a browser would send."""

import datetime as dt

from django import forms


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _form_data(form, data):
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) and not value:
            continue  # a browser sends nothing for an empty multiple choice
        value = _encode(value)
        if value is not None:
            data[form.add_prefix(name)] = value


def page_data(response) -> dict:
    """Every field of an admin change/add page (main form and inlines) as currently shown."""
    data = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_data(formset.management_form, data)
        for form in formset.forms:
            _form_data(form, data)
    return data


def inline_formset(response, prefix):
    """The inline formset with this prefix on a rendered (or re-rendered) admin page."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset
    raise LookupError(f"No inline {prefix!r} on the page.")
