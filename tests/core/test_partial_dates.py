import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.core.partial_dates import PartialDate, Precision, ambiguous_readings, parse_partial_date


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


@pytest.mark.parametrize(
    "text", ["", "soon", "2014-13", "31 Feb 2016", "spring", "11/14/2014", "2014 and 2015"]
)
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


# -- dates as sources write them (issue 13, item 5) --------------------------------------------

D = dt.date


@pytest.mark.parametrize(
    ("text", "display", "start", "end"),
    [
        ("26.05.2016", "26 May 2016", D(2016, 5, 26), D(2016, 5, 26)),
        ("14.11.2014", "14 Nov 2014", D(2014, 11, 14), D(2014, 11, 14)),
        ("mid-2016", "mid-2016", D(2016, 5, 1), D(2016, 8, 31)),
        ("late 2014", "late 2014", D(2014, 9, 1), D(2014, 12, 31)),
        ("early 2016", "early 2016", D(2016, 1, 1), D(2016, 4, 30)),
        ("2014–2015", "2014–2015", D(2014, 1, 1), D(2015, 12, 31)),
        ("May–June 2016", "May–June 2016", D(2016, 5, 1), D(2016, 6, 30)),
        ("весна 2013", "spring 2013", D(2013, 3, 1), D(2013, 5, 31)),
        ("март 2016", "March 2016", D(2016, 3, 1), D(2016, 3, 31)),
        ("14th November 2014", "14 Nov 2014", D(2014, 11, 14), D(2014, 11, 14)),
    ],
)
def test_it_reads_the_dates_the_issue_lists_with_their_bounds(text, display, start, end):
    value = PartialDate.parse(text)
    assert (str(value), value.start, value.end) == (display, start, end)


@pytest.mark.parametrize(
    ("text", "display"),
    [
        # numeric and ISO
        ("26/05/2016", "26 May 2016"),
        ("1.2.2016", "1 Feb 2016"),
        ("2016-05-26", "26 May 2016"),
        ("05.2016", "May 2016"),
        # ordinals
        ("November 14th, 2014", "14 Nov 2014"),
        ("the 2nd of September 2014", "2 Sep 2014"),
        ("1st Feb 2016", "1 Feb 2016"),
        # Russian months in every case form, the word "year" after the year
        ("14 марта 2016", "14 Mar 2016"),
        ("в марте 2016", "March 2016"),
        ("в марте 2016 года", "March 2016"),
        ("14 марта 2016 г.", "14 Mar 2016"),
        ("2 сентября 2014 г", "2 Sep 2014"),
        ("Январь 2016", "January 2016"),
        ("в 1997 году", "1997"),
        ("14 нояб. 2014", "14 Nov 2014"),
        # Russian seasons
        ("весной 2013", "spring 2013"),
        ("осенью 2014", "autumn 2014"),
        ("летом 2015", "summer 2015"),
        ("зимой 2013 года", "winter 2013"),
        # early, mid, late
        ("mid 2016", "mid-2016"),
        ("the end of 2014", "late 2014"),
        ("early in 2016", "early 2016"),
        ("начало 2016", "early 2016"),
        ("в начале 2016 года", "early 2016"),
        ("конец 2014", "late 2014"),
        ("середина 2016", "mid-2016"),
        ("mid-May 2016", "mid-May 2016"),
        ("late May 2016", "late May 2016"),
        ("в конце мая 2016", "late May 2016"),
        # ranges of years, seasons, months and days
        ("2014-2015", "2014–2015"),
        ("2014 - 2015", "2014–2015"),
        ("from 2014 to 2015", "2014–2015"),
        ("between 2014 and 2015", "2014–2015"),
        ("с 2014 по 2015", "2014–2015"),
        ("с 2014 по 2015 год", "2014–2015"),
        ("2014–2015 гг.", "2014–2015"),
        ("spring–summer 2013", "spring–summer 2013"),
        ("весна–лето 2013", "spring–summer 2013"),
        ("с весны по осень 2013", "spring–autumn 2013"),
        ("winter–spring 2014", "winter 2013 – spring 2014"),
        ("May-June 2016", "May–June 2016"),
        ("май–июнь 2016", "May–June 2016"),
        ("с марта по май 2016 года", "March–May 2016"),
        ("December–February 2016", "December 2015 – February 2016"),
        ("December 2015 — January 2016", "December 2015 – January 2016"),
        ("3–5 May 2016", "3–5 May 2016"),
        ("3-5 May 2016", "3–5 May 2016"),
        ("May 3–5, 2016", "3–5 May 2016"),
        ("с 3 по 5 мая 2016 г.", "3–5 May 2016"),
        ("30 April – 2 May 2016", "30 Apr – 2 May 2016"),
        ("30 Dec 2015 – 2 Jan 2016", "30 Dec 2015 – 2 Jan 2016"),
        ("26.05.2016–28.05.2016", "26–28 May 2016"),
        ("May–May 2016", "May 2016"),
        # approximations
        ("около 1980", "c. 1980"),
        ("около 1980 года", "c. 1980"),
        ("примерно весной 2013", "c. spring 2013"),
        ("circa 1980", "c. 1980"),
        ("c. 2014–2015", "c. 2014–2015"),
    ],
)
def test_it_reads_dates_in_english_and_russian_as_sources_write_them(text, display):
    assert str(PartialDate.parse(text)) == display


