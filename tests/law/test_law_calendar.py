"""Section L of appi-cases.md and hand-computed business-day arithmetic.

Hand computations (W = weekend, H = national holiday, C = 29 Dec-3 Jan closure):

Golden Week 2026, 10 business days after Tue 2026-04-28:
  4/29 H(昭和の日) · 4/30 ①· 5/1 ②· 5/2 W 5/3 W+H 5/4 H 5/5 H 5/6 H(振替) · 5/7 ③ 5/8 ④ ·
  5/11 ⑤ 5/12 ⑥ 5/13 ⑦ 5/14 ⑧ 5/15 ⑨ · 5/18 ⑩  → 2026-05-18 (L05)
Golden Week 2027, after Wed 2027-04-28:
  4/29 H · 4/30 ① · 5/1-5/5 W/H · 5/6 ② 5/7 ③ · 5/10 ④ … 5/14 ⑧ · 5/17 ⑨ 5/18 ⑩  → 2027-05-18
New Year, after Fri 2026-12-25, weekends + holidays only (L06 as inferred):
  12/28 ① 12/29 ② 12/30 ③ 12/31 ④ 1/1 H 1/2-3 W · 1/4 ⑤ … 1/8 ⑨ · 1/11 H(成人の日) · 1/12 ⑩
  → 2027-01-12
Same with the 29 Dec-3 Jan closure (L07):
  12/28 ① 12/29-1/3 C · 1/4 ② … 1/8 ⑥ · 1/11 H · 1/12 ⑦ 1/13 ⑧ 1/14 ⑨ 1/15 ⑩ → 2027-01-15
After Mon 2026-12-28: without closure → 2027-01-13; with closure → 1/4 ① … 1/8 ⑤, 1/12 ⑥ … 1/15 ⑨,
  1/18 ⑩ → 2027-01-18.
"""

from datetime import date

import pytest

from hogo.law import (
    ADMINISTRATIVE,
    BANK,
    WEEKENDS_AND_HOLIDAYS,
    BusinessCalendar,
    LawParameters,
    library_holidays,
    load_official_csv,
    parse_official_csv,
    reconcile_with_official_csv,
    request_due_date,
)

# --- L01, L02, L04 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "name"),
    [
        pytest.param(date(2026, 9, 22), "国民の休日", id="L01-citizens-holiday"),
        pytest.param(date(2026, 5, 6), "振替休日", id="L02-substitute-for-5-3"),
        pytest.param(date(2025, 11, 24), "振替休日", id="substitute-2025-11-24"),
        pytest.param(date(2027, 3, 22), "振替休日", id="substitute-equinox-2027"),
        pytest.param(date(2026, 1, 1), "元日", id="new-year"),
    ],
)
def test_national_holidays(d, name):
    assert ADMINISTRATIVE.is_national_holiday(d)
    assert ADMINISTRATIVE.holiday_name(d) == name
    assert not ADMINISTRATIVE.is_business_day(d)


def test_l04_year_end_is_closure_not_holiday():
    d = date(2026, 12, 30)
    assert not ADMINISTRATIVE.is_national_holiday(d)
    assert ADMINISTRATIVE.holiday_name(d) is None
    assert not ADMINISTRATIVE.is_business_day(d)
    assert ADMINISTRATIVE.closed_reason(d) == "closure"
    assert WEEKENDS_AND_HOLIDAYS.is_business_day(d)


# --- L05-L07 and other arithmetic ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "n", "expected"),
    [
        pytest.param(WEEKENDS_AND_HOLIDAYS, date(2026, 4, 28), 10, date(2026, 5, 18), id="L05"),
        pytest.param(ADMINISTRATIVE, date(2026, 4, 28), 10, date(2026, 5, 18), id="L05-administrative"),
        pytest.param(WEEKENDS_AND_HOLIDAYS, date(2027, 4, 28), 10, date(2027, 5, 18), id="golden-week-2027"),
        pytest.param(WEEKENDS_AND_HOLIDAYS, date(2026, 12, 25), 10, date(2027, 1, 12), id="L06-inferred"),
        pytest.param(ADMINISTRATIVE, date(2026, 12, 25), 10, date(2027, 1, 15), id="L07"),
        pytest.param(
            WEEKENDS_AND_HOLIDAYS, date(2026, 12, 28), 10, date(2027, 1, 13), id="new-year-no-closure"
        ),
        pytest.param(ADMINISTRATIVE, date(2026, 12, 28), 10, date(2027, 1, 18), id="new-year-closure"),
        pytest.param(ADMINISTRATIVE, date(2026, 5, 1), 1, date(2026, 5, 7), id="over-golden-week"),
        pytest.param(ADMINISTRATIVE, date(2026, 5, 3), 0, date(2026, 5, 7), id="n0-on-holiday-rolls"),
        pytest.param(ADMINISTRATIVE, date(2026, 5, 7), 0, date(2026, 5, 7), id="n0-on-business-day"),
        pytest.param(ADMINISTRATIVE, date(2026, 5, 18), -10, date(2026, 4, 28), id="backwards-symmetric"),
        pytest.param(BANK, date(2026, 12, 29), 1, date(2026, 12, 30), id="bank-open-12-30"),
        pytest.param(BANK, date(2026, 12, 30), 1, date(2027, 1, 4), id="bank-closed-12-31"),
    ],
)
def test_add_business_days(cal, start, n, expected):
    assert cal.add_business_days(start, n) == expected
    if n > 0:
        assert cal.business_days_between(start, expected) == n


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        pytest.param(date(2026, 5, 30), date(2026, 6, 1), id="H14-saturday"),
        pytest.param(date(2026, 12, 30), date(2027, 1, 4), id="H16-year-end"),
        pytest.param(date(2026, 6, 1), date(2026, 6, 1), id="open-day"),
    ],
)
def test_roll_forward(d, expected):
    assert ADMINISTRATIVE.roll_forward(d) == expected


