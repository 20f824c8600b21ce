"""Admin for sources: stored articles and the quotes cited from them.

An article's text is evidence. It is shown escaped (never rendered as HTML: a scraped page
may contain markup or scripts), its hash is read-only, and once quoted it cannot change.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
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
from apps.core.admin_forms import (
    LoadedChoicesForm,
    country_display,
    formfield,
    partial_date_display,
    partial_date_form,
)
from apps.core.admin_lists import FixedChoicesFilter, TypedLookupFilter
from apps.core.admin_sheets import SheetAdminMixin
from apps.sources.admin_forms import SupportingQuoteForm
from apps.sources.admin_import import import_article_view, mention_links
from apps.sources.models import Article, Citation, DateReading, KnownOutlet
from apps.sources.normal_form import normalize_body
from apps.sources.resources import ArticleResource, CitationResource
from apps.sources.selectors import article_mentions, article_text_match, uses_full_text_search
from apps.sources.services import (
    article_create,
    article_delete,
    article_find_duplicate,
    article_update,
    citation_add,
    citation_remove,
    citation_update,
    date_reading_add,
    date_reading_remove,
    date_reading_update,
    known_outlet_create,
    known_outlet_update,
    quote_locate,
)

CITATIONS_WITH_ARTICLES = Prefetch("citations", queryset=Citation.objects.select_related("article__outlet", "document"))


def citation_list(record):
    """The quotes that support a record, one per line, with their article (escaped)."""
    citations = record.citations.all()
    if not citations:
        return "—"
    quotes = format_html_join(
        "", "<div>“{}” <small>— {}</small></div>", ((c.quote, c.source.title) for c in citations)
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
        fields = ("article", "document", "quote", "fact", "proceeding", "provision", "note")
        widgets = {"quote": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def clean(self):
        cleaned = super().clean()
        article, document, quote = cleaned.get("article"), cleaned.get("document"), cleaned.get("quote")
        if "article" in self.fields and "document" in self.fields and (article is None) == (document is None):
            self.add_error("article", _("Quote exactly one source: an article or a document."))
            return cleaned
        source, text = (article, article.body) if article is not None else (document, document and document.text)
        if source is not None and text and quote:
            try:
                start, end = self._locate(source, text, quote)
            except ValidationError as error:
                self.add_error("quote", error.message_dict.get("quote", error.messages))
            else:
                # What is saved is the source's own text (a browser sends CRLF line ends, a
                # paste may bring straight quotes): the quote is replaced by the text's slice.
                cleaned["quote"] = text[start:end]
                self.instance.start, self.instance.end = start, end
        return cleaned

    def _locate(self, source, text: str, quote: str) -> tuple[int, int]:
        """Where the quote is; a changed citation keeps its place if its words are still there
        (the same words may occur earlier in the text), as ``citation_update`` does."""
        word = "article" if source._meta.model_name == "article" else "document"
        if self.instance.pk and self.instance.source == source:
            try:
                return quote_locate(body=text, quote=quote, start=self.instance.start, source=word)
            except ValidationError:
                pass
        return quote_locate(body=text, quote=quote, source=word)


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
            article=data.get("article"),
            document=data.get("document"),
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
    fields = ("article", "document", "quote", "note", "start", "end")
    readonly_fields = ("start", "end")
    autocomplete_fields = ("article", "document")
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article__outlet", "document")


class FactCitationInline(CitationInline):
    fk_name = "fact"


class ProceedingCitationInline(CitationInline):
    fk_name = "proceeding"
    extra = 0


class ProvisionCitationInline(CitationInline):
    fk_name = "provision"
    extra = 0


class DateReadingCitationInline(CitationInline):
    fk_name = "date_reading"
    extra = 0


class DateReadingForm(SupportingQuoteForm, partial_date_form(DateReading, ("value",), required=("value",))):
    class Meta:
        model = DateReading
        fields = ("agreement", "proceeding", "field", "note")


@admin.register(DateReading)
class DateReadingAdmin(ServiceAdmin):
    """What sources say a date of an agreement or a proceeding is; two different readings of one
    date make it disputed (shown in the list, the timeline and the dossiers)."""

    form = DateReadingForm
    list_display = ("target", "field", "value_display", "citation_count")
    list_select_related = ("agreement", "proceeding")
    list_filter = ("field", ("agreement", admin.RelatedOnlyFieldListFilter))
    search_fields = ("agreement__title", "agreement__short_title", "citations__quote", "note")
    autocomplete_fields = ("agreement", "proceeding")
    inlines = (DateReadingCitationInline,)

    value_display = partial_date_display("value", "date")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=related_count(Citation, "date_reading"))

    def get_fieldsets(self, request, obj=None):
        main = (None, {"fields": ("agreement", "proceeding", "field", "value", "note")})
        record = ("Record", {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)})
        if obj is not None:
            return (main, record)
        source = (
            "Source",
            {
                "fields": ("support_article", "support_quote"),
                "description": "A reading is what a source says: the article and its exact words. Add more once saved.",
            },
        )
        return (main, source, record)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    @admin.display(description="of")
    def target(self, reading):
        return str(reading.target)

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, reading):
        return reading.citation_total

    def create(self, request, form):
        data = form.cleaned_data
        return date_reading_add(
            agreement=data.get("agreement"),
            proceeding=data.get("proceeding"),
            field=data["field"],
            value=data["value"],
            note=data.get("note", ""),
            supports=form.supports(),
            added_by=request.user,
        )

    def update(self, request, reading, changes, form):
        reading, _changed = date_reading_update(reading=reading, **changes)
        return reading

    def delete(self, request, reading):
        date_reading_remove(reading=reading)


class ArticleCitationInline(admin.TabularInline):
    """Where this article is quoted (read-only: quotes are added where they are used)."""

    model = Citation
    fk_name = "article"
    fields = ("quote", "supports_link", "start", "end")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("quoted in")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("fact__case", "proceeding__authority", "provision__agreement")
        )

    @admin.display(description=_("supports"))
    def supports_link(self, citation):
        return supported_link(citation)


class SupportsFilter(admin.SimpleListFilter):
    title = _("supports")
    parameter_name = "supports"

    def lookups(self, request, model_admin):
        return [(name, name.capitalize()) for name in Citation.SUPPORTED]

    def queryset(self, request, queryset):
        if self.value() in Citation.SUPPORTED:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


class CitationCaseFilter(TypedLookupFilter):
    title = _("case")
    parameter_name = "case_reference"
    placeholder = "CT-2016-0001"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(fact__case__reference__iexact=value) | Q(proceeding__case__reference__iexact=value))


@admin.register(Citation)
class CitationAdmin(SheetAdminMixin, ServiceAdmin):
    resource_classes = (CitationResource,)
    form = CitationForm
    # Short columns that wrap (positions are on the citation's page): 51 rows fit a few screens.
    list_display = ("short_quote", "article_short", "supports_link", "added_by")
    list_select_related = (
        "article__outlet",
        "document",
        "fact__case",
        "proceeding__authority",
        "provision__agreement",
        "added_by",
    )
    # The case is typed (its reference): a link per outlet quoted would read every citation.
    list_filter = (SupportsFilter, CitationCaseFilter)
    # Newest first, by the index of the API's list (not by article: a join and a full sort).
    ordering = ("-created_at", "-id")
    search_fields = (
        "quote",
        "note",
        "article__title",
        "fact__case__reference",
        "proceeding__case__reference",
    )
    autocomplete_fields = ("article", "document", "fact", "proceeding", "provision")
    readonly_fields = ("start", "end", "added_by", *READONLY_RECORD_FIELDS)
    fieldsets = (
        (None, {"fields": ("article", "document", "quote", "note")}),
        (_("Supports exactly one of"), {"fields": ("fact", "proceeding", "provision")}),
        (_("Position in the article's text"), {"fields": ("start", "end", "added_by")}),
        (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
    )

    @admin.display(description=_("quote"), ordering="quote")
    def short_quote(self, citation):
        return shortened(f"“{citation.quote}”", 100)

    @admin.display(description=_("article"), ordering="article__title")
    def article_short(self, citation):
        return shortened(str(citation.source), 70)

    @admin.display(description=_("supports"))
    def supports_link(self, citation):
        return supported_link(citation, limit=70)

    def create(self, request, form):
        data = form.cleaned_data
        return citation_add(
            article=data.get("article"),
            document=data.get("document"),
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
            self.fields["raw_text"].help_text = _("The text exactly as received; leave empty to keep the body.")

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


class ArticleLanguageFilter(FixedChoicesFilter):
    title = _("language")
    parameter_name = "language"
    field = "language"
    choices_list = [
        ("en", _("English")), ("ru", _("Russian")), ("ko", _("Korean")), ("ja", _("Japanese")),
        ("zh", _("Chinese")), ("de", _("German")), ("fr", _("French")), ("es", _("Spanish")),
    ]


class OutletFilter(TypedLookupFilter):
    title = _("outlet")
    parameter_name = "outlet_name"
    lookup = "outlet__name"
    lookup_expr = "icontains"


@admin.register(Article)
class ArticleAdmin(SheetAdminMixin, ServiceAdmin):
    # Named, not found by Django's per-model lookup: import-export puts its own list template
    # first and extends the one named here, which adds the "Import article" button.
    change_list_template = "admin/sources/article/change_list.html"
    resource_classes = (ArticleResource,)
    form = ArticleForm
    list_display = ("title", "outlet", "published_on", "language", "authors", "citation_count")
    list_select_related = ("outlet",)
    # Typed or fixed, never read from a million articles (apps/core/admin_lists.py); the
    # publication date as a filter of periods rather than a hierarchy of the years present.
    list_filter = (ArticleLanguageFilter, OutletFilter, "published_on")
    # On SQLite; on PostgreSQL see get_search_results (the body through its stored search vector).
    search_fields = ("title", "body", "authors", "url")
    autocomplete_fields = ("outlet",)
    inlines = (ArticleCitationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=related_count(Citation, "article"))

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL: the title, authors or address contain the text (trigram indexes), or the
        # body matches it by full-text search (the GIN index of the stored search vector), one
        # OR the planner serves from the indexes; never UPPER(body) LIKE over every article.
        # The outlet is chosen with its filter.
        term = search_term.strip()
        if not term or not uses_full_text_search():
            return super().get_search_results(request, queryset, search_term)
        condition = Q(title__icontains=term) | Q(authors__icontains=term) | Q(url__icontains=term)
        body = article_text_match(term)
        return queryset.filter(condition if body is None else condition | body), False

    def get_fieldsets(self, request, obj=None):
        meta = ("title", "outlet", "authors", "published_on", "url", "language")
        record = (
            "Record",
            {"fields": ("sha256", "original_display", "added_by", *READONLY_RECORD_FIELDS), "classes": ("collapse",)},
        )
        if obj is None:
            return ((None, {"fields": meta}), ("Text", {"fields": ("body", "raw_text")}), record)
        text = ("body_text" if obj.citations.exists() else "body", "raw_text_display")
        return ((None, {"fields": meta}), ("Text", {"fields": text}), record)

    def get_readonly_fields(self, request, obj=None):
        fields = ["sha256", "original_display", "added_by", *READONLY_RECORD_FIELDS]
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

    @admin.display(description=_("body (quoted, so it can no longer change)"))
    def body_text(self, article):
        return source_text(article.body)

    @admin.display(description=_("original as received"))
    def original_display(self, article):
        original = getattr(article, "original", None) if article.pk else None
        if original is None:
            return _("Not kept (stored before originals were kept, or typed in).")
        encoding = f", {original.encoding}" if original.encoding else ""
        return (
            f"{original.get_received_as_display()}: {original.size:,} bytes{encoding}, SHA-256 "
            f"{original.sha256}, captured {original.captured_at:%Y-%m-%d %H:%M %Z}"
        )

    @admin.display(description=_("raw text as received"))
    def raw_text_display(self, article):
        return source_text(article.raw_text)

    @admin.display(description=_("citations"), ordering="citation_total")
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


@admin.register(KnownOutlet)
class KnownOutletAdmin(ServiceAdmin):
    """The registry the importer reads to name an article's outlet from its address."""

    list_display = ("domain", "name", "short_name", "country_name", "organization")
    list_select_related = ("organization",)
    country_name = country_display("country", _("country"))
    search_fields = ("domain", "name", "short_name")
    autocomplete_fields = ("organization",)
    readonly_fields = ()
    fields = ("domain", "name", "short_name", "country", "organization")

    def create(self, request, form):
        data = form.cleaned_data
        return known_outlet_create(
            domain=data["domain"],
            name=data["name"],
            short_name=data.get("short_name", ""),
            country=data.get("country") or "",
            organization=data.get("organization"),
        )

    def update(self, request, known_outlet, changes, form):
        known_outlet, _changed = known_outlet_update(known_outlet=known_outlet, **changes)
        return known_outlet
