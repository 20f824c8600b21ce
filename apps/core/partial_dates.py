"""Partial dates: what sources actually say about when something happened.

Sources rarely give a day. Kim fled "during the famine of 1997", crossed into Russia "in the
spring of 2013", was refused "in January 2016"; Russian sources write "весной 2013 года" and
"26.05.2016". A :class:`PartialDate` keeps what is known — a year, a season, a month or a day,
a range of them ("May–June 2016"), or the early, middle or late third of a year or a month
("mid-2016") — optionally approximate, and nothing more.

In the database a partial date is four columns (see :func:`partial_date_fields`): the first and
last day of the period it covers, its precision and an "approximate" flag. The bounds are
derived from the value but stored, because ordering, range filters and the "dates in order"
constraints must run in SQL; :class:`PartialDateDescriptor` keeps them consistent. The four
columns are enough to rebuild every kind: a range's ends and a part's third follow from the
bounds once the precision says what kind of value it is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    SEASON = "season", _("Season")
    YEAR = "year", _("Year")
    # A range runs from one day, month, season or year to a later one of the same kind;
    # a part is the early, middle or late third of a month or a year.
    DAY_RANGE = "day_range", _("Days (from–to)")
    MONTH_RANGE = "month_range", _("Months (from–to)")
    SEASON_RANGE = "season_range", _("Seasons (from–to)")
    YEAR_RANGE = "year_range", _("Years (from–to)")
    MONTH_PART = "month_part", _("Early, mid or late in a month")
    YEAR_PART = "year_part", _("Early, mid or late in a year")


# The longest precision value, which the stored column must hold.
PRECISION_MAX_LENGTH = 12
# Read once: TextChoices builds ``.values`` (and every label) anew on each access, which cost
# 20 µs per partial date read, a sixth of a case's detail in the API.
PRECISIONS = frozenset(Precision.values)

# The precision of each end of a range, and of the month or year a part narrows.
RANGE_OF = {
    Precision.DAY_RANGE: Precision.DAY,
    Precision.MONTH_RANGE: Precision.MONTH,
    Precision.SEASON_RANGE: Precision.SEASON,
    Precision.YEAR_RANGE: Precision.YEAR,
}
RANGE_BY_END = {end: whole for whole, end in RANGE_OF.items()}
PART_OF = {Precision.MONTH_PART: Precision.MONTH, Precision.YEAR_PART: Precision.YEAR}

# "Early", "mid" and "late" are thirds, so that the three never overlap and together cover
# the whole: of a year, four months each (January–April, May–August, September–December); of a
# month, the days 1–10, 11–20 and 21 to the end (the Russian "декада").
PARTS = ("early", "mid", "late")
YEAR_PART_START_MONTH = {"early": 1, "mid": 5, "late": 9}
MONTH_PART_START_DAY = {"early": 1, "mid": 11, "late": 21}
MONTH_PART_END_DAY = {"early": 10, "mid": 20}

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
SEASON_START_BY_END_MONTH = {end: start for start, end in SEASONS.values()}

MONTH_NAMES = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTH_ABBREVIATIONS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTH_ABBREVIATIONS["sept"] = 9

# Russian month names in each form the sources use: "март 2016" (nominative), "14 марта 2016"
# and "с марта" (genitive), "в марте 2016" (prepositional), and the usual abbreviations.
RUSSIAN_MONTHS = {
    word: number
    for number, forms in enumerate(
        [
            "январь января январе янв",
            "февраль февраля феврале фев февр",
            "март марта марте мар",
            "апрель апреля апреле апр",
            "май мая мае",
            "июнь июня июне июн",
            "июль июля июле июл",
            "август августа августе авг",
            "сентябрь сентября сентябре сен сент",
            "октябрь октября октябре окт",
            "ноябрь ноября ноябре ноя нояб",
            "декабрь декабря декабре дек",
        ],
        start=1,
    )
    for word in forms.split()
}
# Russian seasons: "весна 2013", "весной 2013" ("in the spring"), "с весны по осень 2013".
RUSSIAN_SEASONS = {
    word: season
    for season, forms in {
        "spring": "весна весны весну весной весне",
        "summer": "лето лета летом лете",
        "autumn": "осень осени осенью",
        "winter": "зима зимы зиму зимой зимою зиме",
    }.items()
    for word in forms.split()
}
# The words for a third: "early 2016", "the end of 2014", "в начале 2016 года", "середина мая".
PART_WORDS = {
    "early": "early", "beginning": "early", "start": "early",
    "mid": "mid", "middle": "mid",
    "late": "late", "end": "late",
    "начало": "early", "начала": "early", "начале": "early",
    "середина": "mid", "середины": "mid", "середине": "mid",
    "конец": "late", "конца": "late", "конце": "late",
}  # fmt: skip
# Words around a date that say nothing about it: "in the spring of 2013", "в марте 2016".
FILLER_WORDS = {"the", "of", "in", "on", "during", "в", "во"}

APPROXIMATE_PREFIX = re.compile(
    r"^(?:~|c\.|ca\.|circa|about|around|approx\.?|approximately"
    r"|около|ок\.|примерно|приблизительно|прибл\.)\s*"
)
# "2016 года", "2016 г.", "в 2016 году", "2014–2015 гг." — the Russian word "year" after a year.
RUSSIAN_YEAR_WORD = re.compile(r"(?<=[0-9])\s*(?:годах|годы|года|году|год|гг|г)(?![а-я])\.?")
# Dashes people type for a range (en and em dash, minus, figure dash) read as one; the
# hyphens Unicode has besides "-" read as "-".
DASHES = str.maketrans({"—": "–", "‒": "–", "―": "–", "−": "–", "‐": "-", "‑": "-"})
RANGE_OPENER = re.compile(r"^(from|between|с|со|от)\s+")
RANGE_SEPARATOR = re.compile(r"\s*(?:–|-|/)\s*|\s+(to|till|until|through|and|по|до)\s+")

UNREADABLE = _(
    "“{text}” is not a date we can read. Write the date as a source does, e.g. 1997, "
    "spring 2013, 14 Nov 2014 or 26.05.2016 (put “c.” in front when it is approximate)."
)
MIXED_RANGE = _(
    "Write both ends of a range the same way, e.g. 2014–2015, May–June 2016, 3–5 May 2016 "
    "or spring–summer 2013."
)


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, season, month or day, a range of them or a third of one.

    ``year``, ``month`` and ``day`` are the date itself or, for a range, its first end;
    ``end_year``, ``end_month`` and ``end_day`` are a range's last end (a season is named by
    the month it starts, as in the first end). ``part`` is "early", "mid" or "late" for a
    part of a month or a year. ``approximate`` applies to the value as a whole.
    """

    year: int
    precision: str = Precision.YEAR
    month: int | None = None  # for SEASON, the month the season starts
    day: int | None = None
    approximate: bool = False
    part: str | None = field(default=None, kw_only=True)
    end_year: int | None = field(default=None, kw_only=True)
    end_month: int | None = field(default=None, kw_only=True)
    end_day: int | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValidationError(f"Unknown precision {self.precision!r}.")
        unit = RANGE_OF.get(self.precision) or PART_OF.get(self.precision) or self.precision
        _check_point(self.year, unit, self.month, self.day)
        if self.precision in RANGE_OF:
            _check_point(self.end_year, unit, self.end_month, self.end_day)
            first, last = self.first, self.last
            if first == last:
                raise ValidationError(_("A range needs two different ends."))
            if first.start > last.start:
                raise ValidationError(
                    _("This range ends before it begins (%(first)s to %(last)s). Write the earlier date first.") % {"first": first, "last": last}
                )
        elif (self.end_year, self.end_month, self.end_day) != (None, None, None):
            raise ValidationError(_("Only a range has an end."))
        if self.precision in PART_OF:
            if self.part not in PARTS:
                raise ValidationError(_("Say early, mid or late."))
        elif self.part is not None:
            raise ValidationError(_("Only a month or a year can be narrowed to early, mid or late."))

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_date(cls, value: dt.date, approximate: bool = False) -> PartialDate:
        return cls(value.year, Precision.DAY, value.month, value.day, approximate)

    @classmethod
    def from_start(cls, start: dt.date, precision: str, approximate: bool = False) -> PartialDate:
        """Rebuild a single date or a part from its stored first day and precision.

        A range needs its last day as well: see :meth:`from_stored`.
        """
        if precision == Precision.YEAR:
            return cls(start.year, precision, approximate=approximate)
        if precision in (Precision.MONTH, Precision.SEASON):
            return cls(start.year, precision, start.month, approximate=approximate)
        if precision == Precision.YEAR_PART:
            part = {month: name for name, month in YEAR_PART_START_MONTH.items()}.get(start.month)
            return cls(start.year, precision, approximate=approximate, part=part)
        if precision == Precision.MONTH_PART:
            part = {day: name for name, day in MONTH_PART_START_DAY.items()}.get(start.day)
            return cls(start.year, precision, start.month, approximate=approximate, part=part)
        if precision in RANGE_OF:
            raise ValueError("A range is rebuilt from both its bounds: use PartialDate.from_stored().")
        return cls(start.year, precision, start.month, start.day, approximate)

    @classmethod
    def from_stored(
        cls, start: dt.date, end: dt.date, precision: str, approximate: bool = False
    ) -> PartialDate:
        """Rebuild a partial date from its four stored columns."""
        unit = RANGE_OF.get(precision)
        if unit is None:
            return cls.from_start(start, precision, approximate)
        if unit == Precision.SEASON:
            # The stored end is the last season's last day; a season is named by its first
            # month, and winter by the year in which it starts.
            month = SEASON_START_BY_END_MONTH.get(end.month)
            last = cls(end.year - 1 if month == 12 else end.year, unit, month)
        else:
            last = cls.from_start(end, unit)
        return cls._range(cls.from_start(start, unit), last, approximate)

    @classmethod
    def _range(cls, first: PartialDate, last: PartialDate, approximate: bool = False) -> PartialDate:
        return cls(
            first.year, RANGE_BY_END[first.precision], first.month, first.day, approximate,
            end_year=last.year, end_month=last.month, end_day=last.day,
        )  # fmt: skip

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read a partial date as sources and people write it, in English or Russian.

        Single dates: "1997", "spring 2013", "весной 2013", "January 2016", "март 2016",
        "в марте 2016 года", "2016-01", "05.2016", "14 Nov 2014", "14th November 2014",
        "November 14, 2014", "14 марта 2016 г.", "26.05.2016", "26/05/2016", "2014-11-14".
        Thirds: "early 2016", "mid-2016", "late May 2016", "начало 2016", "в конце 2014 года".
        Ranges of two dates of one kind: "2014–2015", "2014-2015", "May–June 2016",
        "3–5 May 2016", "spring–summer 2013", "с 2014 по 2015", "с 3 по 5 мая 2016".
        Approximate: "c. 1980", "~1980", "about 1980", "около 1980", "примерно 1980".
        The machine forms of :meth:`isoformat` are read back too. ``YYYY-MM`` is a month
        ("2011-12" is December 2011); the admin asks when that may be meant as two years.
        Raises ValidationError, in words a caseworker understands, otherwise.
        """
        approximate, body = _strip_approximation(_normalise(text))
        reading = _reading(body)
        if reading is not None and reading.complete:
            value = reading.to_partial_date()
        else:
            value = _read_range(body)
        if value is None:
            raise ValidationError(UNREADABLE.format(text=" ".join(str(text).split())))
        if approximate:
            value = replace(value, approximate=True)
        return value

    # -- the period it covers --------------------------------------------------------------

    @property
    def first(self) -> PartialDate:
        """The first end of a range (never approximate on its own); any other value itself."""
        if self.precision not in RANGE_OF:
            return self
        return PartialDate(self.year, RANGE_OF[self.precision], self.month, self.day)

    @property
    def last(self) -> PartialDate:
        """The last end of a range; any other value itself."""
        if self.precision not in RANGE_OF:
            return self
        return PartialDate(self.end_year, RANGE_OF[self.precision], self.end_month, self.end_day)

    @property
    def start(self) -> dt.date:
        if self.precision in RANGE_OF:
            return self.first.start
        if self.precision == Precision.YEAR:
            return dt.date(self.year, 1, 1)
        if self.precision in (Precision.MONTH, Precision.SEASON):
            return dt.date(self.year, self.month, 1)
        if self.precision == Precision.YEAR_PART:
            return dt.date(self.year, YEAR_PART_START_MONTH[self.part], 1)
        if self.precision == Precision.MONTH_PART:
            return dt.date(self.year, self.month, MONTH_PART_START_DAY[self.part])
        return dt.date(self.year, self.month, self.day)

    @property
    def end(self) -> dt.date:
        if self.precision in RANGE_OF:
            return self.last.end
        if self.precision == Precision.YEAR:
            return dt.date(self.year, 12, 31)
        if self.precision == Precision.MONTH:
            return _last_day(self.year, self.month)
        if self.precision == Precision.SEASON:
            last_month = SEASONS[SEASON_BY_START_MONTH[self.month]][1]
            year = self.year + 1 if last_month < self.month else self.year
            return _last_day(year, last_month)
        if self.precision == Precision.YEAR_PART:
            return _last_day(self.year, YEAR_PART_START_MONTH[self.part] + 3)
        if self.precision == Precision.MONTH_PART:
            if self.part in MONTH_PART_END_DAY:
                return dt.date(self.year, self.month, MONTH_PART_END_DAY[self.part])
            return _last_day(self.year, self.month)
        return self.start

    def sort_key(self) -> tuple[dt.date, dt.date]:
        """Order by the start of the period, the wider period first when two start together."""
        return (self.start, -self.end.toordinal())

    # -- rendering --------------------------------------------------------------------------

    def __str__(self) -> str:
        if (get_language() or "").startswith("ru"):
            return russian_text(self)
        text = self._range_text() if self.precision in RANGE_OF else self._point_text()
        return f"c. {text}" if self.approximate else text

    def _point_text(self) -> str:
        if self.precision == Precision.YEAR:
            return str(self.year)
        if self.precision == Precision.SEASON:
            return f"{SEASON_BY_START_MONTH[self.month]} {self.year}"
        if self.precision == Precision.MONTH:
            return f"{calendar.month_name[self.month]} {self.year}"
        if self.precision == Precision.YEAR_PART:
            return f"mid-{self.year}" if self.part == "mid" else f"{self.part} {self.year}"
        if self.precision == Precision.MONTH_PART:
            month = calendar.month_name[self.month]
            return f"mid-{month} {self.year}" if self.part == "mid" else f"{self.part} {month} {self.year}"
        return f"{self.day} {calendar.month_abbr[self.month]} {self.year}"

    def _range_text(self) -> str:
        # As people write a range: what both ends share is said once ("3–5 May 2016",
        # "May–June 2016"); a spaced dash when the ends are several words each.
        first, last = self.first, self.last
        unit = first.precision
        if unit == Precision.YEAR:
            return f"{first.year}–{last.year}"
        if first.year != last.year:
            return f"{first} – {last}"
        if unit == Precision.SEASON:
            return f"{SEASON_BY_START_MONTH[first.month]}–{SEASON_BY_START_MONTH[last.month]} {last.year}"
        if unit == Precision.MONTH:
            return f"{calendar.month_name[first.month]}–{calendar.month_name[last.month]} {last.year}"
        if first.month == last.month:
            return f"{first.day}–{last.day} {calendar.month_abbr[last.month]} {last.year}"
        return f"{first.day} {calendar.month_abbr[first.month]} – {last}"

    def isoformat(self) -> str:
        """A machine form, read back by :meth:`parse` (with a leading ~ if approximate).

        1997, 2013-spring, 2016-01, 2014-11-14; a third: 2016-early, 2016-mid, 2016-05-late;
        a range, its two ends joined by "/" as ISO 8601 writes intervals: 2014/2015,
        2016-05/2016-06, 2016-05-03/2016-05-05, 2013-spring/2013-summer.
        """
        if self.precision in RANGE_OF:
            text = f"{self.first.isoformat()}/{self.last.isoformat()}"
        elif self.precision == Precision.YEAR:
            text = f"{self.year:04d}"
        elif self.precision == Precision.SEASON:
            text = f"{self.year:04d}-{SEASON_BY_START_MONTH[self.month]}"
        elif self.precision == Precision.MONTH:
            text = f"{self.year:04d}-{self.month:02d}"
        elif self.precision == Precision.YEAR_PART:
            text = f"{self.year:04d}-{self.part}"
        elif self.precision == Precision.MONTH_PART:
            text = f"{self.year:04d}-{self.month:02d}-{self.part}"
        else:
            text = self.start.isoformat()
        return f"~{text}" if self.approximate else text


def ambiguous_readings(text: str) -> tuple[PartialDate, PartialDate] | None:
    """The two readings of text such as "2011-12": December 2011, or the years 2011 to 2012.

    :meth:`PartialDate.parse` reads ``YYYY-MM`` as a month, the machine form the API returns;
    someone typing it may mean two years. Only when the second number could be either (a
    month, and a later year of the same century) is there a choice: "2016-01" is January.
    """
    approximate, body = _strip_approximation(_normalise(text))
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", body)
    if not match:
        return None
    year, number = int(match[1]), int(match[2])
    later_year = year // 100 * 100 + number
    if not (1 <= number <= 12 and later_year > year):
        return None
    return (
        PartialDate(year, Precision.MONTH, number, approximate=approximate),
        PartialDate(year, Precision.YEAR_RANGE, approximate=approximate, end_year=later_year),
    )


# -- reading text ------------------------------------------------------------------------------


class _Reading(NamedTuple):
    """What one piece of text says; a range's first end may leave out what its last end says."""

    kind: str  # a Precision
    year: int | None = None
    month: int | None = None
    day: int | None = None
    part: str | None = None

    @property
    def complete(self) -> bool:
        return self.year is not None and (self.kind != Precision.DAY or self.month is not None)

    def to_partial_date(self) -> PartialDate:
        return PartialDate(self.year, self.kind, self.month, self.day, part=self.part)


