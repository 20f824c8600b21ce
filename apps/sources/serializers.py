from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import PartialDateField, PublicIdField, StrictFieldsMixin
from apps.people.models import Organization
from apps.sources.models import Article, Citation, DateReading
from apps.sources.selectors import date_readings_grouped
from apps.sources.services import article_create, article_update, citation_add, date_reading_add, quote_locate


class ArticleSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    outlet = PublicIdField(queryset=Organization.objects.all())
    outlet_name = serializers.CharField(source="outlet.name", read_only=True)
    raw_text = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False,
        help_text=_("The text exactly as received (with site boilerplate); defaults to the body."),
    )
    body = serializers.CharField(
        trim_whitespace=False, help_text=_("The article text without boilerplate; stored in normal form.")
    )

    class Meta:
        model = Article
        fields = ["id", "title", "outlet", "outlet_name", "authors", "published_on", "url", "language",
                  "body", "raw_text", "sha256", "created_at", "updated_at"]
        read_only_fields = ["sha256", "created_at", "updated_at"]
        # Duplicates (same address or same text) are the service's call: it answers 409.
        validators = []
        extra_kwargs = {"url": {"validators": []}}

    def create(self, validated_data):
        request = self.context["request"]
        return article_create(**validated_data, added_by=request.user)

    def update(self, instance, validated_data):
        article, _changed = article_update(article=instance, **validated_data)
        return article


def _validate_quote(attrs):
    """Check the quote against the article now, so the error names the field it is about (the
    service finds it again, the same way, when it stores the body's slice)."""
    article, document, quote = attrs.get("article"), attrs.get("document"), attrs.get("quote")
    if (article is None) == (document is None):
        raise serializers.ValidationError({"article": _("Quote exactly one source: an article or a document.")})
    if article is not None and quote:
        quote_locate(body=article.body, quote=quote, start=attrs.get("start"))
    elif document.text_state == "extracted" and quote:
        quote_locate(body=document.text, quote=quote, start=attrs.get("start"), source="document")
    return attrs


class CitationInlineSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A supporting quote inside a fact or proceeding: written as article (or document) + exact quote."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    article = PublicIdField(queryset=Article.objects.all(), required=False, allow_null=True)
    # A case's own document (apps.documents), by the model the citation's relation names.
    document = PublicIdField(
        queryset=Citation._meta.get_field("document").related_model._default_manager.all(),
        required=False, allow_null=True,
        help_text=_("Instead of an article: a document of the case whose text has been extracted."),
    )
    quote = serializers.CharField(
        trim_whitespace=False,
        help_text=(
            _("The words of the article's body. Line ends, Unicode composition, typographic quotes "
            "and dashes, runs of whitespace and invisible characters may differ: the body's own "
            "text is stored and returned.")
        ),
    )
    start = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647,
        help_text=_("Where the quote starts in the body; only needed when the words occur twice."),
    )
    # Null when the quote is from a document.
    article_title = serializers.CharField(source="article.title", read_only=True, allow_null=True)
    outlet = serializers.CharField(source="article.outlet.name", read_only=True, allow_null=True)
    published_on = serializers.DateField(source="article.published_on", read_only=True, allow_null=True)
    url = serializers.CharField(source="article.url", read_only=True, allow_null=True)
    # Null when the quote is from an article.
    document_title = serializers.CharField(source="document.title", read_only=True, allow_null=True)
    document_sha256 = serializers.CharField(source="document.sha256", read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = ["id", "article", "document", "quote", "start", "end", "note", "article_title", "outlet",
                  "published_on", "url", "document_title", "document_sha256"]
        read_only_fields = ["end"]

    def validate(self, attrs):
        return _validate_quote(attrs)




def supported_records(name: str):
    """Every record of the model that a citation's ``name`` relation (fact, proceeding…) points to."""
    return Citation._meta.get_field(name).related_model._default_manager.all()


class CitationSerializer(CitationInlineSerializer):
    """A quote from an article supporting exactly one fact, proceeding or provision."""

    # The supported records, by the models the citation's own relations name: this app sits
    # below cases, proceedings and agreements and does not import them.
    fact = PublicIdField(queryset=supported_records("fact"), required=False, allow_null=True)
    proceeding = PublicIdField(queryset=supported_records("proceeding"), required=False, allow_null=True)
    provision = PublicIdField(queryset=supported_records("provision"), required=False, allow_null=True)
    date_reading = PublicIdField(queryset=supported_records("date_reading"), required=False, allow_null=True)

    class Meta(CitationInlineSerializer.Meta):
        fields = [*CitationInlineSerializer.Meta.fields, "fact", "proceeding", "provision", "date_reading",
                  "created_at"]
        read_only_fields = ["end", "created_at"]

    # "Exactly one of fact, proceeding or provision" is the citation's own rule (its model and
    # its table say so): citation_add's refusal is the 400.

    def create(self, validated_data):
        return citation_add(**validated_data, added_by=self.context["request"].user)


# -- date readings ---------------------------------------------------------------------------


class DateReadingSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """What sources say one date of an agreement or a proceeding is, with the quotes."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    agreement = PublicIdField(
        queryset=DateReading._meta.get_field("agreement").related_model._default_manager.all(),
        required=False, allow_null=True,
    )
    proceeding = PublicIdField(
        queryset=DateReading._meta.get_field("proceeding").related_model._default_manager.all(),
        required=False, allow_null=True,
    )
    field = serializers.ChoiceField(
        choices=DateReading.Field.choices,
        help_text="Which date: drafted, signed, ratified or in_force of an agreement; filed or decided of a proceeding.",
    )
    value = PartialDateField(help_text="The date as this reading's sources give it.")
    citations = CitationInlineSerializer(many=True, help_text="The quotes that give this date; at least one.")

    class Meta:
        model = DateReading
        fields = ["id", "agreement", "proceeding", "field", "value", "note", "citations", "created_at"]
        read_only_fields = ["created_at"]

    def create(self, validated_data):
        supports = validated_data.pop("citations")
        return date_reading_add(**validated_data, supports=supports, added_by=self.context["request"].user)


class DateReadingInlineSerializer(serializers.ModelSerializer):
    """A reading inside its record's ``date_readings``."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    value = PartialDateField(read_only=True)
    citations = CitationInlineSerializer(many=True, read_only=True)

    class Meta:
        model = DateReading
        fields = ["id", "value", "note", "citations"]


@extend_schema_field(OpenApiTypes.OBJECT)
class DateReadingsField(serializers.Field):
    """A record's readings by date: ``{"signed": {"disputed": true, "readings": […]}}``.

    Read-only; readings are added at /date-readings/. The record's queryset prefetches them
    (``apps.sources.selectors.date_readings_prefetch``).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        kwargs.setdefault(
            "help_text",
            "What sources say each date is, by date field; disputed when readings of one date differ.",
        )
        super().__init__(**kwargs)

    def to_representation(self, record):
        return {
            name: {
                "disputed": entry["disputed"],
                "readings": DateReadingInlineSerializer(entry["readings"], many=True).data,
            }
            for name, entry in date_readings_grouped(record.date_readings.all()).items()
        }


# -- import ----------------------------------------------------------------------------------


class _ImportOptionsSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a client may say about an imported article beside its content: the address, the
    outlet, and corrections of what the importer extracts (given fields replace extracted ones)."""

    url = serializers.CharField(
        required=False, allow_blank=True, max_length=Article._meta.get_field("url").max_length,
        help_text=_("Where the article was published: helps find its date and outlet, and duplicates."),
    )
    outlet = serializers.CharField(
        required=False, allow_blank=True, max_length=255,
        help_text=(
            _("The outlet: the id of an organization, or a name (an organization of that name, or a new "
            "news outlet). By default it is recognised from the address or the page.")
        ),
    )
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=Article._meta.get_field("title").max_length,
        help_text=_("The headline, if the importer should not guess it."),
    )
    authors = serializers.ListField(
        child=serializers.CharField(max_length=Article._meta.get_field("authors").max_length),
        required=False, max_length=50, help_text=_("Replaces the authors found in the byline."),
    )
    published_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Replaces the date found; null clears it.")
    )
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=Article._meta.get_field("language").max_length,
        help_text=_("ISO 639-1 code (en, ru, ko, ja…), replacing the detected one."),
    )
    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=_("A corrected article text, replacing the extracted body (the raw input is still kept)."),
    )

    def corrections(self) -> dict:
        # The address is not among them: it goes to the extraction itself (date, outlet, duplicates).
        names = ("authors", "published_on", "language", "body")
        return {name: self.validated_data[name] for name in names if name in self.validated_data}


