"""The one way the date and the time of day enter mapgen: a clock that callers can set.

A build reads the clock for two things only: the date stamped on a new geocode-cache entry
(``date:``, so that an author can tell an old answer from a fresh one) and the time of day
``mapgen watch`` prints beside each rebuild.  Nothing else mapgen makes depends on when it
runs: the page, the GeoJSON and the timeline are the same bytes on any day.

Every function that needs the time takes a ``clock`` (a function returning an aware
:class:`~datetime.datetime`), as geopy's rate limiter takes ``_clock``: tests pass a fixed
one, a year ahead as well as today, instead of reading the machine's.  The default,
:func:`system_clock`, honours ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention,
seconds since 1970 in UTC), so that a build run as a separate process (``python -m mapgen
build``, in CI or in a test) can be pinned to a day too.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

__all__ = ["Clock", "fixed", "system_clock", "today", "wall_clock"]

#: A clock: the current moment, timezone-aware.
Clock = Callable[[], dt.datetime]

#: The environment variable that pins :func:`system_clock` (reproducible builds' name).
EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


def system_clock() -> dt.datetime:
    """Now, in local time; or the moment ``SOURCE_DATE_EPOCH`` names, if it is set.

    A ``SOURCE_DATE_EPOCH`` that is not a whole number of seconds is ignored, as the
    convention asks, rather than failing a build over an environment variable.
    """
    pinned = os.environ.get(EPOCH_VARIABLE, "").strip()
    if pinned.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(pinned), tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            pass
    return wall_clock()


def wall_clock() -> dt.datetime:
    """Now, in local time, whatever ``SOURCE_DATE_EPOCH`` says: for what a person reads
    as the time of day (``mapgen watch``'s rebuild lines), never for what a build writes."""
    return dt.datetime.now().astimezone()


def fixed(moment: dt.datetime | dt.date) -> Clock:
    """A clock that always reads ``moment`` (a date reads as its midnight, UTC)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    frozen = moment
    return lambda: frozen


def today(clock: Clock | None = None) -> dt.date:
    """The date ``clock`` reads (default: :func:`system_clock`)."""
    return (clock or system_clock)().date()
