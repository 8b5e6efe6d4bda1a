"""Dates as a story gives them: a day, a month, a year, or a range of them.

``2023-09-10`` (a day), ``2023-07`` (a month), ``2022`` (a year), and
``2023-09-10/2023-09-13`` (a range, ISO 8601's solidus) each cover a span of days, from
:attr:`~mapgen.story.model.When.start` to :attr:`~mapgen.story.model.When.end`; the timeline orders
events by them and the time control compares them with the day it shows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .model import Event, Story, When

__all__ = ["FORMS", "events_in_order", "label", "parse_when"]

#: How to write a date, for messages.
FORMS = "a day (2023-09-10), a month (2023-07), a year (2022) or a range (2023-09-10/2023-09-13)"

_PART = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\Z")
MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _part(text: str) -> tuple[dt.date, dt.date] | str:
    """The first and last day of a day, month or year; or what is wrong with it."""
    match = _PART.match(text.strip())
    if not match:
        return f"'{text.strip()}' is not a date: write {FORMS}"
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if not 1 <= year <= 9999:
        return f"year {year} is out of range"
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        return f"'{text.strip()}': there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    if not 1 <= day <= last:
        return f"'{text.strip()}' is not a real date: {MONTHS[month]} {year} has {last} days"
    return dt.date(year, month, day), dt.date(year, month, day)


def parse_when(text: str, *, ranges: bool = True) -> When | str:
    """A :class:`When` for ``text``, or a message saying what is wrong with it.

    >>> parse_when("2023-09-10/2023-09-13").end
    datetime.date(2023, 9, 13)
    """
    text = text.strip()
    if "/" in text:
        if not ranges:
            return f"'{text}': give one date here, not a range"
        first, _, last = text.partition("/")
        if "/" in last:
            return f"'{text}': a range has one '/', between its first and last date"
        a, b = _part(first), _part(last)
        if isinstance(a, str):
            return a
        if isinstance(b, str):
            return b
        if b[1] < a[0]:
            return f"'{text}' ends before it starts"
        return When(text, a[0], b[1])
    span = _part(text)
    if isinstance(span, str):
        return span
    return When(text, span[0], span[1])


def _day(day: dt.date, *, month: bool = True, year: bool = True) -> str:
    out = str(day.day)
    if month:
        out += f" {MONTHS[day.month]}"
    if year:
        out += f" {day.year}"
    return out


def _span_label(start: dt.date, end: dt.date) -> str:
    """``2022``, ``July 2023``, ``9 September 2023``."""
    if start == end:
        return _day(start)
    if start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31):
        return str(start.year)
    last = calendar.monthrange(start.year, start.month)[1]
    if start.day == 1 and end == dt.date(start.year, start.month, last):
        return f"{MONTHS[start.month]} {start.year}"
    return ""


def label(when: When) -> str:
    """How a reader sees a date: ``10\u201313 September 2023``, ``July 2023``, ``2022``."""
    whole = _span_label(when.start, when.end)
    if whole:
        return whole
    first, _, last = when.text.partition("/")
    a, b = _part(first), _part(last)
    assert not isinstance(a, str) and not isinstance(b, str)
    left, right = _span_label(*a), _span_label(*b)
    if a[0] == a[1] and b[0] == b[1]:  # two days
        if a[0].year == b[0].year and a[0].month == b[0].month:
            return f"{a[0].day}\u2013{_day(b[0])}"
        if a[0].year == b[0].year:
            return f"{_day(a[0], year=False)} \u2013 {_day(b[0])}"
    return f"{left} \u2013 {right}"


def events_in_order(story: Story) -> list[Event]:
    """By first day, then last day, then as the story lists them."""
    numbered = list(enumerate(story.events))
    numbered.sort(key=lambda pair: (pair[1].date.start, pair[1].date.end, pair[0]))
    return [event for _, event in numbered]