def test_next_and_previous_business_day():
    assert ADMINISTRATIVE.next_business_day(date(2026, 5, 7)) == date(2026, 5, 8)
    assert ADMINISTRATIVE.next_business_day(date(2026, 12, 28)) == date(2027, 1, 4)
    assert ADMINISTRATIVE.previous_business_day(date(2027, 1, 4)) == date(2026, 12, 28)


def test_business_days_between():
    assert ADMINISTRATIVE.business_days_between(date(2026, 4, 28), date(2026, 5, 18)) == 10
    assert ADMINISTRATIVE.business_days_between(date(2026, 5, 18), date(2026, 4, 28)) == -10
    assert ADMINISTRATIVE.business_days_between(date(2026, 5, 2), date(2026, 5, 6)) == 0
    assert ADMINISTRATIVE.business_days_between(date(2026, 5, 7), date(2026, 5, 7)) == 0


def test_company_closures_non_wrapping_and_extra_days():
    cal = BusinessCalendar(
        company_closures=(("08-13", "08-16"), ("12-29", "01-03")), extra_closed=["2026-06-15"]
    )
    assert not cal.is_business_day(date(2026, 8, 13))
    assert not cal.is_business_day(date(2026, 8, 14))
    assert cal.is_business_day(date(2026, 8, 17))
    assert not cal.is_business_day(date(2026, 6, 15))
    assert not cal.is_business_day(date(2027, 1, 2))
    assert cal.is_business_day(date(2027, 1, 4))


def test_custom_weekend():
    cal = BusinessCalendar(weekend=(6,))  # open on Saturdays
    assert cal.is_business_day(date(2026, 5, 30))
    assert not cal.is_business_day(date(2026, 5, 31))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"company_closures": (("13-01", "01-03"),)},
        {"company_closures": (("1229", "0103"),)},
        {"weekend": (7,)},
    ],
)
def test_bad_configuration(kwargs):
    with pytest.raises(ValueError):
        BusinessCalendar(**kwargs)


def test_request_sla_uses_parameter():
    # U: the 10-business-day SLA is a company promise, not law.
    assert request_due_date(date(2026, 4, 28)) == date(2026, 5, 18)
    assert request_due_date(date(2026, 4, 28), params=LawParameters(request_sla_business_days=5)) == date(
        2026, 5, 11
    )


def test_library_range_is_explicit():
    assert len(library_holidays(2026)) == 18
    with pytest.raises(ValueError, match="supply the official CSV"):
        library_holidays(2150)


# --- L08 official CSV ----------------------------------------------------------------------

HEADER = "国民の祝日・休日月日,国民の祝日・休日名称\r\n"


def _official_from_library(year: int) -> dict[date, str]:
    # The Cabinet Office CSV calls substitute and citizens' holidays just "休日".
    return {d: ("休日" if n in ("振替休日", "国民の休日") else n) for d, n in library_holidays(year).items()}


def _csv(rows: dict[date, str]) -> str:
    return HEADER + "".join(f"{d.year}/{d.month}/{d.day},{n}\r\n" for d, n in sorted(rows.items()))


def test_csv_agreeing_with_library_raises_no_alert():
    rows = _official_from_library(2026) | _official_from_library(2027)
    assert reconcile_with_official_csv(_csv(rows)) == []
    cal = BusinessCalendar(official_csv_text=_csv(rows))
    assert cal.alerts == ()
    assert cal.holiday_name(date(2026, 5, 6)) == "振替休日"  # library's specific name kept


def test_l08_csv_wins_and_alerts():
    rows = _official_from_library(2026)
    del rows[date(2026, 9, 22)]  # official list lacks a library holiday
    rows[date(2026, 12, 28)] = "休日"  # hypothetical one-off holiday the library does not know
    cal = BusinessCalendar(official_csv_text=_csv(rows))
    kinds = {(m.date, m.kind) for m in cal.alerts}
    assert kinds == {
        (date(2026, 9, 22), "missing_in_official"),
        (date(2026, 12, 28), "missing_in_library"),
    }
    assert all(m.message() for m in cal.alerts)
    assert cal.is_business_day(date(2026, 9, 22))  # CSV wins
    assert cal.holiday_name(date(2026, 12, 28)) == "休日"
    assert cal.is_national_holiday(date(2027, 9, 23))  # years outside the CSV use the library


def test_parse_official_csv_formats():
    text = "\ufeff" + HEADER + "2026/1/1,元日\r\n\r\n2026/01/12,成人の日\r\n"
    assert parse_official_csv(text) == {date(2026, 1, 1): "元日", date(2026, 1, 12): "成人の日"}
    with pytest.raises(ValueError, match="line 2"):
        parse_official_csv(HEADER + "2026/13/1,bad\r\n")
    with pytest.raises(ValueError, match="no dates"):
        parse_official_csv(HEADER)


def test_load_official_csv_shift_jis(tmp_path):
    path = tmp_path / "syukujitsu.csv"
    path.write_bytes((HEADER + "2026/1/1,元日\r\n").encode("cp932"))
    text = load_official_csv(path)
    assert parse_official_csv(text) == {date(2026, 1, 1): "元日"}
    cal = BusinessCalendar.from_official_csv(path)
    assert cal.is_national_holiday(date(2026, 1, 1))
    assert not cal.is_national_holiday(date(2026, 1, 12))  # the (truncated) CSV wins for 2026
    assert any(m.kind == "missing_in_official" for m in cal.alerts)
