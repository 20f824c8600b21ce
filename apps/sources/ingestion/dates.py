"""Publication dates as articles and addresses write them.

Text: "November 14, 2014", "Nov. 14, 2014", "Jan. 29, 2016 at 1:16 PM", "14 Nov 2014",
"2016-01-28", "14 марта 2016", "14 марта 2016 г.". Addresses: ".../2016/01/28/...",
".../20160128/...", "...-2016-01-28-...", month names as The Guardian writes them
(".../2014/nov/11/...", ".../2014/november/11/..."), "...-11-nov-2014", "...-nov-11-2014",
and the day-first dotted form of Russian sites (".../28.01.2016/...").
"""

from __future__ import annotations

import datetime as dt
import re

from apps.core.partial_dates import MONTH_ABBREVIATIONS, MONTH_NAMES

# Russian month names in the genitive ("14 марта") and nominative ("март 2016"), and their
# usual abbreviations.
RUSSIAN_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "мая": 5, "май": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
RUSSIAN_ABBREVIATIONS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7, "авг": 8, "сен": 9, "сент": 9,
    "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
}

_ENGLISH_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_RUSSIAN_MONTH = r"(?P<month>[А-Яа-яЁё]{3,8})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

TEXT_PATTERNS = (
    re.compile(rf"\b{_ENGLISH_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),  # November 14, 2014
    re.compile(rf"\b{_DAY}\s+{_ENGLISH_MONTH},?\s+{_YEAR}\b"),  # 14 Nov 2014
    re.compile(rf"(?<!\w){_DAY}\s+{_RUSSIAN_MONTH}\s+{_YEAR}(?!\d)"),  # 14 марта 2016
    re.compile(rf"\b{_YEAR}-(?P<month>\d{{2}})-{_DAY}\b"),  # 2016-01-28
    re.compile(rf"\b{_DAY}\.(?P<month>\d{{2}})\.{_YEAR}\b"),  # 28.01.2016
)

_URL_MONTH = r"(?P<month>[A-Za-z]{3,9})"
_URL_END = r"(?:[/_.-]|$)"

URL_PATTERNS = (
    re.compile(rf"/{_YEAR}/(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})(?:/|$|[-_])"),
    re.compile(rf"/{_YEAR}/{_URL_MONTH}/(?P<day>\d{{1,2}})(?:/|$|[-_])", re.I),  # /2014/nov/11/
    re.compile(rf"[/_-](?P<day>\d{{1,2}})-{_URL_MONTH}-{_YEAR}{_URL_END}", re.I),  # /11-nov-2014
    re.compile(rf"[/_-]{_URL_MONTH}-(?P<day>\d{{1,2}})-{_YEAR}{_URL_END}", re.I),  # /nov-11-2014
    re.compile(rf"/(?P<day>\d{{2}})\.(?P<month>\d{{2}})\.{_YEAR}{_URL_END}"),  # /28.01.2016/
    re.compile(rf"[/_-]{_YEAR}-(?P<month>\d{{2}})-(?P<day>\d{{2}})(?:[/_.-]|$)"),
    re.compile(rf"/{_YEAR}(?P<month>\d{{2}})(?P<day>\d{{2}})(?:/|$|[-_])"),
)


def month_number(word: str) -> int | None:
    """The month a name or abbreviation means, in English or Russian; None if none."""
    if word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    lowered = word.lower().rstrip(".")
    if lowered.isascii():
        return MONTH_NAMES.get(lowered) or MONTH_ABBREVIATIONS.get(lowered)
    lowered = lowered.replace("ё", "е")
    if lowered in RUSSIAN_ABBREVIATIONS:
        return RUSSIAN_ABBREVIATIONS[lowered]
    # Longest stem first so that "мая" is May and "марта" is March.
    for stem in sorted(RUSSIAN_MONTHS, key=len, reverse=True):
        if lowered.startswith(stem) and len(lowered) - len(stem) <= 2:
            return RUSSIAN_MONTHS[stem]
    return None


def _build(match: re.Match[str]) -> dt.date | None:
    month = month_number(match["month"])
    if month is None:
        return None
    try:
        return dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def dates_in_text(text: str) -> list[dt.date]:
    """Every full date written in ``text``, in the order they appear."""
    found: list[tuple[int, dt.date]] = []
    for pattern in TEXT_PATTERNS:
        for match in pattern.finditer(text):
            value = _build(match)
            if value:
                found.append((match.start(), value))
    return [value for _position, value in sorted(found, key=lambda item: item[0])]


def date_in_text(text: str) -> dt.date | None:
    """The first full date written in ``text``, or None."""
    dates = dates_in_text(text)
    return dates[0] if dates else None


def is_date_line(text: str) -> bool:
    """True when a line says nothing but a date (and perhaps a time): a dateline to drop."""
    line = " ".join(text.split())
    for pattern in TEXT_PATTERNS:
        match = pattern.search(line)
        if match and _build(match):
            rest = (line[: match.start()] + line[match.end() :]).strip(" ,|·—-")
            if not rest or re.fullmatch(r"(?:г\.?|at\s+)?\s*(?:\d{1,2}:\d{2}\s*(?:[AP]M)?\s*\w{0,4})?", rest, re.I):
                return True
    return False


def date_in_url(url: str) -> dt.date | None:
    """The publication date many sites put in their addresses (/2016/01/28/), or None."""
    for pattern in URL_PATTERNS:
        for match in pattern.finditer(url):
            value = _build(match)
            if value:
                return value
    return None
