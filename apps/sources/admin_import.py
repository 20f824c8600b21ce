"""The admin's "Import article" page: paste or upload, preview and correct, save.

Two steps, both on one URL of the Article admin (``ArticleAdmin.get_urls``):

1. :class:`ImportSourceForm` takes pasted text or a .txt/.html file (and an optional address);
   ``article_extract`` reads it and writes nothing.
2. :class:`ImportPreviewForm` shows what was extracted, every field correctable; saving calls
   ``article_import`` with the caseworker's corrections, in one transaction.

What was received travels from step 1 to step 2 signed (and compressed), not in the session:
the raw text is stored exactly as received, so the caseworker corrects the body, never the
raw text, and a saved page of a few megabytes stays under the request size limit.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.core import scoping
from apps.people.models import Organization
from apps.sources.ingestion.decoding import check_size
from apps.sources.ingestion.importer import (
    URL_MAX,
    ImportDraft,
    ImportRejected,
    article_extract,
    article_import,
)
from apps.sources.models import Article

SIGNING_SALT = "apps.sources.admin_import"
# A preview left open overnight is stale (the stored articles, hence duplicates, move on).
PREVIEW_MAX_AGE = 24 * 60 * 60
UPLOAD_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")

# What the caseworker can do about each refusal, after the importer's own message.
REJECTION_ADVICE = {
    "empty": "Paste the article's text or choose a file that contains it.",
    "too_large": "Save only the article (not the whole site) or paste its text.",
    "binary": "Upload the page saved as .html or the article as a .txt file, or paste the text.",
    "undecodable": "Save the file as UTF-8 (or paste the text) and try again.",
    "no_text": "Check that the file holds the article itself, not only the site's menus.",
    "no_outlet": "Choose the outlet that published it.",
    "unsupported": "Paste the text, or upload a .txt or .html file.",
}


def rejection_message(error: ImportRejected) -> str:
    """The importer's reason and what to do about it, in one readable sentence or two."""
    advice = REJECTION_ADVICE.get(error.reason, "")
    return " ".join(part for part in (" ".join(error.messages), advice) if part)


