from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord


class Article(PublicRecord):
    """A stored source: a news article or document, kept as received and as cleaned."""

    title = models.CharField(max_length=500)
    outlet = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.CharField(max_length=500, blank=True, help_text="Comma-separated, as bylined.")
    published_on = models.DateField(null=True, blank=True, db_index=True)
    url = models.URLField("address", max_length=2000, blank=True)
    language = models.CharField(max_length=16, default="en", help_text="BCP 47 code, e.g. en, ru, ko.")
    body = models.TextField(help_text="The article text without site boilerplate, in normal form.")
    raw_text = models.TextField(help_text="The text exactly as it was received.")
    sha256 = models.CharField("SHA-256 of body", max_length=64, unique=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        # The API lists newest first, by (created_at, id) (apps/sources/views.py).
        indexes = [models.Index(fields=["created_at", "id"], name="article_created")]
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

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField()
    start = models.PositiveIntegerField(help_text="Offset of the first character in the body.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")
    fact = models.ForeignKey(
        "cases.Fact", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    proceeding = models.ForeignKey(
        "proceedings.Proceeding",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    provision = models.ForeignKey(
        "agreements.Provision",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    note = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    SUPPORTED = ("fact", "proceeding", "provision")

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "start"]
        indexes = [models.Index(fields=["created_at", "id"], name="citation_created")]
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
                violation_error_message="A citation supports exactly one fact, proceeding or provision.",
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
                {"quote": "This quote is not in the article's text at the given position."}
            )
        supported = [name for name in self.SUPPORTED if getattr(self, f"{name}_id")]
        if len(supported) != 1:
            raise ValidationError("A citation supports exactly one fact, proceeding or provision.")
