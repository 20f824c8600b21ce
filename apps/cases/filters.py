import django_filters
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Fact
from apps.cases.selectors import case_search
from apps.core.api.filtering import FilterSet


class CaseFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Case.Status.choices)
    priority = django_filters.TypedChoiceFilter(choices=Case.Priority.choices, coerce=int)
    priority_min = django_filters.TypedChoiceFilter(
        field_name="priority", lookup_expr="gte", choices=Case.Priority.choices, coerce=int,
        label=_("Priority at least (10 low … 40 urgent)"),
    )
    organization = django_filters.UUIDFilter(field_name="organization__public_id")
    caseworker = django_filters.CharFilter(
        field_name="caseworkers__username", label=_("Username of an assigned caseworker"), distinct=True
    )
    subject = django_filters.UUIDFilter(field_name="subjects__public_id", distinct=True)
    opened_after = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte")
    opened_before = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte")
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Reference, title, or a subject's pseudonym or alias (any script) contains"),
    )

    class Meta:
        model = Case
        fields = ["status", "priority", "organization", "caseworker", "subject"]

    def filter_search(self, queryset, name, value):
        return case_search(queryset=queryset, text=value)


class FactFilter(FilterSet):
    case = django_filters.CharFilter(field_name="case__reference", label=_("Case reference, e.g. CT-2013-0001"))
    disputed = django_filters.BooleanFilter()
    internal = django_filters.BooleanFilter()
    date_after = django_filters.DateFilter(
        field_name="date_end", lookup_expr="gte", label=_("May have happened on or after (YYYY-MM-DD)")
    )
    date_before = django_filters.DateFilter(
        field_name="date_start", lookup_expr="lte", label=_("May have happened on or before (YYYY-MM-DD)")
    )
    search = django_filters.CharFilter(field_name="statement", lookup_expr="icontains",
                                       label=_("Statement contains"))

    class Meta:
        model = Fact
        fields = ["case", "disputed", "internal"]


