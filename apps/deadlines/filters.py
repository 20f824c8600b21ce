import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.api.filtering import FilterSet
from apps.deadlines.models import Deadline


class DeadlineFilter(FilterSet):
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lt", label=_("Due before this day (YYYY-MM-DD), overdue ones included")
    )
    state = django_filters.MultipleChoiceFilter(choices=Deadline.State.choices)
    case = django_filters.CharFilter(field_name="case__reference", label=_("Case reference"))

    class Meta:
        model = Deadline
        fields = ["due_before", "state", "case"]
