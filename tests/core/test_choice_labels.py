"""A record's choice labels (get_FOO_display) are read once per field and language, and still
follow the language of the request that shows them."""

import pytest
from django.utils import translation

from apps.core import models as core_models
from apps.proceedings.models import Proceeding
from tests.factories import ProceedingFactory


@pytest.mark.django_db
def test_a_choice_label_is_in_the_active_language():
    proceeding = ProceedingFactory(kind=Proceeding.Kind.APPEAL, outcome=Proceeding.Outcome.REFUSED)
    with translation.override("en"):
        assert proceeding.get_kind_display() == "Appeal"
        assert proceeding.get_outcome_display() == "Refused"
    with translation.override("ru"):
        assert proceeding.get_kind_display() == "Апелляция"
    with translation.override("en"):
        assert proceeding.get_kind_display() == "Appeal"


def test_a_value_outside_the_choices_is_shown_as_stored():
    proceeding = Proceeding(kind="something-older")
    assert proceeding.get_kind_display() == "something-older"
    assert Proceeding(kind=None).get_kind_display() is None


def test_the_labels_of_a_field_are_built_once_per_language(monkeypatch):
    field = Proceeding._meta.get_field("status")
    monkeypatch.setattr(core_models, "_choice_labels", {})
    built = []
    real = core_models.make_hashable

    def counting(value):
        built.append(value)
        return real(value)

    monkeypatch.setattr(core_models, "make_hashable", counting)
    proceeding = Proceeding(status=Proceeding.Status.DECIDED)
    with translation.override("en"):
        for _ in range(50):
            assert proceeding.get_status_display() == "Decided"
    # One key per choice when the labels are built, then one per call to look the value up.
    assert len(built) == len(Proceeding.Status.choices) + 50
    with translation.override("ru"):
        proceeding.get_status_display()
    assert set(core_models._choice_labels) == {(field, "en"), (field, "ru")}


def test_the_labels_are_the_fields_own():
    """Every choice of every field of a versioned record is shown as Django would show it
    (country fields, whose choices are computed, are left to Django)."""
    from django.apps import apps
    from django.db.models import Model

    for model in apps.get_models():
        if not issubclass(model, core_models.Versioned):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field.choices, (list, tuple)):
                continue
            for value, _label in field.flatchoices:
                record = model(**{field.attname: value})
                assert getattr(record, f"get_{field.name}_display")() == Model._get_FIELD_display(record, field)


def test_the_labels_are_read_again_when_the_languages_change(settings):
    field = Proceeding._meta.get_field("status")
    with translation.override("en"):
        Proceeding(status=Proceeding.Status.DECIDED).get_status_display()
    assert (field, "en") in core_models._choice_labels
    settings.LANGUAGES = [("en", "English"), ("ru", "Russian")]
    assert core_models._choice_labels == {}
