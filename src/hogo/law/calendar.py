"""Japanese business days.

Deadlines in hogo count business days: request SLAs ("10 business days"), and statutory
deadlines for filings with national agencies, which move to the next open day when they fall
on a Saturday, Sunday, national holiday or 29 Dec – 3 Jan (行政機関の休日に関する法律 Art. 1-2).

National holidays (祝日法) come from python-holidays, computed by rule. The Cabinet Office
CSV (syukujitsu.csv) is the official list: when given, it wins for the years it covers and
every disagreement is kept in :attr:`BusinessCalendar.alerts` (case L08) — equinox days
and one-off holidays are where a library can be wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import holidays as _holidays

from .era import parse_date_any

__all__ = [
    "ADMINISTRATIVE",
    "BANK",
    "WEEKENDS_AND_HOLIDAYS",
    "BusinessCalendar",
    "Mismatch",
    "library_holidays",
    "load_official_csv",
    "parse_official_csv",
    "reconcile_with_official_csv",
]

_ONE = timedelta(days=1)


def library_holidays(year: int) -> dict[date, str]:
    """National holidays of ``year`` from python-holidays, with Japanese names when supported.

    Raises ValueError outside the library's range (1949-2099) rather than pretending a year
    has no holidays; pass the official CSV for such years.
    """
    lo, hi = getattr(_holidays.Japan, "start_year", 1949), getattr(_holidays.Japan, "end_year", 2099)
    if not lo <= year <= hi:
        raise ValueError(
            f"no national-holiday data for {year} (library covers {lo}-{hi}); supply the official CSV"
        )
    jp = _holidays.Japan(years=year, language="ja")  # localised names: holidays >= 0.60 (pyproject)
    return {d: str(n) for d, n in jp.items() if d.year == year}


def parse_official_csv(csv_text: str) -> dict[date, str]:
    """Parse the Cabinet Office syukujitsu.csv (header ``国民の祝日・休日月日,国民の祝日・休日名称``,
    dates ``YYYY/M/D``). Decode the Shift_JIS bytes first (see :func:`load_official_csv`)."""
    out: dict[date, str] = {}
    for lineno, row in enumerate(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))), start=1):
        if not row or not "".join(row).strip():
            continue
        first = row[0].strip()
        if lineno == 1 and not first[:1].isdigit():
            continue  # header
        try:
            d = parse_date_any(first)
        except ValueError:
            raise ValueError(f"holiday CSV line {lineno}: bad date {first!r}") from None
        out[d] = row[1].strip() if len(row) > 1 else ""
    if not out:
        raise ValueError("holiday CSV contains no dates")
    return out


def load_official_csv(path: str | Path) -> str:
    """Read a downloaded syukujitsu.csv (Shift_JIS/CP932, or UTF-8) — the only IO in hogo.law."""
    raw = Path(path).read_bytes()
    for enc in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor Shift_JIS text")


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A date on which the library and the official CSV disagree.

    ``kind``: "missing_in_library" (CSV has a holiday the library lacks) or
    "missing_in_official" (library holiday not in the CSV). Names are not compared:
    the CSV calls substitute and citizens' holidays just "休日".
    """

    date: date
    kind: str
    library_name: str | None
    official_name: str | None

    def message(self) -> str:
        if self.kind == "missing_in_library":
            return (
                f"{self.date.isoformat()}: official holiday {self.official_name!r} missing from the library"
            )
        return f"{self.date.isoformat()}: library holiday {self.library_name!r} not in the official CSV"


def _library_or_empty(year: int) -> dict[date, str]:
    try:
        return library_holidays(year)
    except ValueError:
        return {}


def _reconcile(official: dict[date, str]) -> list[Mismatch]:
    out = []
    for year in sorted({d.year for d in official}):
        lib = _library_or_empty(year)
        off = {d: n for d, n in official.items() if d.year == year}
        for d in sorted(set(lib) | set(off)):
            if d not in lib:
                out.append(Mismatch(d, "missing_in_library", None, off[d]))
            elif d not in off:
                out.append(Mismatch(d, "missing_in_official", lib[d], None))
    return out


def reconcile_with_official_csv(csv_text: str) -> list[Mismatch]:
    """Compare python-holidays with the official CSV for every year the CSV covers."""
    return _reconcile(parse_official_csv(csv_text))


def _month_day(s: str) -> tuple[int, int]:
    try:
        m, d = (int(x) for x in s.split("-"))
        date(2000, m, d)  # leap year: accepts 02-29
    except ValueError:
        raise ValueError(f"closure bound {s!r} must be 'MM-DD'") from None
    return m, d


