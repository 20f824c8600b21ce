from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.dossiers.levels import dossier_levels_allowed
from apps.dossiers.models import Format, Level
from apps.dossiers.services import DEFAULT_DOSSIER_LANGUAGE


class DossierForm(forms.Form):
    """Which dossier to generate; the levels offered are those the user may have."""

    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.PDF, widget=forms.RadioSelect)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=forms.RadioSelect)
    language = forms.ChoiceField(
        label=_("Language of the dossier"),
        choices=settings.LANGUAGES,
        # A form posted without it (a bookmarklet, an older page) gets an English dossier, as before.
        required=False,
        help_text=_("Headings, labels and dates; quotes stay in the language of their source."),
    )

    def __init__(self, *args, user, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        allowed = dossier_levels_allowed(user=user, cases=cases)
        self.fields["level"].choices = [(value, label) for value, label in Level.choices if value in allowed]
        # The least revealing level is the default: a dossier given to the wrong reader can cost a life.
        self.fields["level"].initial = Level.PUBLIC if Level.PUBLIC in allowed else None
        # The language of the page the caseworker is reading, unless they choose another.
        current = (get_language() or "en").split("-")[0]
        self.fields["language"].initial = current if current in dict(settings.LANGUAGES) else "en"

    def clean_language(self):
        return self.cleaned_data.get("language") or DEFAULT_DOSSIER_LANGUAGE
