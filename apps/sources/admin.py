"""Admin for sources: stored articles and the quotes cited from them.

An article's text is evidence. It is shown escaped (never rendered as HTML: a scraped page
may contain markup or scripts), its hash is read-only, and once quoted it cannot change.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin import (
    READONLY_RECORD_FIELDS,
    ServiceAdmin,
    ServiceInline,
    ServiceInlineFormSet,
    related_count,
    shortened,
)
from apps.core.admin_forms import LoadedChoicesForm, formfield
from apps.sources.admin_import import import_article_view, mention_links
from apps.sources.models import Article, Citation
from apps.sources.normal_form import normalize_body
from apps.sources.selectors import article_mentions
from apps.sources.services import (
    article_create,
    article_delete,
    article_find_duplicate,
    article_update,
    citation_add,
    citation_remove,
    citation_update,
    quote_locate,
)

CITATIONS_WITH_ARTICLES = Prefetch("citations", queryset=Citation.objects.select_related("article__outlet"))


def citation_list(record):
    """The quotes that support a record, one per line, with their article (escaped)."""
    citations = record.citations.all()
    if not citations:
        return "—"
    quotes = format_html_join(
        "", "<div>“{}” <small>— {}</small></div>", ((c.quote, c.article.title) for c in citations)
    )
    return format_html('<div class="ct-sources">{}</div>', quotes)


def source_text(text: str):
    """Escaped text in a scrolling block that keeps the article's paragraphs (core/admin.css)."""
    return format_html('<div class="ct-source-text">{}</div>', text)


def supported_link(citation: Citation, limit: int | None = None):
    """What the citation supports, as a link to its admin page (its label cut to ``limit``)."""
    target = citation.supports
    if target is None:
        return "—"
    opts = target._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
    label = f"{opts.verbose_name.capitalize()}: {target}"
    return format_html('<a href="{}">{}</a>', url, shortened(label, limit) if limit else label)


# -- citations -------------------------------------------------------------------------------


class CitationForm(LoadedChoicesForm, forms.ModelForm):
    """A quote typed by a caseworker; its offsets are found in the article, never typed."""

    class Meta:
        model = Citation
        fields = ("article", "quote", "fact", "proceeding", "provision", "note")
        widgets = {"quote": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def clean(self):
        cleaned = super().clean()
        article, quote = cleaned.get("article"), cleaned.get("quote")
        if article is not None and quote:
            try:
                start, end = self._locate(article.body, quote)
            except ValidationError as error:
                self.add_error("quote", error.message_dict.get("quote", error.messages))
            else:
                # What is saved is the article's own text (a browser sends CRLF line ends, a
                # paste may bring straight quotes): the quote is replaced by the body's slice.
                cleaned["quote"] = article.body[start:end]
                self.instance.start, self.instance.end = start, end
        return cleaned

    def _locate(self, body: str, quote: str) -> tuple[int, int]:
        """Where the quote is; a changed citation keeps its place if its words are still there
        (the same words may occur earlier in the text), as ``citation_update`` does."""
        if self.instance.pk and self.instance.article_id == self.cleaned_data["article"].pk:
            try:
                return quote_locate(body=body, quote=quote, start=self.instance.start)
            except ValidationError:
                pass
        return quote_locate(body=body, quote=quote)


class CitationInlineFormSet(ServiceInlineFormSet):
    """Citations under a fact, proceeding or provision; a fact keeps at least one."""

    def save(self, commit=True):
        # New quotes first: replacing a fact's only quote (delete one, add another) is allowed,
        # and citation_remove counts what is left when it is asked.
        self.new_objects = self.save_new_objects(commit)
        return self.save_existing_objects(commit) + self.new_objects

    def create(self, form):
        data = form.cleaned_data
        return citation_add(
            article=data["article"],
            quote=data["quote"],
            note=data.get("note", ""),
            added_by=self.request_user,
            **{self.fk.name: self.instance},
        )

    def update(self, form, citation, changes):
        citation, _changed = citation_update(citation=citation, **changes)
        return citation

    def remove(self, citation):
        citation_remove(citation=citation)


class CitationInline(ServiceInline, admin.TabularInline):
    """Base for the citations shown under the record they support."""

    model = Citation
    form = CitationForm
    formset = CitationInlineFormSet
    fields = ("article", "quote", "note", "start", "end")
    readonly_fields = ("start", "end")
    autocomplete_fields = ("article",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article__outlet")


class FactCitationInline(CitationInline):
    fk_name = "fact"


class ProceedingCitationInline(CitationInline):
    fk_name = "proceeding"
    extra = 0


class ProvisionCitationInline(CitationInline):
    fk_name = "provision"
    extra = 0


class ArticleCitationInline(admin.TabularInline):
    """Where this article is quoted (read-only: quotes are added where they are used)."""

    model = Citation
    fk_name = "article"
    fields = ("quote", "supports_link", "start", "end")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "quoted in"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("fact__case", "proceeding__authority", "provision__agreement")
        )

    @admin.display(description="supports")
    def supports_link(self, citation):
        return supported_link(citation)


class SupportsFilter(admin.SimpleListFilter):
    title = "supports"
    parameter_name = "supports"

    def lookups(self, request, model_admin):
        return [(name, name.capitalize()) for name in Citation.SUPPORTED]

    def queryset(self, request, queryset):
        if self.value() in Citation.SUPPORTED:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Citation)
