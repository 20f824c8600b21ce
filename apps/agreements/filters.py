import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.agreements.models import Agreement, Provision
from apps.core.api.filtering import FilterSet


class AgreementFilter(FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Agreement.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Agreement.Status.choices)
    party_country = django_filters.ChoiceFilter(
        choices=list(countries), field_name="party_countries", lookup_expr="icontains",
        label=_("A party country (ISO code)"),
    )
    party_organization = django_filters.UUIDFilter(field_name="party_organizations__public_id", distinct=True)
    signed_after = django_filters.DateFilter(field_name="signed_end", lookup_expr="gte")
    signed_before = django_filters.DateFilter(field_name="signed_start", lookup_expr="lte")
    search = django_filters.CharFilter(method="filter_search", label=_("Title or short title contains"))

    class Meta:
        model = Agreement
        fields = ["kind", "status"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(short_title__icontains=value))


class ProvisionFilter(FilterSet):
    agreement = django_filters.UUIDFilter(field_name="agreement__public_id")
    has_time_limit = django_filters.BooleanFilter(
        field_name="time_limit_days", lookup_expr="isnull", exclude=True, label=_("Sets a time limit")
    )

    class Meta:
        model = Provision
        fields = ["agreement"]
