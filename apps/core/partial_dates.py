"""Partial dates: what sources actually say about when something happened.

Sources rarely give a day. Kim fled "during the famine of 1997", crossed into Russia "in the
spring of 2013", was refused "in January 2016". A :class:`PartialDate` keeps what is known — a
year, a season, a month or a day, optionally approximate — and nothing more.

In the database a partial date is four columns (see :func:`partial_date_fields`): the first and
last day of the period it covers, its precision and an "approximate" flag. The bounds are
derived from the value but stored, because ordering, range filters and the "dates in order"
constraints must run in SQL; :class:`PartialDateDescriptor` keeps them consistent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    SEASON = "season", "Season"
    YEAR = "year", "Year"


# Seasons as caseworkers in the northern hemisphere write them. Winter belongs to the year
# in which it starts ("winter 2013" = December 2013 to February 2014), as in "the winter of
# 2013-14".
SEASONS = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "winter": (12, 2),
}
SEASON_ALIASES = {"fall": "autumn"}
SEASON_BY_START_MONTH = {start: name for name, (start, _end) in SEASONS.items()}

MONTH_NAMES = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTH_ABBREVIATIONS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTH_ABBREVIATIONS["sept"] = 9

APPROXIMATE_PREFIX = re.compile(r"^(?:~|c\.|ca\.|circa|about|approx\.?|approximately)\s*", re.I)


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, season, month or day, possibly only approximately."""

    year: int
    precision: str = Precision.YEAR
    month: int | None = None  # for SEASON, the month the season starts
    day: int | None = None
    approximate: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValidationError(f"Year {self.year} is out of range.")
        if self.precision not in Precision.values:
            raise ValidationError(f"Unknown precision {self.precision!r}.")
        if self.precision == Precision.YEAR and (self.month or self.day):
            raise ValidationError("A year-precision date has no month or day.")
        if self.precision in (Precision.MONTH, Precision.SEASON, Precision.DAY):
            if self.month is None or not 1 <= self.month <= 12:
                raise ValidationError(f"{self.precision.capitalize()} precision needs a month 1-12.")
        if self.precision == Precision.SEASON and self.month not in SEASON_BY_START_MONTH:
            raise ValidationError("A season starts in March, June, September or December.")
        if self.precision == Precision.DAY:
            if self.day is None:
                raise ValidationError("Day precision needs a day.")
            try:
                dt.date(self.year, self.month, self.day)
            except ValueError as exc:
                raise ValidationError(f"{self.year}-{self.month}-{self.day} is not a date.") from exc
        elif self.day is not None:
            raise ValidationError("Only day-precision dates have a day.")

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_date(cls, value: dt.date, approximate: bool = False) -> PartialDate:
        return cls(value.year, Precision.DAY, value.month, value.day, approximate)

    @classmethod
    def from_start(cls, start: dt.date, precision: str, approximate: bool = False) -> PartialDate:
        """Rebuild a partial date from its stored first day and precision."""
        if precision == Precision.YEAR:
            return cls(start.year, precision, approximate=approximate)
        if precision in (Precision.MONTH, Precision.SEASON):
            return cls(start.year, precision, start.month, approximate=approximate)
        return cls(start.year, precision, start.month, start.day, approximate)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read a partial date as people write it.

        Accepts "1997", "c. 1980", "spring 2013", "2016-01", "January 2016", "Jan. 2016",
        "2014-11-14", "14 Nov 2014", "November 14, 2014"; raises ValidationError otherwise.
        """
        original = text
        text = " ".join(str(text).strip().split())
        approximate = False
        match = APPROXIMATE_PREFIX.match(text)
        if match:
            approximate = True
            text = text[match.end() :]
        lowered = text.lower().replace(",", " ").replace(" of ", " ")
        lowered = " ".join(lowered.split())

        if re.fullmatch(r"\d{4}", lowered):
            return cls(int(lowered), Precision.YEAR, approximate=approximate)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", lowered):
            return cls(int(m[1]), Precision.MONTH, int(m[2]), approximate=approximate)
        if m := re.fullmatch(r"(\d{4})-([a-z]+)", lowered):  # the isoformat() of a season
            lowered = f"{m[2]} {m[1]}"
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", lowered):
            return cls(int(m[1]), Precision.DAY, int(m[2]), int(m[3]), approximate)
        if m := re.fullmatch(r"(?:the )?([a-z]+)\.? (\d{4})", lowered):
            word, year = m[1], int(m[2])
            season = SEASON_ALIASES.get(word, word)
            if season in SEASONS:
                return cls(year, Precision.SEASON, SEASONS[season][0], approximate=approximate)
            month = _month_number(word)
            if month:
                return cls(year, Precision.MONTH, month, approximate=approximate)
        if m := re.fullmatch(r"(\d{1,2}) ([a-z]+\.?) (\d{4})", lowered):
            month = _month_number(m[2])
            if month:
                return cls(int(m[3]), Precision.DAY, month, int(m[1]), approximate)
        if m := re.fullmatch(r"([a-z]+\.?) (\d{1,2}) (\d{4})", lowered):
            month = _month_number(m[1])
            if month:
                return cls(int(m[3]), Precision.DAY, month, int(m[2]), approximate)
        raise ValidationError(
            f"“{original}” is not a date we can read. Write e.g. 1997, spring 2013, "
            "January 2016 or 14 Nov 2014 (prefix “c.” when approximate)."
        )

    # -- the period it covers --------------------------------------------------------------

    @property
    def start(self) -> dt.date:
        if self.precision == Precision.YEAR:
            return dt.date(self.year, 1, 1)
        if self.precision in (Precision.MONTH, Precision.SEASON):
            return dt.date(self.year, self.month, 1)
        return dt.date(self.year, self.month, self.day)

    @property
    def end(self) -> dt.date:
        if self.precision == Precision.YEAR:
            return dt.date(self.year, 12, 31)
        if self.precision == Precision.MONTH:
            return _last_day(self.year, self.month)
        if self.precision == Precision.SEASON:
            last_month = SEASONS[SEASON_BY_START_MONTH[self.month]][1]
            year = self.year + 1 if last_month < self.month else self.year
            return _last_day(year, last_month)
        return self.start

    def sort_key(self) -> tuple[dt.date, dt.date]:
        """Order by the start of the period, the wider period first when two start together."""
        return (self.start, -self.end.toordinal())

    # -- rendering --------------------------------------------------------------------------

    def __str__(self) -> str:
        if self.precision == Precision.YEAR:
            text = str(self.year)
        elif self.precision == Precision.SEASON:
            text = f"{SEASON_BY_START_MONTH[self.month]} {self.year}"
        elif self.precision == Precision.MONTH:
            text = f"{calendar.month_name[self.month]} {self.year}"
        else:
            text = f"{self.day} {calendar.month_abbr[self.month]} {self.year}"
        return f"c. {text}" if self.approximate else text

    def isoformat(self) -> str:
        """A machine form: 1997, 2013-spring, 2016-01, 2014-11-14 (with a leading ~ if approximate)."""
        if self.precision == Precision.YEAR:
            text = f"{self.year:04d}"
        elif self.precision == Precision.SEASON:
            text = f"{self.year:04d}-{SEASON_BY_START_MONTH[self.month]}"
        elif self.precision == Precision.MONTH:
            text = f"{self.year:04d}-{self.month:02d}"
        else:
            text = self.start.isoformat()
        return f"~{text}" if self.approximate else text


def _month_number(word: str) -> int | None:
    word = word.rstrip(".")
    return MONTH_NAMES.get(word) or MONTH_ABBREVIATIONS.get(word)


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_partial_date(value) -> PartialDate | None:
    """Accept a PartialDate, a date, text or nothing; the single entry point for user input."""
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    text = str(value).strip()
    return PartialDate.parse(text) if text else None


class PartialDateDescriptor:
    """``obj.<name>`` reads and writes the four stored columns as one PartialDate."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        start = getattr(instance, f"{self.name}_start")
        if start is None:
            return None
        return PartialDate.from_start(
            start,
            getattr(instance, f"{self.name}_precision"),
            getattr(instance, f"{self.name}_approximate"),
        )

    def __set__(self, instance, value) -> None:
        value = parse_partial_date(value)
        setattr(instance, f"{self.name}_start", value.start if value else None)
        setattr(instance, f"{self.name}_end", value.end if value else None)
        setattr(instance, f"{self.name}_precision", value.precision if value else "")
        setattr(instance, f"{self.name}_approximate", value.approximate if value else False)


