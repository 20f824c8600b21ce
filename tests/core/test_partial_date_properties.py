"""Properties of partial dates for generated values of every kind, not only chosen examples."""

import datetime as dt
from dataclasses import replace

from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.core.partial_dates import PARTS, RANGE_BY_END, PartialDate, Precision

# Four-digit years, as the parser reads them; 9999 is left out so that a range or a winter
# may end a year later.
years = st.integers(min_value=1000, max_value=9997)
days = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9997, 12, 31))
season_starts = st.sampled_from([3, 6, 9, 12])


def _later(value: PartialDate, months: int) -> PartialDate:
    """The month or season ``months`` months after ``value``."""
    index = value.year * 12 + value.month - 1 + months
    return PartialDate(index // 12, value.precision, index % 12 + 1)


singles = st.one_of(
    st.builds(PartialDate, years),
    st.builds(lambda y, m: PartialDate(y, Precision.SEASON, m), years, season_starts),
    st.builds(lambda y, m: PartialDate(y, Precision.MONTH, m), years, st.integers(1, 12)),
    days.map(PartialDate.from_date),
)
thirds = st.one_of(
    st.builds(lambda y, p: PartialDate(y, Precision.YEAR_PART, part=p), years, st.sampled_from(PARTS)),
    st.builds(
        lambda y, m, p: PartialDate(y, Precision.MONTH_PART, m, part=p),
        years, st.integers(1, 12), st.sampled_from(PARTS),
    ),
)  # fmt: skip


def _range(first: PartialDate, last: PartialDate) -> PartialDate:
    return PartialDate(
        first.year, RANGE_BY_END[first.precision], first.month, first.day,
        end_year=last.year, end_month=last.month, end_day=last.day,
    )  # fmt: skip


# Ends a few units apart, so that ranges within one year or one month (written with their
# shared part once: "3–5 May 2016") are generated as often as ranges across years.
year_ranges = st.builds(
    lambda y, n: _range(PartialDate(y), PartialDate(y + n)), st.integers(1000, 9986), st.integers(1, 12)
)
month_ranges = st.builds(
    lambda first, n: _range(first, _later(first, n)),
    st.builds(lambda y, m: PartialDate(y, Precision.MONTH, m), years, st.integers(1, 12)),
    st.integers(1, 15),
)
season_ranges = st.builds(
    lambda first, n: _range(first, _later(first, 3 * n)),
    st.builds(lambda y, m: PartialDate(y, Precision.SEASON, m), years, season_starts),
    st.integers(1, 6),
)
day_ranges = st.builds(
    lambda day, n: _range(PartialDate.from_date(day), PartialDate.from_date(day + dt.timedelta(days=n))),
    days, st.integers(1, 45),
)  # fmt: skip
ranges = st.one_of(year_ranges, month_ranges, season_ranges, day_ranges)

values = st.builds(lambda value, approximate: replace(value, approximate=approximate),
                   st.one_of(singles, thirds, ranges), st.booleans())  # fmt: skip


@given(values)
def test_display_reads_back_as_the_same_value(value):
    assert PartialDate.parse(str(value)) == value
    assert str(PartialDate.parse(str(value))) == str(value)


@given(values)
def test_the_machine_form_reads_back_as_the_same_value(value):
    assert PartialDate.parse(value.isoformat()) == value


@given(values)
def test_the_stored_columns_rebuild_the_same_value(value):
    assert value.start <= value.end
    assert PartialDate.from_stored(value.start, value.end, value.precision, value.approximate) == value


date_words = st.sampled_from(
    ["2016", "14", "05", "may", "june", "spring", "mid", "early", "late", "марта", "весной", "с", "по",
     "to", "from", "between", "and", "c.", "около", "года", "г.", "th", "the", "of"]
)  # fmt: skip
date_like_text = st.lists(
    st.one_of(date_words, st.text(alphabet="0123456789-–/.~ ", max_size=12)), max_size=6
).map(" ".join)


@given(st.one_of(st.text(max_size=40), date_like_text))
def test_any_text_is_read_or_refused_with_a_message(text):
    try:
        value = PartialDate.parse(text)
    except ValidationError as refused:
        assert refused.messages and all(refused.messages)
    else:
        assert PartialDate.parse(value.isoformat()) == value
