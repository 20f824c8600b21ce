"""Spreadsheets of articles and citations for the admin: export only (an article is imported
from its source and a citation located in its article's text, on their own pages)."""

from django.utils.translation import gettext_lazy as _

from apps.core.sheets import DateWidget, SheetResource, read_only
from apps.sources.models import Article, Citation


class ArticleResource(SheetResource):
    select_related = ("outlet",)

    title = read_only("title", "title")
    outlet = read_only("outlet", "outlet__name")
    authors = read_only("authors", "authors")
    published_on = read_only("published on", "published_on", DateWidget())
    url = read_only("address", "url")
    language = read_only("language", "language")

    class Meta(SheetResource.Meta):
        model = Article
        name = _("Articles")
        fields = ("public_id", "title", "outlet", "authors", "published_on", "url", "language", "version")


class CitationResource(SheetResource):
    select_related = ("article", "fact__case", "proceeding__case", "provision__agreement")

    article = read_only("article", "article__title")
    address = read_only("address", "article__url")
    quote = read_only("quote", "quote")
    supports = read_only("supports", "pk")
    note = read_only("note", "note")

    class Meta(SheetResource.Meta):
        model = Citation
        name = _("Citations")
        fields = ("public_id", "article", "address", "quote", "supports", "note", "version")

    def dehydrate_supports(self, citation):
        """What the quote supports, in a caseworker's words (a fact or proceeding by its case)."""
        if citation.fact_id:
            return f"{citation.fact.case.reference}: {citation.fact.statement[:80]}"
        if citation.proceeding_id:
            return f"{citation.proceeding.case.reference}: {citation.proceeding.get_kind_display()}"
        if citation.provision_id:
            return str(citation.provision)
        return ""
