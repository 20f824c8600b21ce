from rest_framework import serializers

from apps.agreements.models import Provision
from apps.cases.models import Fact
from apps.people.models import Organization
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from apps.sources.services import article_create, article_update, citation_add, quote_locate
from casetracker.api import PublicIdField


class ArticleSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    outlet = PublicIdField(queryset=Organization.objects.all())
    outlet_name = serializers.CharField(source="outlet.name", read_only=True)
    raw_text = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False,
        help_text="The text exactly as received (with site boilerplate); defaults to the body.",
    )
    body = serializers.CharField(
        trim_whitespace=False, help_text="The article text without boilerplate; stored in normal form."
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
        return article_update(article=instance, **validated_data)


def _validate_quote(attrs):
    """Check the quote against the article now, so the error names the field it is about."""
    article, quote = attrs.get("article"), attrs.get("quote")
    if article is not None and quote:
        quote_locate(body=article.body, quote=quote, start=attrs.get("start"))
    return attrs


class CitationInlineSerializer(serializers.ModelSerializer):
    """A supporting quote inside a fact or proceeding: written as article + exact quote."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    article = PublicIdField(queryset=Article.objects.all())
    quote = serializers.CharField(trim_whitespace=False, help_text="The exact words of the article's body.")
    start = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647,
        help_text="Where the quote starts in the body; only needed when the words occur twice.",
    )
    article_title = serializers.CharField(source="article.title", read_only=True)
    outlet = serializers.CharField(source="article.outlet.name", read_only=True)
    published_on = serializers.DateField(source="article.published_on", read_only=True, allow_null=True)
    url = serializers.CharField(source="article.url", read_only=True)

    class Meta:
        model = Citation
        fields = ["id", "article", "quote", "start", "end", "note", "article_title", "outlet",
                  "published_on", "url"]
        read_only_fields = ["end"]

    def validate(self, attrs):
        return _validate_quote(attrs)


class CitationSerializer(CitationInlineSerializer):
    """A quote from an article supporting exactly one fact, proceeding or provision."""

    fact = PublicIdField(queryset=Fact.objects.all(), required=False, allow_null=True)
    proceeding = PublicIdField(queryset=Proceeding.objects.all(), required=False, allow_null=True)
    provision = PublicIdField(queryset=Provision.objects.all(), required=False, allow_null=True)

    class Meta(CitationInlineSerializer.Meta):
        fields = [*CitationInlineSerializer.Meta.fields, "fact", "proceeding", "provision", "created_at"]
        read_only_fields = ["end", "created_at"]

    def validate(self, attrs):
        targets = [name for name in Citation.SUPPORTED if attrs.get(name) is not None]
        if len(targets) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give exactly one of fact, proceeding or provision."]}
            )
        return _validate_quote(attrs)

    def create(self, validated_data):
        return citation_add(**validated_data, added_by=self.context["request"].user)