def partial_date_fields(label: str, *, required: bool = False):
    """The four columns of a partial date, to unpack in a model body.

    ``filed_start, filed_end, filed_precision, filed_approximate = partial_date_fields("filed")``
    then ``filed = PartialDateDescriptor()`` gives ``obj.filed``.
    """
    null = not required
    return (
        models.DateField(f"{label} (from)", null=null, blank=null, db_index=True),
        models.DateField(f"{label} (until)", null=null, blank=null),
        models.CharField(
            f"{label} precision", max_length=8, choices=Precision.choices, blank=null
        ),
        models.BooleanField(f"{label} approximate", default=False),
    )


def partial_date_constraints(model_name: str, *names: str) -> list[models.CheckConstraint]:
    """Database guarantees for stored partial dates: bounds in order, precision given."""
    constraints = []
    for name in names:
        start, end, precision = f"{name}_start", f"{name}_end", f"{name}_precision"
        constraints.append(
            models.CheckConstraint(
                condition=(
                    models.Q(**{f"{start}__isnull": True, f"{end}__isnull": True, precision: ""})
                    | models.Q(
                        **{f"{start}__isnull": False, f"{end}__gte": models.F(start)},
                        **{f"{precision}__in": Precision.values},
                    )
                ),
                name=f"{model_name}_{name}_partial_date_valid",
            )
        )
    return constraints


def partial_dates_in_order_constraint(model_name: str, earlier: str, later: str) -> models.CheckConstraint:
    """``earlier`` cannot begin after ``later`` has ended (when both are known).

    Comparing the start of one with the end of the other accepts dates of different
    precision that may well be in order ("filed 5 Nov 2014", "decided 2014").
    """
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{earlier}_start__isnull": True})
            | models.Q(**{f"{later}_start__isnull": True})
            | models.Q(**{f"{earlier}_start__lte": models.F(f"{later}_end")})
        ),
        name=f"{model_name}_{earlier}_before_{later}",
        violation_error_message=f"{earlier.replace('_', ' ').capitalize()} must not be after {later.replace('_', ' ')}.",
    )


def check_in_order(instance, earlier: str, later: str) -> None:
    """Model-level twin of :func:`partial_dates_in_order_constraint`, with a field error."""
    first, second = getattr(instance, earlier), getattr(instance, later)
    if first and second and first.start > second.end:
        raise ValidationError(
            {later: f"{later.replace('_', ' ').capitalize()} ({second}) is before {earlier.replace('_', ' ')} ({first})."}
        )
