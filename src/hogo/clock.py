"""The legal day: every date hogo decides on is a date in Japan.

Periods, deadlines and keep-until dates run on Japanese calendar days (Civil Code Art. 140-143), while
the servers that run hogo usually keep UTC. Between 00:00 and 09:00 in Japan the two disagree on the
date, so "today" must never come from the machine's local clock; every room asks this module.
Timestamps stay UTC instants; only the conversion to a day happens here.
"""

from __future__ import annotations

import datetime as dt

#: Japan Standard Time. Japan has no daylight saving time, so a fixed offset is exact.
JST = dt.timezone(dt.timedelta(hours=9), "JST")


def today() -> dt.date:
    """The current date in Japan."""
    return dt.datetime.now(JST).date()


def day_of(instant: dt.datetime) -> dt.date:
    """The date in Japan of an instant (a naive one is read as UTC, as the databases store it)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(JST).date()


def day_start(day: dt.date) -> dt.datetime:
    """The UTC instant at which ``day`` begins in Japan (record timestamps are UTC, dates are Japanese)."""
    return dt.datetime.combine(day, dt.time(), JST).astimezone(dt.UTC)


def day_end(day: dt.date) -> dt.datetime:
    """The UTC instant at which ``day`` ends in Japan: an instant before it falls on ``day`` or earlier."""
    return day_start(day + dt.timedelta(days=1))
