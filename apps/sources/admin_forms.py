"""The supporting quote typed beside the record it supports (a fact, a proceeding).

The apps whose records need sources put these fields on their admin forms; the quote is checked
here, against the article's stored text, with the function ``citation_add`` uses.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.sources.models import Article, Citation
from apps.sources.services import quote_locate


def source_article_field(*, label=None) -> forms.ModelChoiceField:
    """A choice of stored article, searched as you type (the Article admin's search)."""
    return forms.ModelChoiceField(
        queryset=Article.objects.select_related("outlet"),
        required=False,
        label=label if label is not None else gettext_lazy("Source article"),
        widget=AutocompleteSelect(Citation._meta.get_field("article"), admin.site),
    )


def supporting_quote_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        strip=False,  # the quote is matched as pasted; what is stored is the article's own text
        label=gettext_lazy("Supporting quote"),
        help_text=gettext_lazy("Copy the words from the article's text (line ends, quote marks, dashes and spaces may differ)."),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
    )


class SupportingQuoteForm(forms.Form):
    """Two extra fields, "source article" and "supporting quote", on a fact or proceeding form.

    The quote is checked against the article's stored text with the same function that
    ``citation_add`` uses, so a wrong quote is reported on this form (this inline row) before
    anything is saved. Whether a record needs a quote is its service's rule (a fact does):
    when the service refuses, its reason is shown on these fields.
    """

    support_article = source_article_field()
    support_quote = supporting_quote_field()
    service_error_fields = {"citations": "support_quote", "quote": "support_quote", "article": "support_article"}

    def clean(self):
        cleaned = super().clean()
        article, quote = cleaned.get("support_article"), cleaned.get("support_quote") or ""
        if quote.strip() and article is None and "support_article" not in self.errors:
            self.add_error("support_article", _("Choose the article the quote comes from."))
        elif article is not None and not quote.strip():
            self.add_error("support_quote", _("Copy the words from the article that support this."))
        elif article is not None:
            try:
                start, end = quote_locate(body=article.body, quote=quote)
            except ValidationError as error:
                self.add_error("support_quote", error.message_dict.get("quote", error.messages))
            else:
                # The article's own words are what will be stored (citation_add finds the same).
                cleaned["support_quote"] = article.body[start:end]
        return cleaned

    def supports(self) -> list[dict]:
        """The quote given on this form, in the shape the services take (possibly empty)."""
        article = self.cleaned_data.get("support_article")
        quote = self.cleaned_data.get("support_quote") or ""
        return [{"article": article, "quote": quote}] if article is not None and quote.strip() else []


