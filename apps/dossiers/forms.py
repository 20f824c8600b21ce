from django import forms

from apps.dossiers.levels import dossier_levels_allowed
from apps.dossiers.models import Format, Level


class DossierForm(forms.Form):
    """Which dossier to generate; the levels offered are those the user may have."""

    format = forms.ChoiceField(choices=Format.choices, initial=Format.PDF, widget=forms.RadioSelect)
    level = forms.ChoiceField(choices=Level.choices, widget=forms.RadioSelect)

    def __init__(self, *args, user, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        allowed = dossier_levels_allowed(user=user, cases=cases)
        self.fields["level"].choices = [(value, label) for value, label in Level.choices if value in allowed]
        # The least revealing level is the default: a dossier given to the wrong reader can cost a life.
        self.fields["level"].initial = Level.PUBLIC if Level.PUBLIC in allowed else None
