"""hogo.law.retention: periods from events with exact dates (Civil Code Art. 140/143(2)), floors, statutory
minimums, holds and business days — tables of cases with the article each one turns on."""

from datetime import date, timedelta

import pytest

from hogo.law import REASONS, BusinessCalendar, reason
from hogo.law.retention import (
    Term,
    add_period,
    disposal_date,
    event_cutoff,
    retained_through,
    retention_decision,
    statutory_term,
)

CAL = BusinessCalendar()  # weekends, national holidays, 29 Dec – 3 Jan


@pytest.mark.parametrize(("start", "years", "months", "days", "expected", "why"), [
    (date(2026, 1, 31), 0, 1, 0, date(2026, 2, 28), "31 Jan + 1 month: no 31 Feb → last day of Feb (Art. 143(2))"),
    (date(2028, 1, 31), 0, 1, 0, date(2028, 2, 29), "leap year: 29 Feb"),
    (date(2026, 3, 31), 0, 1, 0, date(2026, 4, 30), "31 Mar + 1 month → 30 Apr"),
    (date(2024, 2, 29), 1, 0, 0, date(2025, 2, 28), "29 Feb + 1 year → 28 Feb"),
    (date(2024, 2, 29), 4, 0, 0, date(2028, 2, 29), "29 Feb + 4 years → 29 Feb"),
    (date(2026, 8, 31), 0, 6, 0, date(2027, 2, 28), "6 months from 31 Aug"),
    (date(2027, 8, 31), 0, 6, 0, date(2028, 2, 29), "6 months from 31 Aug, leap February"),
    (date(2026, 11, 30), 0, 3, 0, date(2027, 2, 28), "across the year end"),
    (date(2026, 12, 31), 0, 0, 1, date(2027, 1, 1), "days only"),
    (date(2026, 1, 31), 0, 1, 1, date(2026, 3, 1), "months first, then days"),
])
def test_retention_add_period_clamps_month_ends(start, years, months, days, expected, why):
    assert add_period(start, years, months, days) == expected, why


@pytest.mark.parametrize(("term", "event_date", "kept_through", "due", "case"), [
    # 契約終了日から5年 (credit seed §11(3)): first day not counted → kept through the same date 5 years on.
    (Term("contract_end", years=5), date(2026, 3, 31), date(2031, 3, 31), date(2031, 4, 1), "contract end, FY end"),
    (Term("contract_end", years=5), date(2024, 2, 29), date(2029, 2, 28), date(2029, 3, 1), "contract end 29 Feb"),
    # 照会日から6ヶ月 (CIC application information, appi-rules §12)
    (Term("inquiry", months=6), date(2026, 8, 31), date(2027, 2, 28), date(2027, 3, 1), "inquiry 31 Aug"),
    (Term("inquiry", months=6), date(2027, 8, 31), date(2028, 2, 29), date(2028, 3, 1), "inquiry 31 Aug, leap"),
    # 所得税法施行規則76条の3: the 2026 form is kept through 2034-01-10 (appi-rules §11.3 example)
    (Term("filing_deadline_next_jan10", years=7), date(2026, 1, 15), date(2034, 1, 10), date(2034, 1, 11),
     "TAX-76-3"),
    (Term("filing_deadline_next_jan10", years=7), date(2026, 12, 31), date(2034, 1, 10), date(2034, 1, 11),
     "TAX-76-3, late in the year"),
    (Term("consent_withdrawn", days=30), date(2026, 1, 31), date(2026, 3, 2), date(2026, 3, 3), "30 days"),
])
def test_retention_disposal_dates_from_events(term, event_date, kept_through, due, case):
    assert retained_through(term, event_date) == kept_through, case
    assert disposal_date(term, event_date) == due, case


@pytest.mark.parametrize(("term", "event_date", "due", "why"), [
    # due 2026-12-31 falls in the company closure (29 Dec – 3 Jan) → Monday 4 Jan 2027
    (Term("retirement", months=3), date(2026, 9, 30), date(2027, 1, 4), "year-end closure"),
    # due Sunday 3 May 2026 → 4, 5 May holidays, 6 May 振替休日 → Thursday 7 May
    (Term("retirement", days=1), date(2026, 5, 2), date(2026, 5, 7), "Golden Week and substitute holiday"),
    # due Saturday 23 Feb 2030 (天皇誕生日 too) → Monday 25 Feb
    (Term("retirement", years=1), date(2029, 2, 22), date(2030, 2, 25), "weekend"),
    (Term("retirement", years=5), date(2026, 3, 31), date(2031, 4, 1), "already a business day"),
])
def test_retention_business_day_rolls_forward(term, event_date, due, why):
    assert disposal_date(term, event_date, CAL) == due, why


