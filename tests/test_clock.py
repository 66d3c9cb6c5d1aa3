"""The legal day is the date in Japan, whatever the server's clock says (Civil Code Art. 140-143 count
Japanese calendar days). Between 15:00 and 24:00 UTC, Japan is already on the next date."""

from __future__ import annotations

import datetime as dt

import time_machine

from hogo import clock

UTC = dt.UTC


def test_the_date_in_japan_turns_at_15_00_utc():
    assert clock.day_of(dt.datetime(2026, 11, 25, 14, 59, 59, tzinfo=UTC)) == dt.date(2026, 11, 25)
    assert clock.day_of(dt.datetime(2026, 11, 25, 15, 0, tzinfo=UTC)) == dt.date(2026, 11, 26)
    assert clock.day_of(dt.datetime(2026, 11, 25, 15, 0)) == dt.date(2026, 11, 26)  # naive: stored UTC
    assert clock.day_of(dt.datetime(2027, 1, 1, 0, 0, tzinfo=clock.JST)) == dt.date(2027, 1, 1)


def test_a_day_starts_at_15_00_utc_the_evening_before():
    assert clock.day_start(dt.date(2028, 2, 29)) == dt.datetime(2028, 2, 28, 15, 0, tzinfo=UTC)
    assert clock.day_of(clock.day_start(dt.date(2028, 2, 29))) == dt.date(2028, 2, 29)


@time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False)
def test_today_is_the_japanese_date_on_a_utc_server():
    assert dt.date.today() == dt.date(2026, 12, 31)  # what the machine's own clock would wrongly give
    assert clock.today() == dt.date(2027, 1, 1)


def test_a_day_ends_where_the_next_one_starts():
    assert clock.day_end(dt.date(2028, 2, 28)) == clock.day_start(dt.date(2028, 2, 29))
    assert clock.day_of(clock.day_end(dt.date(2026, 12, 31)) - dt.timedelta(microseconds=1)) == dt.date(2026, 12, 31)
