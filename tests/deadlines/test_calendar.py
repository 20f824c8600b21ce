"""Working days across Russia's holidays: the refusal was in January 2016, in the New Year holidays."""

import datetime as dt

from apps.deadlines.calendar import WorkCalendar, due_date

RU = WorkCalendar.of(country="RU")


def test_the_new_year_holidays_of_2016_are_not_working_days():
    assert [RU.is_working_day(dt.date(2016, 1, day)) for day in range(1, 12)] == [
        False, False, False, False, False, False, False, False, False, False, True,
    ]


def test_working_days_from_the_last_day_of_2015_skip_the_new_year_holidays():
    # 31 Dec 2015 (Thursday), then nothing until Monday 11 January 2016.
    assert RU.add_working_days(dt.date(2015, 12, 31), 1) == dt.date(2016, 1, 11)
    assert RU.add_working_days(dt.date(2015, 12, 31), 5) == dt.date(2016, 1, 15)


def test_a_saturday_worked_in_exchange_for_a_holiday_counts_and_the_moved_day_off_does_not():
    # 20 Feb 2016 was a working Saturday; 22 and 23 February were days off.
    assert RU.is_working_day(dt.date(2016, 2, 20))
    assert RU.add_working_days(dt.date(2016, 2, 19), 2) == dt.date(2016, 2, 24)


def test_a_calendar_day_deadline_ending_on_a_day_off_moves_to_the_next_working_day():
    # 30 days from 1 Jan 2016 is Sunday 31 January.
    assert due_date(start=dt.date(2016, 1, 1), amount=30, unit="calendar_days", calendar=RU,
                    roll_forward=True) == dt.date(2016, 2, 1)
    assert due_date(start=dt.date(2016, 1, 1), amount=30, unit="calendar_days", calendar=RU,
                    roll_forward=False) == dt.date(2016, 1, 31)


def test_an_organizations_closure_is_no_working_day():
    closed = WorkCalendar.of(country="RU", closed=[(dt.date(2016, 1, 11), dt.date(2016, 1, 12))])
    assert closed.add_working_days(dt.date(2015, 12, 31), 1) == dt.date(2016, 1, 13)


def test_hours_end_on_the_day_the_last_hour_falls_in():
    assert due_date(start=dt.date(2016, 1, 27), amount=48, unit="hours", calendar=WorkCalendar.of(),
                    roll_forward=False) == dt.date(2016, 1, 29)


def test_without_a_country_only_weekends_are_days_off():
    plain = WorkCalendar.of()
    assert plain.add_working_days(dt.date(2016, 1, 1), 1) == dt.date(2016, 1, 4)
    assert plain.subtract_working_days(dt.date(2016, 1, 4), 1) == dt.date(2016, 1, 1)