def _normalise(text) -> str:
    text = str(text).translate(DASHES).lower().replace("ё", "е").replace(",", " ")
    text = " ".join(text.split())
    return RUSSIAN_YEAR_WORD.sub("", text).strip()


def _strip_approximation(text: str) -> tuple[bool, str]:
    match = APPROXIMATE_PREFIX.match(text)
    return (True, text[match.end() :]) if match else (False, text)


# Forms that are one piece of text: ISO dates and this module's machine forms, numeric dates.
NUMERIC_FORMS = (
    (re.compile(r"([0-9]{4})"), lambda m: _Reading(Precision.YEAR, int(m[1]))),
    (re.compile(r"([0-9]{4})-([0-9]{1,2})"), lambda m: _iso_month(int(m[1]), int(m[2]))),
    (
        re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
        lambda m: _Reading(Precision.DAY, int(m[1]), int(m[2]), int(m[3])),
    ),
    (
        re.compile(r"([0-9]{4})-(spring|summer|autumn|winter|fall)"),
        lambda m: _Reading(Precision.SEASON, int(m[1]), _season_month(m[2])),
    ),
    (
        re.compile(r"([0-9]{4})-(early|mid|late)"),
        lambda m: _Reading(Precision.YEAR_PART, int(m[1]), part=m[2]),
    ),
    (
        re.compile(r"([0-9]{4})-([0-9]{1,2})-(early|mid|late)"),
        lambda m: _Reading(Precision.MONTH_PART, int(m[1]), int(m[2]), part=m[3]),
    ),
    # Day first, as Russian and European sources write it: 26.05.2016, 26/05/2016.
    (
        re.compile(r"([0-9]{1,2})([./])([0-9]{1,2})\2([0-9]{4})"),
        lambda m: _Reading(Precision.DAY, int(m[4]), int(m[3]), int(m[1])),
    ),
    (re.compile(r"([0-9]{1,2})[./]([0-9]{4})"), lambda m: _Reading(Precision.MONTH, int(m[2]), int(m[1]))),
)
DAY_TOKEN = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th|-го)?")
PART_PREFIX = re.compile(r"(early|mid|late)-(.+)")


