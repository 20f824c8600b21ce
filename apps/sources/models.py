from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord, Versioned
from apps.core.partial_dates import PartialDateDescriptor, partial_date_constraints, partial_date_fields


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


class ArticleOriginal(PublicRecord):
    """The bytes of an imported source exactly as they were received: the evidentiary original.

    The article's ``body`` is the working copy (cleaned, in normal form, what citations quote)
    and ``raw_text`` the received text as decoded; this keeps what came before either: the file
    or page byte for byte, the encoding it was read with, its SHA-256 and when it was captured.
    Kept in its own table so that lists and dossiers of articles never load it, and never
    changed once stored (``save`` refuses an update; the admin shows it read-only). Its size is
    bounded by the import limit, ``ARTICLE_IMPORT_MAX_BYTES``. An article stored before
    originals were kept, or typed in rather than imported, has none: nothing is invented for it.
    """

    class ReceivedAs(models.TextChoices):
        FILE = "file", _("file (bytes as received)")
        TEXT = "text", _("text (as given, stored in UTF-8)")

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="original", verbose_name=_("article")
    )
    content = models.BinaryField(_("bytes as received"), editable=False)
    sha256 = models.CharField(_("SHA-256 of the bytes"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    encoding = models.CharField(
        _("encoding"), max_length=40, blank=True, editable=False,
        help_text=_("As declared or detected when the bytes were read, e.g. utf-8, windows-1251."),
    )
    received_as = models.CharField(_("received as"), max_length=8, choices=ReceivedAs.choices, editable=False)
    format = models.CharField(_("format"), max_length=8, editable=False, help_text=_("html or text."))
    filename = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    captured_at = models.DateTimeField(_("captured at"), default=timezone.now, editable=False)

    # Who kept it and when, like every record; without the bytes, which never change and
    # would otherwise be copied into the history.
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        verbose_name = _("original as received")
        verbose_name_plural = _("originals as received")
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=1), name="article_original_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_received_as_display()}, {self.size:,} bytes, SHA-256 {self.sha256[:12]}…"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The original as received is kept as it was and cannot change."))
        super().save(*args, **kwargs)


class DateReading(PublicRecord):
    """What sources say one date of an agreement or a proceeding is: a dated claim, with quotes.

    The record keeps its own working value (``agreement.signed``); a reading is one source's
    account of it ("to be signed on Feb. 2", UPI), backed by at least one citation. Two
    readings of the same date that give different dates make that date *disputed*: it is
    derived from the readings (``apps.sources.selectors.date_readings_grouped``), never set by
    hand, so it cannot disagree with them, and dossiers show every reading with its footnotes.
    The same date read twice is one reading with two citations (a unique constraint).
    """

    class Field(models.TextChoices):
        DRAFTED = "drafted", _("drafted")
        SIGNED = "signed", _("signed")
        RATIFIED = "ratified", _("ratified")
        IN_FORCE = "in_force", _("in force")
        FILED = "filed", _("filed")
        DECIDED = "decided", _("decided")

    # Which of the dates each kind of record has.
    FIELDS = {
        "agreement": ("drafted", "signed", "ratified", "in_force"),
        "proceeding": ("filed", "decided"),
    }

    agreement = models.ForeignKey(
        "agreements.Agreement", null=True, blank=True, on_delete=models.CASCADE,
        related_name="date_readings", verbose_name=_("agreement"),
    )
    proceeding = models.ForeignKey(
        "proceedings.Proceeding", null=True, blank=True, on_delete=models.CASCADE,
        related_name="date_readings", verbose_name=_("proceeding"),
    )
    field = models.CharField(_("which date"), max_length=16, choices=Field.choices)
    value_start, value_end, value_precision, value_approximate = partial_date_fields("date", required=True)
    value = PartialDateDescriptor()
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("date reading")
        verbose_name_plural = _("date readings")
        ordering = ["field", "value_start", "-value_end", "pk"]
        constraints = [
            *partial_date_constraints("date_reading", "value"),
            models.CheckConstraint(
                condition=(
                    models.Q(agreement__isnull=False, proceeding__isnull=True)
                    | models.Q(agreement__isnull=True, proceeding__isnull=False)
                ),
                name="date_reading_of_exactly_one",
                violation_error_message=_("A date reading is of one agreement or one proceeding."),
            ),
            *(
                models.UniqueConstraint(
                    fields=[target, "field", "value_start", "value_end", "value_precision", "value_approximate"],
                    condition=models.Q(**{f"{target}__isnull": False}),
                    name=f"date_reading_{target}_once",
                    violation_error_message=_(
                        "This date is already read so: add the source to that reading instead."
                    ),
                )
                for target in ("agreement", "proceeding")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.value}"

    @property
    def target(self):
        return self.agreement or self.proceeding

    def clean(self) -> None:
        kind = "agreement" if self.agreement_id else "proceeding" if self.proceeding_id else None
        if kind is None:
            raise ValidationError(_("Choose the agreement or the proceeding whose date this is."))
        if self.agreement_id and self.proceeding_id:
            raise ValidationError(_("A date reading is of one agreement or one proceeding."))
        if self.field and self.field not in self.FIELDS[kind]:
            allowed = ", ".join(str(self.Field(name).label) for name in self.FIELDS[kind])
            message = (
                _("An agreement has no such date; choose one of: %(allowed)s.")
                if kind == "agreement"
                else _("A proceeding has no such date; choose one of: %(allowed)s.")
            )
            raise ValidationError({"field": message % {"allowed": allowed}})


class Citation(PublicRecord):
    """An exact quote from an article's body (or a document's text), supporting one fact,
    proceeding, provision or date reading.

    ``start`` and ``end`` are character offsets into ``article.body`` or ``document.text``
    (exactly one of the two sources); the quote must be the text found there. Quotes are what dossiers print in footnotes, so a quote that is not in
    the stored text is never accepted.
    """

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="citations", verbose_name=_("article")
    )
    # Or a case's own document (decision, letter, scan), quoted from its extracted text. Named by
    # label: documents sit above this app (docs/architecture.md).
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("document"),
    )
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
    date_reading = models.ForeignKey(
        DateReading,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("date reading"),
    )
    note = models.CharField(max_length=500, blank=True, verbose_name=_("note"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by")
    )

    SUPPORTED = ("fact", "proceeding", "provision", "date_reading")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["article", "start"]
        indexes = [models.Index(fields=["created_at", "id"], name="citation_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end=models.F("start") + Length("quote")),
                name="citation_offsets_match_quote",
            ),
            models.CheckConstraint(condition=~models.Q(quote=""), name="citation_quote_not_empty"),
            models.CheckConstraint(
                condition=models.Q(article__isnull=False, document__isnull=True)
                | models.Q(article__isnull=True, document__isnull=False),
                name="citation_quotes_exactly_one_source",
                violation_error_message=_("A citation quotes exactly one article or document."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(fact__isnull=False, proceeding__isnull=True, provision__isnull=True,
                             date_reading__isnull=True)
                    | models.Q(fact__isnull=True, proceeding__isnull=False, provision__isnull=True,
                               date_reading__isnull=True)
                    | models.Q(fact__isnull=True, proceeding__isnull=True, provision__isnull=False,
                               date_reading__isnull=True)
                    | models.Q(fact__isnull=True, proceeding__isnull=True, provision__isnull=True,
                               date_reading__isnull=False)
                ),
                name="citation_supports_exactly_one",
                violation_error_message=_("A citation supports exactly one fact, proceeding, provision or date reading."),
            ),
        ]

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 80 else self.quote[:77] + "…"
        return f"“{quote}”"

    @property
    def supports(self):
        return self.fact or self.proceeding or self.provision or self.date_reading

    @property
    def source(self):
        """What the quote is from: the article or the document."""
        return self.article if self.article_id else self.document

    @property
    def source_text(self) -> str:
        """The text the offsets point into: the article's body or the document's text."""
        return self.article.body if self.article_id else self.document.text

    def clean(self) -> None:
        if bool(self.article_id) == bool(self.document_id):
            raise ValidationError(_("A citation quotes exactly one article or document."))
        if not self.quote:
            return
        if self.source_text[self.start : self.end] != self.quote:
            raise ValidationError(
                {"quote": _("This quote is not in the article's text at the given position.")
                 if self.article_id else _("This quote is not in the document's text at the given position.")}
            )
        supported = [name for name in self.SUPPORTED if getattr(self, f"{name}_id")]
        if len(supported) != 1:
            raise ValidationError(_("A citation supports exactly one fact, proceeding, provision or date reading."))


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