def test_early_mid_and_late_are_thirds_of_a_year_or_a_month():
    def bounds(text):
        value = PartialDate.parse(text)
        return (value.start, value.end)

    assert bounds("early 2016") == (D(2016, 1, 1), D(2016, 4, 30))
    assert bounds("mid-2016") == (D(2016, 5, 1), D(2016, 8, 31))
    assert bounds("late 2016") == (D(2016, 9, 1), D(2016, 12, 31))
    assert bounds("early February 2016") == (D(2016, 2, 1), D(2016, 2, 10))
    assert bounds("mid-February 2016") == (D(2016, 2, 11), D(2016, 2, 20))
    assert bounds("late February 2016") == (D(2016, 2, 21), D(2016, 2, 29))


def test_ranges_cover_both_ends_whole():
    value = PartialDate.parse("autumn–winter 2013")
    assert value.precision == Precision.SEASON_RANGE
    assert (value.start, value.end) == (D(2013, 9, 1), D(2014, 2, 28))
    assert (value.first, value.last) == (PartialDate.parse("autumn 2013"), PartialDate.parse("winter 2013"))


@pytest.mark.parametrize(
    ("text", "machine"),
    [
        ("2014–2015", "2014/2015"),
        ("May–June 2016", "2016-05/2016-06"),
        ("3–5 May 2016", "2016-05-03/2016-05-05"),
        ("spring–summer 2013", "2013-spring/2013-summer"),
        ("c. 2014–2015", "~2014/2015"),
        ("early 2016", "2016-early"),
        ("mid-2016", "2016-mid"),
        ("late May 2016", "2016-05-late"),
    ],
)
def test_ranges_and_thirds_have_a_machine_form_that_reads_back(text, machine):
    value = PartialDate.parse(text)
    assert value.isoformat() == machine
    assert PartialDate.parse(machine) == value


def test_the_existing_kinds_keep_their_columns_machine_form_and_display():
    cases = {
        "1997": ("year", "1997", "1997"),
        "spring 2013": ("season", "2013-spring", "spring 2013"),
        "January 2016": ("month", "2016-01", "January 2016"),
        "14 Nov 2014": ("day", "2014-11-14", "14 Nov 2014"),
        "c. 1980": ("year", "~1980", "c. 1980"),
    }
    for text, (precision, machine, display) in cases.items():
        value = PartialDate.parse(text)
        assert (value.precision, value.isoformat(), str(value)) == (precision, machine, display)


def test_ranges_and_thirds_sort_by_start_the_wider_first():
    texts = ["May 2016", "May–June 2016", "mid-2016", "early 2016", "2016", "2014–2016", "3–5 May 2016"]
    ordered = [str(d) for d in sorted(map(PartialDate.parse, texts), key=PartialDate.sort_key)]
    assert ordered == [
        "2014–2016", "2016", "early 2016", "mid-2016", "May–June 2016", "May 2016", "3–5 May 2016"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31 April 2016", "There is no 31 April."),
        ("31.04.2016", "There is no 31 April."),
        ("29 Feb 2015", "There is no 29 February in 2015."),
        ("2014-13", "There is no month 13."),
        ("2014-15", "There is no month 15. For the years 2014 to 2015, type 2014–2015."),
        ("2015–2014", "This range ends before it begins (2015 to 2014). Write the earlier date first."),
        (
            "mid-2014 – 2015",
            "Write both ends of a range the same way, e.g. 2014–2015, May–June 2016, 3–5 May 2016 "
            "or spring–summer 2013.",
        ),
        (
            "the other day",
            "“the other day” is not a date we can read. Write the date as a source does, e.g. 1997, "
            "spring 2013, 14 Nov 2014 or 26.05.2016 (put “c.” in front when it is approximate).",
        ),
    ],
)
def test_refusals_say_in_plain_words_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as refused:
        PartialDate.parse(text)
    assert refused.value.messages == [message]


def test_yyyy_mm_stays_a_month_for_the_parser_that_reads_the_api():
    assert PartialDate.parse("2011-12") == PartialDate(2011, Precision.MONTH, 12)


def test_it_offers_both_readings_only_where_a_month_could_be_a_later_year():
    month, years = ambiguous_readings("2011-12")
    assert (str(month), str(years)) == ("December 2011", "2011–2012")
    assert [str(r) for r in ambiguous_readings("c. 2009-10")] == ["c. October 2009", "c. 2009–2010"]
    assert ambiguous_readings("2016-01") is None  # 2001 is before 2016: only January
    assert ambiguous_readings("2011-2012") is None
    assert ambiguous_readings("December 2011") is None


def test_a_range_is_rebuilt_from_its_stored_bounds():
    for text in ["2014–2015", "May–June 2016", "3–5 May 2016", "winter 2013 – spring 2014", "mid-May 2016"]:
        value = PartialDate.parse(text)
        assert PartialDate.from_stored(value.start, value.end, value.precision) == value