def _iso_month(year: int, number: int) -> _Reading:
    later_year = year // 100 * 100 + number
    if number > 12 and later_year > year:
        # "2014-15" is most likely two years; say how to write them.
        raise ValidationError(
            _("There is no month %(number)s. For the years %(year)s to %(later_year)s, type %(year)s–%(later_year)s.") % {"number": number, "year": year, "later_year": later_year}
        )
    return _Reading(Precision.MONTH, year, number)


def _season_month(word: str) -> int:
    return SEASONS[SEASON_ALIASES.get(word, word)][0]


def _month_number(word: str) -> int | None:
    word = word.rstrip(".")
    return MONTH_NAMES.get(word) or MONTH_ABBREVIATIONS.get(word) or RUSSIAN_MONTHS.get(word)


def _token(word: str) -> tuple[str, object] | None:
    """The kind of one word of a date and what it says, or None if it is no part of a date."""
    if re.fullmatch(r"[0-9]{4}", word):
        return ("year", int(word))
    if match := DAY_TOKEN.fullmatch(word):
        return ("day", int(match[1]))
    if (month := _month_number(word)) is not None:
        return ("month", month)
    season = RUSSIAN_SEASONS.get(word) or SEASON_ALIASES.get(word, word)
    if season in SEASONS:
        return ("season", SEASONS[season][0])
    if word in PART_WORDS:
        return ("part", PART_WORDS[word])
    return None


