"""Reminders 5 and 1 working days before a deadline, by e-mail, never twice for one step."""

import datetime as dt

import pytest
from django.core.management import call_command

from apps.deadlines.models import Deadline, DeadlineReminder
from apps.deadlines.services import deadline_create_manual, deadline_reminders_send
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

# Due Friday 26 February 2016, on a calendar of weekends only (a manual deadline names no
# country): T-5 working days is Friday 19 February, T-1 Thursday 25 February.
DUE = dt.date(2016, 2, 26)


@pytest.fixture
def deadline():
    case = CaseFactory()
    case.caseworkers.add(UserFactory(email="olga@example.org"), UserFactory(email=""))
    return deadline_create_manual(case=case, title="Lodge the appeal", due_on=DUE)


def test_the_five_day_reminder_is_sent_once_then_the_one_day_reminder(deadline, mailoutbox):
    assert deadline_reminders_send(today=dt.date(2016, 2, 18)).sent == 0  # T-6
    assert deadline_reminders_send(today=dt.date(2016, 2, 19)).sent == 1  # T-5
    assert deadline_reminders_send(today=dt.date(2016, 2, 19)).sent == 0
    assert deadline_reminders_send(today=dt.date(2016, 2, 22)).sent == 0
    assert deadline_reminders_send(today=dt.date(2016, 2, 25)).sent == 1  # T-1
    assert deadline_reminders_send(today=dt.date(2016, 2, 26)).sent == 0
    assert [m.to for m in mailoutbox] == [["olga@example.org"], ["olga@example.org"]]
    assert mailoutbox[0].subject == f"{deadline.case.reference}: Deadline set by hand due 2016-02-26"
    assert deadline.case.title not in mailoutbox[0].body  # references, kinds and dates only
    assert sorted(DeadlineReminder.objects.values_list("step", flat=True)) == [1, 5]


def test_a_run_after_both_days_sends_only_the_nearest_reminder(deadline, mailoutbox):
    assert deadline_reminders_send(today=dt.date(2016, 2, 25)).sent == 1
    assert len(mailoutbox) == 1 and "1 working day" in mailoutbox[0].body
    assert deadline_reminders_send(today=dt.date(2016, 2, 25)).sent == 0


def test_closed_or_suspended_deadlines_get_no_reminder(deadline, mailoutbox):
    Deadline.objects.filter(pk=deadline.pk).update(state=Deadline.State.MET)
    assert deadline_reminders_send(today=dt.date(2016, 2, 25)).sent == 0
    assert mailoutbox == []


def test_the_commands_run_the_periodic_work(deadline, mailoutbox, capsys):
    call_command("send_deadline_reminders", "--today", "2016-02-25")
    call_command("send_deadline_reminders", "--today", "2016-02-25")
    assert len(mailoutbox) == 1
    call_command("mark_missed_deadlines", "--today", "2016-02-27")
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MISSED
    assert "1 deadline" in capsys.readouterr().out
