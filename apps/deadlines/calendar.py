"""Counting days the way a deadline does: weekends, public holidays, an organization's closures.

Public holidays come from the ``holidays`` package, which also knows the days a country moves
("Day off substituted from 2 January" in Russia, and the Saturdays worked in exchange), so a
working day is what the package says it is, less the organization's own closures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _country_holidays(country: str, year: int):
    try:
        return holidays.country_holidays(country, years=[year])
    except NotImplementedError:
        return None  # a country the package does not know: weekends only


@dataclass(frozen=True)
class WorkCalendar:
    """Working days for one country's holidays and one organization's closures."""

    country: str = ""
    closures: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, country: str = "", closed: Iterable[tuple[dt.date, dt.date]] = ()) -> WorkCalendar:
        days = set()
        for first, last in closed:
            day = first
            while day <= last:
                days.add(day)
                day += dt.timedelta(days=1)
        return cls(country=str(country or ""), closures=frozenset(days))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.closures:
            return False
        calendar = _country_holidays(self.country, day.year) if self.country else None
        if calendar is None:
            return day.weekday() < 5
        return calendar.is_working_day(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself does not count)."""
        day = start
        while count > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def subtract_working_days(self, end: dt.date, count: int) -> dt.date:
        """The ``count``-th working day before ``end``."""
        day = end
        while count > 0:
            day -= dt.timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


def due_date(*, start: dt.date, amount: int, unit: str, calendar: WorkCalendar, roll_forward: bool) -> dt.date:
    """When a deadline of ``amount`` ``unit`` counted from ``start`` ends.

    Calendar days and hours count from the start of ``start``; hours end on the day the last
    hour falls in (a trigger is known to the day at best). Working days count from the day after
    ``start``. A calendar-day or hour deadline ending on a day off moves to the next working
    day when ``roll_forward`` (the usual procedural rule).
    """
    if unit == "working_days":
        return calendar.add_working_days(start, amount)
    if unit == "hours":
        end = (dt.datetime.combine(start, dt.time.min) + dt.timedelta(hours=amount)).date()
    else:
        end = start + dt.timedelta(days=amount)
    return calendar.next_working_day(end) if roll_forward else end