def _reading(text: str) -> _Reading | None:
    """Read text that names one date, perhaps without its year (the first end of a range)."""
    for pattern, read in NUMERIC_FORMS:
        if match := pattern.fullmatch(text):
            return read(match)
    words = []
    for word in text.split():
        if match := PART_PREFIX.fullmatch(word):  # "mid-2016", "mid-may"
            words += [match[1], match[2]]
        elif word not in FILLER_WORDS:
            words.append(word)
    tokens = [_token(word) for word in words]
    if not tokens or None in tokens:
        return None
    kinds = " ".join(kind for kind, _value in tokens)
    values = [value for _kind, value in tokens]
    shapes = {
        "year": lambda y: _Reading(Precision.YEAR, y),
        "season year": lambda s, y: _Reading(Precision.SEASON, y, s),
        "season": lambda s: _Reading(Precision.SEASON, None, s),
        "month year": lambda m, y: _Reading(Precision.MONTH, y, m),
        "month": lambda m: _Reading(Precision.MONTH, None, m),
        "day month year": lambda d, m, y: _Reading(Precision.DAY, y, m, d),
        "month day year": lambda m, d, y: _Reading(Precision.DAY, y, m, d),
        "day month": lambda d, m: _Reading(Precision.DAY, None, m, d),
        "month day": lambda m, d: _Reading(Precision.DAY, None, m, d),
        "day": lambda d: _Reading(Precision.DAY, None, None, d),
        "day year": lambda d, y: _Reading(Precision.DAY, y, None, d),
        "part year": lambda p, y: _Reading(Precision.YEAR_PART, y, part=p),
        "part month year": lambda p, m, y: _Reading(Precision.MONTH_PART, y, m, part=p),
    }
    shape = shapes.get(kinds)
    return shape(*values) if shape else None