class CitationAdmin(ServiceAdmin):
    form = CitationForm
    # Short columns that wrap (positions are on the citation's page): 51 rows fit a few screens.
    list_display = ("short_quote", "article_short", "supports_link", "added_by")
    list_select_related = (
        "article__outlet",
        "fact__case",
        "proceeding__authority",
        "provision__agreement",
        "added_by",
    )
    # By outlet, not by article: an article's name needs its outlet, one query per choice.
    list_filter = (SupportsFilter, ("article__outlet", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "quote",
        "note",
        "article__title",
        "fact__case__reference",
        "proceeding__case__reference",
    )
    autocomplete_fields = ("article", "fact", "proceeding", "provision")
    readonly_fields = ("start", "end", "added_by", *READONLY_RECORD_FIELDS)
    fieldsets = (
        (None, {"fields": ("article", "quote", "note")}),
        ("Supports exactly one of", {"fields": ("fact", "proceeding", "provision")}),
        ("Position in the article's text", {"fields": ("start", "end", "added_by")}),
        ("Record", {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    @admin.display(description=_("quote"), ordering="quote")
    def short_quote(self, citation):
        return shortened(f"“{citation.quote}”", 100)

    @admin.display(description=_("article"), ordering="article__title")
    def article_short(self, citation):
        return shortened(str(citation.article), 70)

    @admin.display(description=_("supports"))
    def supports_link(self, citation):
        return supported_link(citation, limit=70)

    def create(self, request, form):
        data = form.cleaned_data
        return citation_add(
            article=data["article"],
            quote=data["quote"],
            note=data.get("note", ""),
            fact=data.get("fact"),
            proceeding=data.get("proceeding"),
            provision=data.get("provision"),
            added_by=request.user,
        )

    def update(self, request, citation, changes, form):
        citation, _changed = citation_update(citation=citation, **changes)
        return citation

    def delete(self, request, citation):
        citation_remove(citation=citation)


# -- articles -------------------------------------------------------------------------------


class ArticleForm(forms.ModelForm):
    """Checks an article the way ``article_create`` will: normal form, hash, duplicates."""

    class Meta:
        model = Article
        fields = ("title", "outlet", "authors", "published_on", "url", "language", "body", "raw_text")
        formfield_callback = formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "raw_text" in self.fields:
            self.fields["raw_text"].required = False
            self.fields["raw_text"].help_text = "The text exactly as received; leave empty to keep the body."

    def clean(self):
        cleaned = super().clean()
        if "body" not in self.fields:
            return cleaned
        body = normalize_body(cleaned.get("body") or "")
        if not body:
            return cleaned
        duplicate = article_find_duplicate(body=body, url=cleaned.get("url") or "")
        if duplicate and duplicate[0].pk != self.instance.pk:
            existing, reason = duplicate
            what = "the same text" if reason == "body" else "the same address"
            self.add_error(
                "body" if reason == "body" else "url",
                f"An article with {what} is already stored: “{existing.title}”. "
                "Cite that one instead of adding it again.",
            )
        return cleaned

    def _post_clean(self):
        # The model needs its hash to validate; article_create computes the same one.
        from apps.sources.normal_form import body_sha256

        super()._post_clean()
        if self.instance.body:
            self.instance.sha256 = body_sha256(self.instance.body)


@admin.register(Article)
class ArticleAdmin(ServiceAdmin):
    form = ArticleForm
    list_display = ("title", "outlet", "published_on", "language", "authors", "citation_count")
    list_select_related = ("outlet",)
    list_filter = ("language", ("outlet", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "body", "authors", "url", "outlet__name", "outlet__short_name")
    date_hierarchy = "published_on"
    autocomplete_fields = ("outlet",)
    inlines = (ArticleCitationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=related_count(Citation, "article"))

    def get_fieldsets(self, request, obj=None):
        meta = ("title", "outlet", "authors", "published_on", "url", "language")
        record = (
            "Record",
            {"fields": ("sha256", "added_by", *READONLY_RECORD_FIELDS), "classes": ("collapse",)},
        )
        if obj is None:
            return ((None, {"fields": meta}), ("Text", {"fields": ("body", "raw_text")}), record)
        text = ("body_text" if obj.citations.exists() else "body", "raw_text_display")
        return ((None, {"fields": meta}), ("Text", {"fields": text}), record)

    def get_readonly_fields(self, request, obj=None):
        fields = ["sha256", "added_by", *READONLY_RECORD_FIELDS]
        if obj is not None:
            # As received, once and for all; the body is frozen once quoted (article_update).
            fields += ["raw_text_display", "body_text"]
        return fields

    def get_urls(self):
        # Before the default URLs: "<path:object_id>/" would swallow "import/".
        view = self.admin_site.admin_view(partial(import_article_view, self))
        return [path("import/", view, name="sources_article_import"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # Suggested links: who and what the text mentions, each passage citable in one step.
            found = article_mentions(article=obj, user=request.user)
            context["mentions"] = mention_links(article=obj, mentions=found, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="body (quoted, so it can no longer change)")
    def body_text(self, article):
        return source_text(article.body)

    @admin.display(description="raw text as received")
    def raw_text_display(self, article):
        return source_text(article.raw_text)

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, article):
        return article.citation_total

    def create(self, request, form):
        data = form.cleaned_data
        return article_create(
            title=data["title"],
            outlet=data["outlet"],
            body=data["body"],
            raw_text=data.get("raw_text") or None,
            authors=data.get("authors", ""),
            published_on=data.get("published_on"),
            url=data.get("url", ""),
            language=data.get("language") or "en",
            added_by=request.user,
        )

    def update(self, request, article, changes, form):
        article, _changed = article_update(article=article, **changes)
        return article

    def delete(self, request, article):
        article_delete(article=article)