@pytest.mark.parametrize("term", [
    Term("contract_end", years=5), Term("inquiry", months=6), Term("consent_withdrawn", days=30),
    Term("filing_deadline_next_jan10", years=7), Term("retirement", months=1, days=3),
])
@pytest.mark.parametrize("calendar", [None, CAL])
def test_retention_cutoff_is_exactly_the_due_test(term, calendar):
    """"Due by D" ⇔ "event ≤ cutoff(D)": checked day by day across month ends, 29 Feb and year ends."""
    for as_of in (date(2032, 2, 29), date(2033, 3, 1), date(2034, 1, 10), date(2034, 1, 11), date(2031, 12, 31)):
        cutoff = event_cutoff(term, as_of, calendar)
        assert cutoff is not None
        assert disposal_date(term, cutoff, calendar) <= as_of
        day = cutoff + timedelta(days=1)
        while day <= cutoff + timedelta(days=400):
            assert disposal_date(term, day, calendar) > as_of, (term, as_of, day)
            day += timedelta(days=1)


def test_retention_floor_extends_never_shortens():
    """Credit seed §11(3): "5年以内 … ただし個人信用情報機関における保有期間を下回らない" — max(rule, floor)."""
    rule = Term("contract_end", years=3, label="credit_records")
    floor = Term("contract_end", years=5, during_contract=True, code="RET-FLOOR-BUREAU", label="cic")
    end = date(2026, 3, 31)
    kept = retention_decision([rule, floor], {"contract_end": end}, on=date(2030, 4, 1))
    assert not kept.decision.allowed
    assert kept.dispose_on == date(2031, 4, 1)
    assert kept.governing is floor and kept.decision.reasons[0] == "RET-FLOOR-BUREAU"
    due = retention_decision([rule, floor], {"contract_end": end}, on=date(2031, 4, 1))
    assert due.decision.allowed and due.decision.reasons == ("RET-DUE", "APPI-22")
    longer = Term("contract_end", years=7, label="long_rule")
    assert retention_decision([longer, floor], {"contract_end": end}, on=date(2031, 4, 1)).governing is longer


def test_retention_statutory_minimum_may_not_be_undercut():
    """A rule citing 所得税法施行規則76条の3 with too short a period still keeps the statutory 7 years (MNA-20)."""
    statute = statutory_term("所得税法施行規則第76条の3")
    assert statute is not None and statute.code == "TAX-76-3" and statute.years == 7
    assert statutory_term("社内規程") is None and statutory_term(None) is None
    short = Term("filing_deadline_next_jan10", years=5, code="RET-STATUTORY")
    events = {"filing_deadline_next_jan10": date(2026, 1, 15)}
    before = retention_decision([short, statute], events, on=date(2034, 1, 10), my_number=True)
    assert not before.decision.allowed and before.governing is statute
    assert before.decision.reasons[0] == "TAX-76-3"
    after = retention_decision([short, statute], events, on=date(2034, 1, 11), my_number=True)
    assert after.decision.allowed
    assert after.decision.reasons == ("RET-DUE", "APPI-22", "MNA-20")  # delete without delay once passed


def test_retention_pending_event_and_during_contract():
    term = Term("contract_end", years=5)
    pending = retention_decision([term], {}, on=date(2040, 1, 1))
    assert not pending.decision.allowed and pending.dispose_on is None
    assert pending.decision.reasons[0] == "RET-EVENT-PENDING"
    during = Term("full_repayment", years=5, during_contract=True)
    open_contract = retention_decision([during], {"full_repayment": date(2020, 1, 1)}, on=date(2030, 1, 1),
                                       contract_open=True)
    assert not open_contract.decision.allowed and open_contract.decision.reasons[0] == "RET-EVENT-PENDING"
    closed = retention_decision([during], {"full_repayment": date(2020, 1, 1)}, on=date(2030, 1, 1))
    assert closed.decision.allowed


def test_retention_hold_blocks_a_due_disposal():
    term = Term("contract_end", years=5)
    held = retention_decision([term], {"contract_end": date(2020, 3, 31)}, on=date(2030, 1, 1), held=True)
    assert not held.decision.allowed and held.decision.reasons == ("RET-HOLD",)
    assert held.dispose_on == date(2025, 4, 1)


def test_retention_reason_codes_cite_articles():
    for code, article in [("RET-DUE", "APPI Art. 22"), ("TAX-76-3", "Art. 76-3"), ("RET-EVENT-PENDING", "Art. 140"),
                          ("RET-FLOOR-BUREAU", "registration period"), ("RET-ACCURACY", "APPI Art. 22")]:
        assert code in REASONS and article in reason(code).article and reason(code).ja
    assert reason("TAX-76-3").citation("ja") == "所得税法施行規則第76条の3"


def test_retention_bad_terms_are_refused():
    with pytest.raises(ValueError, match="negative"):
        Term("contract_end", years=-1)
    with pytest.raises(ValueError, match="at least one term"):
        retention_decision([], {}, on=date(2026, 1, 1))
