"""The iCalendar feed: a secret address per user, revocable; references, kinds and dates only."""

import datetime as dt

import pytest
from icalendar import Calendar

from apps.deadlines.services import calendar_feed_issue, calendar_feed_revoke, deadline_create_manual
from tests.deadlines.conftest import decide
from tests.factories import CaseFactory, IndividualFactory

pytestmark = pytest.mark.django_db


def feed_events(client, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response, Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_lists_the_users_deadlines_by_reference_kind_and_date_only(client, desk, appeal_rule, refusal):
    kim = IndividualFactory(pseudonym="Kim")
    case = CaseFactory(organization=desk.home, subjects=[kim], title="Kim — asylum in Russia")
    decide(refusal(case))
    deadline_create_manual(case=case, title="Meet Kim at the court", due_on=dt.date(2026, 12, 7))
    deadline_create_manual(case=desk.hidden, title="Hidden", due_on=dt.date(2026, 12, 8))
    _feed, token = calendar_feed_issue(user=desk.user)
    response, events = feed_events(client, token)
    summaries = sorted(str(event["summary"]) for event in events)
    assert summaries == [
        f"{case.reference}: Appeal against a refusal of temporary asylum (unverified)",
        f"{case.reference}: Deadline set by hand",
    ]
    assert sorted(event.decoded("dtstart") for event in events) == [dt.date(2016, 2, 26), dt.date(2026, 12, 7)]
    text = response.content.decode()
    for secret in ("Kim", "asylum in Russia", "Meet", desk.hidden.reference, "Hidden"):
        assert secret not in text


def test_a_revoked_or_unknown_address_answers_404_and_a_new_one_works(client, desk):
    feed, token = calendar_feed_issue(user=desk.user)
    calendar_feed_revoke(feed=feed)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    _feed, new_token = calendar_feed_issue(user=desk.user)
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200


def test_issuing_a_new_address_revokes_the_old_one(client, desk):
    _feed, old = calendar_feed_issue(user=desk.user)
    calendar_feed_issue(user=desk.user)
    assert client.get(f"/calendar/{old}.ics").status_code == 404


def test_a_deactivated_users_feed_answers_nothing(client, desk):
    _feed, token = calendar_feed_issue(user=desk.user)
    desk.user.is_active = False
    desk.user.save()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_admin_shows_a_new_address_once(client, desk):
    client.force_login(desk.user)
    response = client.post("/admin/deadlines/calendarfeed/add/", {"user": desk.user.pk}, follow=True)
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"])
    assert "/calendar/" in message and ".ics" in message
    token = message.split("/calendar/")[1].split(".ics")[0]
    assert client.get(f"/calendar/{token}.ics").status_code == 200
