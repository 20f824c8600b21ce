from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord, Versioned


class Article(PublicRecord):
    """A stored source: a news article or document, kept as received and as cleaned."""

    title = models.CharField(max_length=500, verbose_name=_("title"))
    outlet = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="articles", verbose_name=_("outlet")
    )
    authors = models.CharField(max_length=500, blank=True, help_text=_("Comma-separated, as bylined."), verbose_name=_("authors"))
    published_on = models.DateField(null=True, blank=True, db_index=True, verbose_name=_("published on"))
    url = models.URLField(_("address"), max_length=2000, blank=True)
    language = models.CharField(max_length=16, default="en", help_text=_("BCP 47 code, e.g. en, ru, ko."), verbose_name=_("language"))
    body = models.TextField(help_text=_("The article text without site boilerplate, in normal form."), verbose_name=_("body"))
    raw_text = models.TextField(help_text=_("The text exactly as it was received."), verbose_name=_("raw text"))
    sha256 = models.CharField(_("SHA-256 of body"), max_length=64, unique=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("added by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~models.Q(url=""), name="article_url_unique"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="article_body_not_empty"),
        ]

    def __str__(self) -> str:
        date = f", {self.published_on:%d %b %Y}" if self.published_on else ""
        return f"{self.title} ({self.outlet.short_name or self.outlet.name}{date})"


class Citation(PublicRecord):
    """An exact quote from an article's body, supporting one fact, proceeding or provision.

    ``start`` and ``end`` are character offsets into ``article.body``; the quote must be the
    text found there. Quotes are what dossiers print in footnotes, so a quote that is not in
    the stored text is never accepted.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="citations", verbose_name=_("article"))
    quote = models.TextField(verbose_name=_("quote"))
    start = models.PositiveIntegerField(help_text=_("Offset of the first character in the body."), verbose_name=_("start"))
    end = models.PositiveIntegerField(help_text=_("Offset just past the last character."), verbose_name=_("end"))
    fact = models.ForeignKey(
        "cases.Fact", null=True, blank=True, on_delete=models.CASCADE, related_name="citations", verbose_name=_("fact")
    )
    proceeding = models.ForeignKey(
        "proceedings.Proceeding",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations", verbose_name=_("proceeding"),
    )
    provision = models.ForeignKey(
        "agreements.Provision",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations", verbose_name=_("provision"),
    )
    note = models.CharField(max_length=500, blank=True, verbose_name=_("note"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by")
    )

    SUPPORTED = ("fact", "proceeding", "provision")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end=models.F("start") + Length("quote")),
                name="citation_offsets_match_quote",
            ),
            models.CheckConstraint(condition=~models.Q(quote=""), name="citation_quote_not_empty"),
            models.CheckConstraint(
                condition=(
                    models.Q(fact__isnull=False, proceeding__isnull=True, provision__isnull=True)
                    | models.Q(fact__isnull=True, proceeding__isnull=False, provision__isnull=True)
                    | models.Q(fact__isnull=True, proceeding__isnull=True, provision__isnull=False)
                ),
                name="citation_supports_exactly_one",
                violation_error_message=_("A citation supports exactly one fact, proceeding or provision."),
            ),
        ]

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 80 else self.quote[:77] + "…"
        return f"“{quote}”"

    @property
    def supports(self):
        return self.fact or self.proceeding or self.provision

    def clean(self) -> None:
        if not self.quote or self.article_id is None:
            return
        body = self.article.body
        if body[self.start : self.end] != self.quote:
            raise ValidationError(
                {"quote": _("This quote is not in the article's text at the given position.")}
            )
        supported = [name for name in self.SUPPORTED if getattr(self, f"{name}_id")]
        if len(supported) != 1:
            raise ValidationError(_("A citation supports exactly one fact, proceeding or provision."))


class KnownOutlet(Versioned):
    """A news site the importer recognises by its address: a domain and the outlet behind it.

    The registry names outlets as they call themselves ("Meduza", not "meduza.io"). An entry
    may point at the outlet's organization once it is recorded; until then an import from the
    domain records the organization under the registry's name and links it here.
    """

    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text=_("The site's domain without “www.”, e.g. meduza.io; its subdomains match too."),
    )
    name = models.CharField(max_length=255, help_text=_("The outlet's name as it writes it, e.g. The Moscow Times."))
    short_name = models.CharField(max_length=64, blank=True)
    country = CountryField(blank=True)
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="known_domains",
        help_text=_("The recorded outlet; filled in by the first import from the domain if left empty."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(domain="") & ~models.Q(domain__startswith="www."), name="known_outlet_domain_bare"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} → {self.name}"