def _read_range(text: str) -> PartialDate | None:
    """Read "2014–2015", "3–5 May 2016", "с 2014 по 2015": two dates of one kind, the later last.

    The first end may leave out what it shares with the last ("May–June 2016"). Each place
    the text could be cut in two is tried, since "-" also joins the parts of "2014-11-14".
    """
    opener = RANGE_OPENER.match(text)
    body = text[opener.end() :] if opener else text
    problem = None
    for separator in RANGE_SEPARATOR.finditer(body):
        if separator[1] == "and" and not (opener and opener[1] == "between"):
            continue
        try:
            first, last = _reading(body[: separator.start()]), _reading(body[separator.end() :])
            if first is None or last is None or last.year is None:
                continue
            value = _range(first, last)
        except ValidationError as error:
            problem = problem or error  # kept in case no other cut reads
            continue
        if value is not None:
            return value
    if problem is not None:
        raise problem
    return None


def _range(first: _Reading, last: _Reading) -> PartialDate | None:
    if first.kind != last.kind or last.kind not in RANGE_BY_END:
        raise ValidationError(MIXED_RANGE)
    if last.month is None and last.kind == Precision.DAY:
        # "May 3–5, 2016": the month is said once, with the first day.
        if first.month is None:
            return None
        last = last._replace(month=first.month)
    year_given = first.year is not None
    first = first._replace(
        year=first.year if year_given else last.year,
        month=first.month if first.month is not None else last.month,
    )
    start, end = first.to_partial_date(), last.to_partial_date()
    if not year_given and first.kind != Precision.YEAR and start.start > end.start:
        # "December–February 2016", "winter–spring 2014": the first end is in the year before.
        start = first._replace(year=first.year - 1).to_partial_date()
    if start == end:
        return start  # "May–May 2016" is May 2016
    return PartialDate._range(start, end)


