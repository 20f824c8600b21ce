import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.core.api.filtering import FilterSet
from apps.proceedings.models import Proceeding


class ProceedingFilter(FilterSet):
    case = django_filters.CharFilter(field_name="case__reference", label=_("Case reference"))
    # Columns of the proceeding itself: no join, so no duplicates to remove (django-filter's
    # default DISTINCT would compare every selected column of every row).
    kind = django_filters.MultipleChoiceFilter(choices=Proceeding.Kind.choices, distinct=False)
    outcome = django_filters.MultipleChoiceFilter(choices=Proceeding.Outcome.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=Proceeding.Status.choices, distinct=False)
    authority = django_filters.UUIDFilter(field_name="authority__public_id")
    country = django_filters.ChoiceFilter(choices=list(countries))
    subject = django_filters.UUIDFilter(field_name="subject__public_id")
    agreement = django_filters.UUIDFilter(method="filter_agreement")
    decided_after = django_filters.DateFilter(
        field_name="decided_end", lookup_expr="gte", label=_("Decided on or after (YYYY-MM-DD)")
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_start", lookup_expr="lte", label=_("Decided on or before (YYYY-MM-DD)")
    )
    filed_after = django_filters.DateFilter(field_name="filed_end", lookup_expr="gte")
    filed_before = django_filters.DateFilter(field_name="filed_start", lookup_expr="lte")

    class Meta:
        model = Proceeding
        fields = ["case", "kind", "outcome", "status", "authority", "country", "subject"]

    def filter_agreement(self, queryset, name, value):
        # EXISTS over the link table rather than a join made DISTINCT afterwards.
        links = Proceeding.agreements.through.objects.filter(
            proceeding_id=OuterRef("pk"), agreement__public_id=value
        )
        return queryset.filter(Exists(links))
