"""Japanese era dates (和暦) — to and from Gregorian dates.

Contracts, notices and the seed documents write dates as 令和8年11月25日, 平成18年 7月 25日
or H29.12.1. An era ends the day before the next one starts, so 平成31年5月1日 and
昭和64年1月8日 do not exist and are refused instead of silently shifted.

Supported range starts 1873-01-01 (明治6年): before that Japan used the lunisolar calendar,
so a Gregorian date has no simple 和暦 month and day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ERAS",
    "GREGORIAN_ADOPTED",
    "Era",
    "era_of",
    "parse_date_any",
    "parse_wareki",
    "to_wareki",
    "wareki_year",
]

#: Japan adopted the Gregorian calendar on 明治6年1月1日.
GREGORIAN_ADOPTED = date(1873, 1, 1)


@dataclass(frozen=True, slots=True)
class Era:
    name: str
    letter: str
    start: date
    end: date | None  # last day, inclusive

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 10, 23), date(1912, 7, 29)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), None),
)
_BY_NAME = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}


def era_of(d: date) -> Era:
    """The era containing ``d``."""
    if d < GREGORIAN_ADOPTED:
        raise ValueError(f"{d.isoformat()} predates the Gregorian calendar in Japan (1873-01-01)")
    for e in reversed(ERAS):
        if e.contains(d):
            return e
    raise AssertionError("unreachable")


def to_wareki(d: date, style: str = "kanji") -> str:
    """``date(2026, 11, 25)`` → "令和8年11月25日" (style "kanji", 元年 for year 1) or "R8.11.25" ("short")."""
    e = era_of(d)
    y = d.year - e.start.year + 1
    if style == "kanji":
        return f"{e.name}{'元' if y == 1 else y}年{d.month}月{d.day}日"
    if style == "short":
        return f"{e.letter}{y}.{d.month}.{d.day}"
    raise ValueError(f"unknown style {style!r}; use 'kanji' or 'short'")


def _clean(text: str) -> str:
    # NFKC: full-width digits → ASCII, ㍻/㋿ → 平成/令和; then drop all whitespace.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_ERA_NAMES = "|".join(e.name for e in ERAS)
_KANJI = re.compile(rf"^({_ERA_NAMES})(元|\d{{1,2}})年(\d{{1,2}})月(\d{{1,2}})日$")
_SHORT = re.compile(r"^([MTSHRmtshr])(\d{1,2})[./\-](\d{1,2})[./\-](\d{1,2})$")
_YEAR = re.compile(rf"^({_ERA_NAMES}|[MTSHRmtshr])(元|\d{{1,2}})年?$")


def _gregorian_year(era: Era, y: int, original: str) -> int:
    if y < 1:
        raise ValueError(f"{original!r}: era year must be 1 (元年) or more")
    year = era.start.year + y - 1
    if era.end is not None and year > era.end.year:
        raise ValueError(
            f"{original!r}: {era.name} ended in {era.end.year} ({era.name}{era.end.year - era.start.year + 1}年)"
        )
    return year


def wareki_year(text: str) -> int:
    """ "令和8年" / "令和元年" / "R8" → 2026 / 2019 / 2026 (year only, e.g. for 年度 or 平成13年2月)."""
    t = _clean(text)
    m = _YEAR.match(t)
    if not m:
        raise ValueError(f"not an era year: {text!r} (expected e.g. 令和8年, 令和元年, R8)")
    era = _BY_NAME[m.group(1).upper() if len(m.group(1)) == 1 else m.group(1)]
    return _gregorian_year(era, 1 if m.group(2) == "元" else int(m.group(2)), text)


def parse_wareki(text: str) -> date:
    """ "令和8年11月25日", "令和元年5月1日", "平成18年 7月 25日", "R8.11.25", "Ｈ２９．１２．１" → date.

    Raises ValueError for dates outside their era (平成31年5月1日, 昭和64年1月8日) or impossible
    calendar dates, naming the era boundary.
    """
    t = _clean(text)
    m = _KANJI.match(t) or _SHORT.match(t)
    if not m:
        raise ValueError(f"not a Japanese era date: {text!r} (expected e.g. 令和8年11月25日 or R8.11.25)")
    key, ys, ms, ds = m.groups()
    era = _BY_NAME[key.upper() if len(key) == 1 else key]
    year = _gregorian_year(era, 1 if ys == "元" else int(ys), text)
    try:
        d = date(year, int(ms), int(ds))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date ({year}-{ms}-{ds}: {exc})") from None
    if d < GREGORIAN_ADOPTED:
        raise ValueError(
            f"{text!r} predates the Gregorian calendar in Japan (明治6年1月1日); lunisolar dates are not converted"
        )
    if not era.contains(d):
        actual = to_wareki(d)
        span = f"{era.start.isoformat()} – {era.end.isoformat() if era.end else 'present'}"
        raise ValueError(f"{text!r} does not exist: {era.name} ran {span}; {d.isoformat()} is {actual}")
    return d


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_KANJI_G = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date_any(text: str) -> date:
    """ISO 2026-05-06, 2026/5/6, 2026.5.6, 20260506, 2026年5月6日 or an era date → date."""
    t = _clean(text).replace("−", "-")
    for rx in (_ISO, _SLASH, _KANJI_G, _COMPACT):
        m = rx.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return date(y, mo, d)
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a calendar date: {exc}") from None
    try:
        return parse_wareki(t)
    except ValueError as exc:
        if _KANJI.match(t) or _SHORT.match(t):
            raise
        raise ValueError(
            f"unrecognised date {text!r}: use 2026-05-06, 2026/5/6, 2026年5月6日 or 令和8年5月6日"
        ) from exc