def _check_point(year: int | None, precision: str, month: int | None, day: int | None) -> None:
    """Refuse a year, season, month or day that does not exist, saying so plainly."""
    if year is None or not 1 <= year <= 9999:
        raise ValidationError(_("Write the year with four digits, e.g. 1997."))
    if precision == Precision.YEAR:
        if month is not None or day is not None:
            raise ValidationError(_("A year alone has no month or day."))
        return
    if month is None or not 1 <= month <= 12:
        raise ValidationError(_("There is no month %(month)s.") % {"month": month} if month is not None else _("Say which month."))
    if precision == Precision.SEASON:
        if month not in SEASON_BY_START_MONTH:
            raise ValidationError(_("A season starts in March, June, September or December."))
        if year == 9999 and month == 12:
            raise ValidationError(_("Winter 9999 ends after the last year we can store."))
    if precision != Precision.DAY:
        if day is not None:
            raise ValidationError(_("Only a day has a day of the month."))
        return
    if day is None:
        raise ValidationError(_("Say which day."))
    try:
        dt.date(year, month, day)
    except ValueError:
        name = calendar.month_name[month]
        if 1 <= day <= calendar.monthrange(2000, month)[1]:  # 29 February: only in leap years
            raise ValidationError(_("There is no %(day)s %(name)s in %(year)s.") % {"day": day, "name": name, "year": year}) from None
        raise ValidationError(_("There is no %(day)s %(name)s.") % {"day": day, "name": name}) from None


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
        return PartialDate.from_stored(
            start,
            getattr(instance, f"{self.name}_end"),
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
        models.DateField(format_lazy(_("{label} (from)"), label=label), null=null, blank=null, db_index=True),
        models.DateField(format_lazy(_("{label} (until)"), label=label), null=null, blank=null),
        models.CharField(
            format_lazy(_("{label} precision"), label=label),
            max_length=PRECISION_MAX_LENGTH,
            choices=Precision.choices,
            blank=null,
        ),
        models.BooleanField(format_lazy(_("{label} approximate"), label=label), default=False),
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
        # Lazy, so that it is said in the language of whoever meets it; the field names are
        # looked up in the catalogue (they are the models' verbose names).
        violation_error_message=capfirst(
            format_lazy(
                _("{earlier} must not be after {later}."),
                earlier=_(earlier.replace("_", " ")),
                later=_(later.replace("_", " ")),
            )
        ),
    )


