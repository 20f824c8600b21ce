"""The deadlines API (read only) and the per-user iCalendar feed."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from icalendar import Calendar, Event

from apps.core.api.views import PublicIdViewSet
from apps.deadlines.filters import DeadlineFilter
from apps.deadlines.selectors import calendar_deadlines, calendar_feed_for_token, deadline_list
from apps.deadlines.serializers import DeadlineSerializer


@extend_schema_view(
    list=extend_schema(summary="List deadlines", description=(
        "The deadlines of the cases you may see, soonest first. `due_before` includes overdue ones; "
        "`unverified` says the rule's figure has no stored source yet."
    )),
    retrieve=extend_schema(summary="One deadline"),
)
class DeadlineViewSet(PublicIdViewSet):
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    http_method_names = ["get", "head", "options"]
    ordering_fields = ["due_on", "created_at", "updated_at"]
    ordering = ["due_on", "case__reference"]

    def get_queryset(self):
        return deadline_list(user=self.request.user)


def calendar_feed(request, token: str) -> HttpResponse:
    """``/calendar/<token>.ics``: the open deadlines of the cases the token's user may see.

    Calendars live off-site (a phone, a hosted calendar): each event says only the case's
    reference, the deadline's kind and its date, never a person's name or pseudonym. An
    unknown or revoked token, or a deactivated user, gets a 404 and nothing else.
    """
    feed = calendar_feed_for_token(token=token)
    if feed is None or not feed.user.is_active:
        raise Http404(_("No such calendar."))
    calendar = Calendar()
    calendar.add("prodid", "-//Casetracker//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Casetracker deadlines")
    for deadline in calendar_deadlines(user=feed.user):
        event = Event()
        event.add("uid", f"{deadline.public_id}@casetracker")
        summary = f"{deadline.case.reference}: {deadline.kind_label}"
        if deadline.unverified:
            summary += f" ({_('unverified')})"
        event.add("summary", summary)
        event.add("dtstart", deadline.due_on)
        event.add("dtstamp", deadline.updated_at)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