class ArticleImportSerializer(_ImportOptionsSerializer):
    """A JSON import: the article as plain text (as copied from a site) or as a page's HTML."""

    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=_("The article as plain text, boilerplate and all. Give `text` or `html`."),
    )
    html = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=_("A saved web page. Scripts and event handlers are dropped from the body."),
    )

    def validate(self, attrs):
        given = [name for name in ("text", "html") if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give the article as either `text` or `html`.")]}
            )
        return attrs

    @property
    def content_field(self) -> str:
        return "html" if "html" in self.validated_data else "text"


class ArticleImportUploadSerializer(_ImportOptionsSerializer):
    """A multipart import: a .txt or .html file (its name and content decide how it is read)."""

    file = serializers.FileField(
        help_text=_("A text file or a saved page; UTF-8, UTF-16 or Windows-1251."),
    )

    content_field = "file"


class ArticleImportResultSerializer(ArticleSerializer):
    """The stored article (new or the existing duplicate), with what the import found."""

    duplicate = serializers.BooleanField(
        read_only=True, help_text=_("True when the article was already stored: nothing new was saved.")
    )
    duplicate_reason = serializers.ChoiceField(
        choices=[("body", "the same text"), ("url", "the same address")],
        read_only=True, allow_null=True,
        help_text=_("Why it is a duplicate: the same text (`body`) or the same address (`url`)."),
    )
    warnings = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text=_("What the importer changed or left out (e.g. scripts dropped from the page)."),
    )

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "duplicate", "duplicate_reason", "warnings"]

    def to_representation(self, result):
        """``result`` is an importer ImportResult: the article's fields, then the import's."""
        article = ArticleSerializer(result.article, context=self.context).data
        reason = None if result.created else (result.draft.duplicate_reason or None)
        return {
            **article,
            "duplicate": not result.created,
            "duplicate_reason": reason,
            "warnings": list(result.draft.warnings),
        }


class PassageSerializer(serializers.Serializer):
    matched = serializers.CharField(help_text=_("The words that matched the known name."))
    start = serializers.IntegerField(help_text=_("Where they start in the body."))
    end = serializers.IntegerField()
    passage = serializers.CharField(
        help_text=_("The sentence around them, an exact slice of the body: citable as it is.")
    )
    passage_start = serializers.IntegerField()
    passage_end = serializers.IntegerField()


class MentionSerializer(serializers.Serializer):
    """A known individual, organization or agreement that an article's text mentions."""

    kind = serializers.ChoiceField(choices=["individual", "organization", "agreement"])
    id = serializers.UUIDField(help_text=_("The record's id (in /individuals/, /organizations/ or /agreements/)."))
    label = serializers.CharField()
    passages = PassageSerializer(many=True)