def check_in_order(instance, earlier: str, later: str) -> None:
    """Model-level twin of :func:`partial_dates_in_order_constraint`, with a field error."""
    first, second = getattr(instance, earlier), getattr(instance, later)
    if first and second and first.start > second.end:
        raise ValidationError(
            {
                later: _("%(later)s (%(second)s) is before %(earlier)s (%(first)s).")
                % {
                    "later": capfirst(_(later.replace("_", " "))),
                    "second": second,
                    "earlier": _(earlier.replace("_", " ")),
                    "first": first,
                }
            }
        )


# -- Russian display ------------------------------------------------------------------------
# How a Russian source writes these dates, and what the parser above reads back: "весна 2013",
# "январь 2016", "14 ноября 2014", "середина 2016", "начало мая 2016", "3–5 мая 2016",
# "около 1997". Only the display: the parser's word lists are not translations and stay as
# they are.
RUSSIAN_MONTH_NOMINATIVE = (
    "", "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
RUSSIAN_MONTH_GENITIVE = (
    "", "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
RUSSIAN_SEASON_NAMES = {"spring": "весна", "summer": "лето", "autumn": "осень", "winter": "зима"}
RUSSIAN_PART_NAMES = {"early": "начало", "mid": "середина", "late": "конец"}


def _russian_point(value: PartialDate) -> str:
    if value.precision == Precision.YEAR:
        return str(value.year)
    if value.precision == Precision.SEASON:
        return f"{RUSSIAN_SEASON_NAMES[SEASON_BY_START_MONTH[value.month]]} {value.year}"
    if value.precision == Precision.MONTH:
        return f"{RUSSIAN_MONTH_NOMINATIVE[value.month]} {value.year}"
    if value.precision == Precision.YEAR_PART:
        return f"{RUSSIAN_PART_NAMES[value.part]} {value.year}"
    if value.precision == Precision.MONTH_PART:
        return f"{RUSSIAN_PART_NAMES[value.part]} {RUSSIAN_MONTH_GENITIVE[value.month]} {value.year}"
    return f"{value.day} {RUSSIAN_MONTH_GENITIVE[value.month]} {value.year}"


def russian_text(value: PartialDate) -> str:
    """``value`` as a Russian text writes it (the display when the language is Russian)."""
    if value.precision not in RANGE_OF:
        text = _russian_point(value)
    else:
        first, last = value.first, value.last
        unit = first.precision
        if unit == Precision.YEAR:
            text = f"{first.year}–{last.year}"
        elif first.year != last.year:
            text = f"{_russian_point(first)} – {_russian_point(last)}"
        elif unit == Precision.SEASON:
            text = (
                f"{RUSSIAN_SEASON_NAMES[SEASON_BY_START_MONTH[first.month]]}–"
                f"{RUSSIAN_SEASON_NAMES[SEASON_BY_START_MONTH[last.month]]} {last.year}"
            )
        elif unit == Precision.MONTH:
            text = f"{RUSSIAN_MONTH_NOMINATIVE[first.month]}–{RUSSIAN_MONTH_NOMINATIVE[last.month]} {last.year}"
        elif first.month == last.month:
            text = f"{first.day}–{last.day} {RUSSIAN_MONTH_GENITIVE[last.month]} {last.year}"
        else:
            text = f"{first.day} {RUSSIAN_MONTH_GENITIVE[first.month]} – {_russian_point(last)}"
    return f"около {text}" if value.approximate else text