class BusinessCalendar:
    """Which days are open for business.

    ``company_closures``: ("MM-DD", "MM-DD") inclusive ranges, which may wrap the year end
    (default 29 Dec – 3 Jan, the administrative closure). ``extra_closed``: one-off dates.
    ``weekend``: closed weekdays (Mon=0 … Sun=6). ``official_csv_text``: the Cabinet Office
    CSV; it replaces the library for the years it covers.
    """

    def __init__(
        self,
        company_closures: Iterable[tuple[str, str]] = (("12-29", "01-03"),),
        extra_closed: Iterable[date | str] = (),
        weekend: Iterable[int] = (5, 6),
        official_csv_text: str | None = None,
    ) -> None:
        self.company_closures = tuple((a, b) for a, b in company_closures)
        self._closures = tuple((_month_day(a), _month_day(b)) for a, b in self.company_closures)
        self.extra_closed = frozenset(d if isinstance(d, date) else parse_date_any(d) for d in extra_closed)
        self.weekend = frozenset(weekend)
        if not self.weekend <= set(range(7)):
            raise ValueError(f"weekend days must be 0 (Mon) … 6 (Sun), got {sorted(self.weekend)}")
        self._official = parse_official_csv(official_csv_text) if official_csv_text else {}
        self._official_years = frozenset(d.year for d in self._official)
        self.alerts: tuple[Mismatch, ...] = tuple(_reconcile(self._official)) if self._official else ()
        self._cache: dict[int, dict[date, str]] = {}

    @classmethod
    def from_official_csv(cls, path: str | Path, **kwargs) -> BusinessCalendar:
        """A calendar using a downloaded syukujitsu.csv."""
        return cls(official_csv_text=load_official_csv(path), **kwargs)

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar(company_closures={self.company_closures!r}, weekend={tuple(sorted(self.weekend))!r}, "
            f"extra_closed={len(self.extra_closed)} dates, official_years={len(self._official_years)})"
        )

    # --- holidays ---------------------------------------------------------------------------
    def holidays_in_year(self, year: int) -> dict[date, str]:
        """National holidays of ``year``: the CSV's if it covers the year, else the library's."""
        if year not in self._cache:
            if year in self._official_years:
                lib = _library_or_empty(year)
                # CSV decides the dates; keep the library's more specific name where both agree.
                self._cache[year] = {
                    d: (lib.get(d) or n) for d, n in self._official.items() if d.year == year
                }
            else:
                self._cache[year] = library_holidays(year)
        return self._cache[year]

    def is_national_holiday(self, d: date) -> bool:
        return d in self.holidays_in_year(d.year)

    def holiday_name(self, d: date) -> str | None:
        """Japanese name (e.g. "振替休日", "国民の休日"), None if not a national holiday."""
        return self.holidays_in_year(d.year).get(d)

    # --- closures ---------------------------------------------------------------------------
    def is_company_closure(self, d: date) -> bool:
        md = (d.month, d.day)
        for start, end in self._closures:
            inside = start <= md <= end if start <= end else (md >= start or md <= end)
            if inside:
                return True
        return d in self.extra_closed

    def closed_reason(self, d: date) -> str | None:
        """Why ``d`` is closed ("weekend", the holiday name, "closure"), None if open."""
        if d.weekday() in self.weekend:
            return "weekend"
        name = self.holiday_name(d)
        if name is not None:
            return name
        if self.is_company_closure(d):
            return "closure"
        return None

    def is_business_day(self, d: date) -> bool:
        return self.closed_reason(d) is None

    # --- arithmetic -------------------------------------------------------------------------
    def next_business_day(self, d: date) -> date:
        """The first business day strictly after ``d``."""
        d += _ONE
        while not self.is_business_day(d):
            d += _ONE
        return d

    def previous_business_day(self, d: date) -> date:
        """The last business day strictly before ``d``."""
        d -= _ONE
        while not self.is_business_day(d):
            d -= _ONE
        return d

    def roll_forward(self, d: date) -> date:
        """``d`` if open, else the next business day (deadline extension, 行政機関休日法 Art. 2)."""
        return d if self.is_business_day(d) else self.next_business_day(d)

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day after ``d`` (``d`` itself not counted); n=0 → :meth:`roll_forward`.

        Negative ``n`` counts backwards.
        """
        if n == 0:
            return self.roll_forward(d)
        step = self.next_business_day if n > 0 else self.previous_business_day
        for _ in range(abs(n)):
            d = step(d)
        return d

    def business_days_between(self, a: date, b: date) -> int:
        """Business days in (a, b] — so ``business_days_between(d, add_business_days(d, n)) == n``.

        Negative when ``b`` precedes ``a``.
        """
        if b < a:
            return -self.business_days_between(b, a)
        count, d = 0, a + _ONE
        while d <= b:
            count += self.is_business_day(d)
            d += _ONE
        return count


#: National agencies: weekends, national holidays, 29 Dec – 3 Jan (行政機関の休日に関する法律 Art. 1).
ADMINISTRATIVE = BusinessCalendar()
#: Weekends and national holidays only (no year-end closure).
WEEKENDS_AND_HOLIDAYS = BusinessCalendar(company_closures=())
#: Banks: weekends, national holidays, 31 Dec – 3 Jan (Banking Act Art. 15 and Order; R).
BANK = BusinessCalendar(company_closures=(("12-31", "01-03"),))
