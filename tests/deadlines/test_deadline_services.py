"""Deadlines computed from rules follow their trigger; overrides, suspensions and manual ones."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.agreements.services import provision_update
from apps.deadlines.models import Deadline
from apps.deadlines.services import (
    NO_LONGER_APPLIES,
    case_deadlines_resume,
    case_deadlines_suspend,
    closure_add,
    deadline_create_manual,
    deadline_rule_create,
    deadline_rule_update,
    deadline_update,
    deadlines_mark_missed,
)
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.proceedings.services import proceeding_event_add, proceeding_event_update, proceeding_update
from tests.deadlines.conftest import decide
from tests.factories import ArticleFactory, CaseFactory, CitationFactory, ProvisionFactory

pytestmark = pytest.mark.django_db


def test_a_refusals_decision_starts_the_appeal_deadline(appeal_rule, refusal):
    proceeding = refusal()
    decide(proceeding)
    deadline = Deadline.objects.get()
    assert (deadline.rule, deadline.case, deadline.trigger.proceeding) == (appeal_rule, proceeding.case, proceeding)
    # 27 Jan 2016 + 30 days = Friday 26 February 2016.
    assert deadline.due_on == deadline.computed_due_on == dt.date(2016, 2, 26)
    assert deadline.state == Deadline.State.OPEN
    assert not deadline.trigger_inexact
    assert deadline.unverified  # its own figure, no stored source


def test_a_decision_known_only_to_the_month_counts_from_its_first_day_and_says_so(appeal_rule, refusal):
    decide(refusal(), date="January 2016")
    deadline = Deadline.objects.get()
    # 1 Jan + 30 = Sunday 31 January: the next working day.
    assert deadline.due_on == dt.date(2016, 2, 1)
    assert deadline.trigger_inexact


def test_changing_the_trigger_date_recomputes_the_deadline(appeal_rule, refusal):
    event = decide(refusal())
    proceeding_event_update(event=event, date="2016-02-10")
    assert Deadline.objects.get().due_on == dt.date(2016, 3, 11)


def test_a_proceeding_no_longer_refused_waives_its_deadline_and_it_reopens_if_refused_again(appeal_rule, refusal):
    proceeding = refusal()
    decide(proceeding)
    proceeding_update(proceeding=proceeding, outcome=Proceeding.Outcome.GRANTED)
    deadline = Deadline.objects.get()
    assert (deadline.state, deadline.state_note) == (Deadline.State.WAIVED, NO_LONGER_APPLIES)
    proceeding_update(proceeding=proceeding, outcome=Proceeding.Outcome.REFUSED)
    deadline.refresh_from_db()
    assert (deadline.state, deadline.state_note) == (Deadline.State.OPEN, "")


def test_deleting_the_trigger_event_keeps_the_deadline_waived_with_the_reason(appeal_rule, refusal):
    event = decide(refusal())
    event.delete()
    deadline = Deadline.objects.get()
    assert deadline.trigger is None
    assert deadline.state == Deadline.State.WAIVED
    assert "deleted" in deadline.state_note


def test_other_events_and_other_proceedings_start_nothing(appeal_rule, refusal):
    proceeding = refusal()
    proceeding_event_add(proceeding=proceeding, kind=ProceedingEvent.Kind.HEARING, date="2016-01-20")
    proceeding_update(proceeding=proceeding, country="KZ")
    decide(proceeding)
    assert not Deadline.objects.exists()


def test_a_rule_counts_its_provisions_own_time_limit_and_follows_its_change(refusal):
    provision = ProvisionFactory(time_limit_days=30)
    rule = deadline_rule_create(
        name="Deportation after a repatriation request", proceeding_kind=Proceeding.Kind.READMISSION_REQUEST,
        event_kind=ProceedingEvent.Kind.FILING, provision=provision, roll_forward=False,
    )
    assert rule.offset is None and rule.figure == 30
    assert not rule.verified  # the provision is not quoted from a source yet
    CitationFactory(fact=None, provision=provision)
    assert rule.verified
    proceeding = refusal()
    proceeding_update(proceeding=proceeding, kind=Proceeding.Kind.READMISSION_REQUEST)
    proceeding_event_add(proceeding=proceeding, kind=ProceedingEvent.Kind.FILING, date="2016-03-01")
    assert Deadline.objects.get().due_on == dt.date(2016, 3, 31)
    # Correcting the provision corrects the deadline: the figure is read, never copied.
    provision_update(provision=provision, time_limit_days=10)
    assert Deadline.objects.get().due_on == dt.date(2016, 3, 11)


def test_a_rule_needs_a_figure_from_itself_or_its_provision():
    with pytest.raises(ValidationError) as refused:
        deadline_rule_create(name="No figure", event_kind="decision", provision=ProvisionFactory(time_limit_days=None))
    assert "offset" in refused.value.message_dict
    with pytest.raises(ValidationError):
        deadline_rule_create(name="No figure at all", event_kind="decision")


def test_a_rule_is_verified_once_it_quotes_its_legal_source(appeal_rule):
    article = ArticleFactory()
    quote = article.body[:20]
    rule, _changed = deadline_rule_update(rule=appeal_rule, source_article=article, source_quote=quote)
    assert rule.verified
    with pytest.raises(ValidationError) as refused:
        deadline_rule_update(rule=rule, source_quote="Words that are not in the article at all")
    assert "quote" in refused.value.message_dict


def test_an_override_replaces_the_due_date_with_a_reason_and_clearing_it_restores_the_rules(appeal_rule, refusal):
    decide(refusal())
    deadline = Deadline.objects.get()
    with pytest.raises(ValidationError) as refused:
        deadline_update(deadline=deadline, override_due_on=dt.date(2016, 3, 1))
    assert "override_reason" in refused.value.message_dict
    deadline, _changed = deadline_update(deadline=deadline, override_due_on=dt.date(2016, 3, 1),
                                         override_reason="The court gave until 1 March.")
    assert (deadline.due_on, deadline.computed_due_on) == (dt.date(2016, 3, 1), dt.date(2016, 2, 26))
    assert not deadline.unverified  # a person set the date
    deadline, _changed = deadline_update(deadline=deadline, override_due_on=None)
    assert (deadline.due_on, deadline.override_reason) == (dt.date(2016, 2, 26), "")


def test_a_case_on_hold_stops_the_clock_and_resuming_adds_the_days(appeal_rule, refusal):
    proceeding = refusal()
    decide(proceeding)
    case = proceeding.case
    assert case_deadlines_suspend(case=case, on=dt.date(2016, 2, 1), reason="Client unreachable") == 1
    deadline = Deadline.objects.get()
    assert deadline.suspended
    # A suspended deadline is never marked missed.
    assert deadlines_mark_missed(today=dt.date(2016, 3, 15)) == 0
    assert case_deadlines_resume(case=case, on=dt.date(2016, 2, 11)) == 1
    deadline.refresh_from_db()
    # Ten days on hold: 26 Feb + 10 = Sunday 7 March, then 8 March (a holiday): Wednesday 9 March.
    assert (deadline.suspended_days, deadline.due_on) == (10, dt.date(2016, 3, 9))
    assert not deadline.suspended


def test_a_closure_of_the_organization_moves_the_deadlines_it_holds(appeal_rule, refusal):
    proceeding = refusal()
    decide(proceeding)
    closure_add(organization=proceeding.case.organization, starts_on=dt.date(2016, 2, 26),
                ends_on=dt.date(2016, 2, 26), reason="Staff retreat")
    assert Deadline.objects.get().due_on == dt.date(2016, 2, 29)


def test_a_manual_deadline_needs_a_title_and_is_marked_missed_once_past():
    case = CaseFactory()
    with pytest.raises(ValidationError):
        deadline_create_manual(case=case, title="", due_on=dt.date(2016, 1, 15))
    deadline = deadline_create_manual(case=case, title="Hearing at the district court", due_on=dt.date(2016, 1, 15))
    assert deadline.due_on == dt.date(2016, 1, 15) and not deadline.unverified
    assert deadlines_mark_missed(today=dt.date(2016, 1, 16)) == 1
    assert deadlines_mark_missed(today=dt.date(2016, 1, 17)) == 0
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MISSED


def test_the_rule_and_trigger_of_a_computed_deadline_cannot_be_changed_by_hand(appeal_rule, refusal):
    decide(refusal())
    with pytest.raises(ValidationError) as refused:
        deadline_update(deadline=Deadline.objects.get(), computed_due_on=dt.date(2016, 5, 1))
    assert "computed_due_on" in refused.value.message_dict
