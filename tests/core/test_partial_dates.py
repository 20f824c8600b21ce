import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.core.partial_dates import PartialDate, Precision, parse_partial_date


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("1997", "1997"),
        ("spring 2013", "spring 2013"),
        ("the spring of 2013", "spring 2013"),
        ("January 2016", "January 2016"),
        ("Jan. 2016", "January 2016"),
        ("2016-01", "January 2016"),
        ("2014-11-14", "14 Nov 2014"),
        ("14 Nov 2014", "14 Nov 2014"),
        ("November 14, 2014", "14 Nov 2014"),
        ("Sept. 2, 2014", "2 Sep 2014"),
        ("c. 1980", "c. 1980"),
        ("~1980", "c. 1980"),
        ("about 1980", "c. 1980"),
        ("2013-spring", "spring 2013"),
        ("fall 2014", "autumn 2014"),
    ],
)
def test_it_reads_and_renders_dates_as_people_write_them(text, rendered):
    assert str(PartialDate.parse(text)) == rendered


@pytest.mark.parametrize("text", ["", "soon", "2014-13", "31 Feb 2016", "spring", "14/11/2014"])
def test_it_rejects_text_that_is_not_a_date(text):
    with pytest.raises(ValidationError):
        PartialDate.parse(text)


def test_each_precision_covers_its_period():
    assert (PartialDate.parse("1997").start, PartialDate.parse("1997").end) == (
        dt.date(1997, 1, 1),
        dt.date(1997, 12, 31),
    )
    spring = PartialDate.parse("spring 2013")
    assert (spring.start, spring.end) == (dt.date(2013, 3, 1), dt.date(2013, 5, 31))
    winter = PartialDate.parse("winter 2013")
    assert (winter.start, winter.end) == (dt.date(2013, 12, 1), dt.date(2014, 2, 28))
    february = PartialDate.parse("February 2016")
    assert february.end == dt.date(2016, 2, 29)
    day = PartialDate.parse("14 Nov 2014")
    assert day.start == day.end == dt.date(2014, 11, 14)


def test_it_sorts_by_start_with_the_wider_period_first():
    dates = [PartialDate.parse(t) for t in ["14 Nov 2014", "2014", "spring 2013", "November 2014", "1997"]]
    ordered = [str(d) for d in sorted(dates, key=PartialDate.sort_key)]
    assert ordered == ["1997", "spring 2013", "2014", "November 2014", "14 Nov 2014"]


def test_isoformat_round_trips():
    for text in ["1997", "spring 2013", "January 2016", "14 Nov 2014", "c. 1980", "c. winter 2013"]:
        value = PartialDate.parse(text)
        assert PartialDate.parse(value.isoformat()) == value


def test_it_rebuilds_from_stored_start_and_precision():
    stored = PartialDate.parse("spring 2013")
    assert PartialDate.from_start(stored.start, Precision.SEASON) == stored


def test_parse_partial_date_accepts_dates_and_nothing():
    assert parse_partial_date(None) is None
    assert parse_partial_date("  ") is None
    assert parse_partial_date(dt.date(2016, 1, 27)) == PartialDate(2016, Precision.DAY, 1, 27)
