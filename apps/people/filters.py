import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.core.api.filtering import FilterSet
from apps.people.models import Individual, Organization
from apps.people.selectors import individual_search


class OrganizationFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices)
    country = django_filters.ChoiceFilter(choices=list(countries))
    parent = django_filters.UUIDFilter(field_name="parent__public_id")
    search = django_filters.CharFilter(method="filter_search", label=_("Name or short name contains"))

    class Meta:
        model = Organization
        fields = ["kind", "country", "parent"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class IndividualFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Individual.Status.choices)
    nationality = django_filters.ChoiceFilter(choices=list(countries))
    search = django_filters.CharFilter(
        method="filter_search", label=_("Pseudonym or any alias (any script) contains")
    )

    class Meta:
        model = Individual
        fields = ["status", "nationality"]

    def filter_search(self, queryset, name, value):
        return individual_search(queryset=queryset, text=value)
