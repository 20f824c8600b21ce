import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.api.filtering import FilterSet
from apps.sources.models import Article, Citation
from apps.sources.selectors import article_search


class ArticleFilter(FilterSet):
    outlet = django_filters.UUIDFilter(field_name="outlet__public_id")
    language = django_filters.CharFilter()
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte",
                                                label=_("Published on or after (YYYY-MM-DD)"))
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte",
                                                 label=_("Published on or before (YYYY-MM-DD)"))
    search = django_filters.CharFilter(
        method="filter_search",
        label=_(
            "Full-text search in title and body (PostgreSQL: stemmed in the article's language, "
            "web-search syntax; best match first among the newest ARTICLE_SEARCH_RANK_LIMIT matches "
            "unless ?ordering= is given)"
        ),
    )

    class Meta:
        model = Article
        fields = ["outlet", "language"]

    def filter_search(self, queryset, name, value):
        # Declared last, so it narrows what the other filters kept. Ranked (the newest
        # ARTICLE_SEARCH_RANK_LIMIT matches, best first) unless the client chose an ?ordering=.
        ordering = self.request.query_params.get("ordering") if self.request is not None else None
        return article_search(queryset=queryset, text=value, ranked=not ordering)


class CitationFilter(FilterSet):
    article = django_filters.UUIDFilter(field_name="article__public_id")
    fact = django_filters.UUIDFilter(field_name="fact__public_id")
    proceeding = django_filters.UUIDFilter(field_name="proceeding__public_id")
    provision = django_filters.UUIDFilter(field_name="provision__public_id")

    class Meta:
        model = Citation
        fields = ["article", "fact", "proceeding", "provision"]