class ImportSourceForm(forms.Form):
    """Step 1: what the caseworker brings."""

    text = forms.CharField(
        required=False,
        strip=False,
        label=_("Paste the article"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=_("Text copied from a site, with or without its menus and appeals; or a page's HTML."),
    )
    file = forms.FileField(
        required=False, label=_("Or upload a file"), help_text=_("A saved page (.html) or a text file (.txt).")
    )
    url = forms.CharField(
        required=False,
        max_length=URL_MAX,
        label=_("Address (URL)"),
        help_text=_("Where the article was published, if known: it helps find the date, outlet and duplicates."),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if upload is not None and text.strip():
            raise ValidationError(_("Paste the text or upload a file, not both."))
        if upload is None and not text.strip():
            raise ValidationError(rejection_message(ImportRejected(_("The text is empty."), code="empty")))
        if upload is not None:
            if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
                raise ValidationError(
                    rejection_message(
                        ImportRejected(_("“%(name)s” is not a .txt or .html file.") % {"name": upload.name}, code="unsupported")
                    )
                )
            # Refused before reading: the limit exists so that huge files are never loaded.
            try:
                check_size(upload.size)
            except ImportRejected as error:
                raise ValidationError(rejection_message(error)) from None
        return cleaned

    def content(self) -> tuple[str | bytes, str]:
        """What to import and the file name it came under ("" for pasted text)."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(), upload.name
        return self.cleaned_data["text"], ""


class ImportPreviewForm(forms.Form):
    """Step 2: the extracted article, every field correctable, and what was received (signed)."""

    received = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=Article._meta.get_field("title").max_length)
    outlet = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        required=False,
        widget=AutocompleteSelect(Article._meta.get_field("outlet"), admin.site),
    )
    authors = forms.CharField(
        required=False,
        max_length=Article._meta.get_field("authors").max_length,
        help_text=_("Names separated by commas."),
    )
    published_on = forms.DateField(
        required=False, label=_("Published on"), widget=AdminDateWidget, help_text=_("YYYY-MM-DD.")
    )
    url = forms.CharField(required=False, max_length=URL_MAX, label=_("Address (URL)"))
    language = forms.CharField(
        max_length=Article._meta.get_field("language").max_length,
        help_text=_("ISO 639-1 code (en, ru, ko, ja…); und when unknown."),
    )
    body = forms.CharField(
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text=_("The article without site furniture. Correct it here: quotes will be cut from this text."),
    )

    def __init__(self, *args, outlets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outlets is not None:
            self.fields["outlet"].queryset = outlets

    @classmethod
    def from_draft(cls, draft: ImportDraft, *, received: str, outlets) -> ImportPreviewForm:
        initial = {
            "received": received,
            "title": draft.title,
            "outlet": draft.outlet,
            "authors": ", ".join(draft.authors),
            "published_on": draft.published_on,
            "url": draft.url,
            "language": draft.language,
            "body": draft.body,
        }
        return cls(initial=initial, outlets=outlets)

    def clean_received(self) -> dict:
        try:
            return signing.loads(self.cleaned_data["received"], salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
        except signing.SignatureExpired:
            raise ValidationError(_("This preview is more than a day old: start the import again.")) from None
        except signing.BadSignature:
            raise ValidationError(_("The received text was altered or cut short: start the import again.")) from None

    def corrections(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("title", "authors", "published_on", "url", "language", "body")}


def sign_received(*, content: str, filename: str, format: str, url: str) -> str:
    return signing.dumps(
        {"content": content, "filename": filename, "format": format, "url": url},
        salt=SIGNING_SALT,
        compress=True,
    )


def duplicate_notice(article: Article | None, reason: str) -> str:
    """A sentence with a link to the stored article this one duplicates ("" if none)."""
    if article is None:
        return ""
    what = "the same text" if reason == "body" else "the same address"
    url = reverse("admin:sources_article_change", args=[article.pk])
    return format_html(
        "Already stored, with {}: <a href=\"{}\">{}</a>. It will not be stored twice; cite that one.",
        what,
        url,
        article.title,
    )


def import_article_view(model_admin, request):
    """The "Import article" page (both steps); see the module docstring."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    # The outlets this user may attach an article to (apps.core.scoping), as in the add form.
    outlets = scoping.writable(Organization, request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": "Import article",
        "has_view_permission": model_admin.has_view_permission(request),
    }
    step = request.POST.get("step") if request.method == "POST" else None

    if step == "save":
        preview = ImportPreviewForm(request.POST, outlets=outlets)
        if preview.is_valid():
            received = preview.cleaned_data["received"]
            try:
                result = article_import(
                    content=received["content"],
                    filename=received["filename"],
                    format=received["format"],
                    url=received["url"],
                    outlet=preview.cleaned_data.get("outlet"),
                    corrections=preview.corrections(),
                    added_by=request.user,
                )
            except ImportRejected as error:
                field = "outlet" if error.reason == "no_outlet" else None
                preview.add_error(field, rejection_message(error))
            except ValidationError as error:
                _add_service_errors(preview, error)
            else:
                if result.created:
                    model_admin.log_addition(request, result.article, [{"added": {}}])
                    model_admin.message_user(
                        request, _("Imported “%(title)s”. Suggested links are listed below.") % {"title": result.article.title},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:sources_article_change", args=[result.article.pk]))
                context["duplicate"] = duplicate_notice(result.article, result.draft.duplicate_reason)
                model_admin.message_user(request, _("Nothing was saved: this article is already stored."),
                                         messages.WARNING)
        return _render_preview(model_admin, request, context, preview, draft=None)

    source = ImportSourceForm(request.POST or None, request.FILES or None)
    if step == "extract" and source.is_valid():
        content, filename = source.content()
        url = source.cleaned_data.get("url") or ""
        try:
            draft = article_extract(content=content, filename=filename, url=url)
        except ImportRejected as error:
            source.add_error(None, rejection_message(error))
        else:
            received = sign_received(content=draft.raw_text, filename=filename, format=draft.format, url=url)
            preview = ImportPreviewForm.from_draft(draft, received=received, outlets=outlets)
            context["duplicate"] = duplicate_notice(draft.duplicate, draft.duplicate_reason)
            return _render_preview(model_admin, request, context, preview, draft=draft)
    context.update(form=source, media=model_admin.media + source.media)
    return TemplateResponse(request, "admin/sources/article/import_source.html", context)


def _render_preview(model_admin, request, context, preview: ImportPreviewForm, *, draft: ImportDraft | None):
    context.update(
        form=preview,
        draft=draft,
        media=model_admin.media + preview.media,
        new_outlet_name=draft.outlet_name if draft is not None and draft.outlet is None else "",
    )
    return TemplateResponse(request, "admin/sources/article/import_preview.html", context)


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the fields they name, the rest on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def mention_links(*, article: Article, mentions, user) -> list[dict]:
    """The article's mention suggestions, each passage with links that cite it in one step.

    "Cite" opens the Citation add form with the article and the passage as the quote (the
    caseworker picks the fact, proceeding or provision); "New fact" opens the Fact add form
    with the passage as the statement and as its supporting quote. A link is offered only to
    a user whose permissions would let the page it opens be used.
    """
    citation_add = reverse("admin:sources_citation_add") if user.has_perm("sources.add_citation") else ""
    fact_add = reverse("admin:cases_fact_add") if user.has_perm("cases.add_fact") else ""
    rows = []
    for mention in mentions:
        record = mention.record
        opts = record._meta
        passages = []
        for passage in mention.passages:
            cite = {"article": article.pk, "quote": passage.passage}
            fact = {"support_article": article.pk, "support_quote": passage.passage, "statement": passage.passage}
            passages.append(
                {
                    "text": passage.passage,
                    "matched": passage.matched,
                    "cite_url": f"{citation_add}?{urlencode(cite)}" if citation_add else "",
                    "fact_url": f"{fact_add}?{urlencode(fact)}" if fact_add else "",
                }
            )
        may_view = user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        rows.append(
            {
                "kind": mention.kind,
                "label": mention.label,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]) if may_view else "",
                "passages": passages,
            }
        )
    return rows
