"""hogo.law.bureau as tables: inquiry purpose (MLA 13, 41-36; FIN-GL 2(2)), threshold, Civil Code periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from hogo.law import REASONS
from hogo.law.bureau import (
    FindingKind,
    InquiryFacts,
    add_period,
    finding_reasons,
    inquiry_decision,
    inquiry_required,
    registration_keep_until,
    registration_overdue,
)
from hogo.policy.models import Period

# case id, facts, allowed, reason codes
INQUIRY_CASES = [
    ("seed002-14-1 judgment on an application", InquiryFacts("credit_judgment"), True,
     ("MLA-13", "MLA-41-36", "APPI-30-1")),
    ("seed002-14-3 management of our registered contract", InquiryFacts("credit_management"), True,
     ("MLA-13", "MLA-41-36", "APPI-30-1")),
    ("seed002-14-3 management without our contract registration",
     InquiryFacts("credit_management", contract_registered=False), False, ("BUR-MANAGEMENT-SCOPE", "FIN-GL-2-2")),
    ("seed002-14-4 marketing", InquiryFacts("marketing"), False, ("FIN-GL-2-2", "APPI-18-1")),
    ("seed002-14-4 employment screening", InquiryFacts("employment"), False, ("FIN-GL-2-2", "APPI-18-1")),
    ("seed002-14-4 debt collection", InquiryFacts("collection"), False, ("FIN-GL-2-2", "APPI-18-1")),
    ("purpose unknown to the law", InquiryFacts("curiosity"), False, ("FIN-GL-2-2", "APPI-18-1")),
    ("no purpose stated", InquiryFacts(None), False, ("FIN-GL-2-2", "APPI-18-1")),
    ("MLA-41-36 no consent", InquiryFacts("credit_judgment", consent=False), False, ("MLA-41-36",)),
    ("purpose checked before consent", InquiryFacts("marketing", consent=False), False, ("FIN-GL-2-2", "APPI-18-1")),
]


@pytest.mark.parametrize(("case", "facts", "allowed", "codes"), INQUIRY_CASES, ids=[c[0] for c in INQUIRY_CASES])
def test_bureau_inquiry_purpose(case, facts, allowed, codes):
    d = inquiry_decision(facts)
    assert d.allowed is allowed
    assert d.reasons == codes
    if not allowed and "MLA-41-36" in codes:
        assert d.requirement == "consent"


def test_bureau_reason_codes_cite_named_articles():
    assert REASONS["MLA-13"].article_ja == "貸金業法第13条"
    assert REASONS["MLA-41-36"].article_ja == "貸金業法第41条の36"
    assert REASONS["ISA-35-3-56"].article_ja == "割賦販売法第35条の3の56"
    assert REASONS["ISA-30-2"].article_ja == "割賦販売法第30条の2"
    assert REASONS["FIN-GL-2-2"].article_ja == "金融分野における個人情報保護に関するガイドライン第2条第2項"
    for kind in FindingKind:
        assert all(code in REASONS for code in finding_reasons(kind))


# amount, threshold, required — seed 002 Art. 14(2): 30万円 is the small amount, so exactly 300,000 is exempt
THRESHOLD_CASES = [
    (0, 300_000, False),
    (299_999, 300_000, False),
    (300_000, 300_000, False),
    (300_001, 300_000, True),
    (5_000_000, 300_000, True),
    (1, None, True),  # no threshold in the program (car lease): every application
    (0, 0, False),
    (1, 0, True),
]


@pytest.mark.parametrize(("amount", "threshold", "required"), THRESHOLD_CASES)
def test_bureau_threshold_is_strictly_above(amount, threshold, required):
    d = inquiry_required(amount, threshold)
    assert d.allowed is required
    assert d.reasons[0] == "BUR-THRESHOLD"
    assert ("MLA-13" in d.reasons) is required


def test_bureau_threshold_refuses_negative_amounts():
    with pytest.raises(ValueError):
        inquiry_required(-1, 300_000)


# event, (years, months, days), last day — Civil Code Art. 140 (first day not counted), 143(2) (month ends)
PERIOD_CASES = [
    ("mid-month", date(2026, 1, 15), (0, 6, 0), date(2026, 7, 15)),
    ("end of Feb: start 03-01, ends 08-31 not 08-28", date(2026, 2, 28), (0, 6, 0), date(2026, 8, 31)),
    ("31st into a 28-day February", date(2026, 8, 31), (0, 6, 0), date(2027, 2, 28)),
    ("31st into a 29-day February", date(2027, 8, 31), (0, 6, 0), date(2028, 2, 29)),
    ("30 Jan + 1 month", date(2026, 1, 30), (0, 1, 0), date(2026, 2, 28)),
    ("31 Jan + 1 month", date(2026, 1, 31), (0, 1, 0), date(2026, 2, 28)),
    ("year end", date(2026, 12, 31), (0, 6, 0), date(2027, 6, 30)),
    ("into a leap day", date(2027, 2, 28), (1, 0, 0), date(2028, 2, 29)),
    ("from a leap day", date(2028, 2, 29), (5, 0, 0), date(2033, 2, 28)),
    ("leap 28 Feb + 1 year: start on 29 Feb", date(2028, 2, 28), (1, 0, 0), date(2029, 2, 28)),
    ("5 years after contract end", date(2026, 3, 31), (5, 0, 0), date(2031, 3, 31)),
    ("days only", date(2026, 2, 20), (0, 0, 10), date(2026, 3, 2)),
    ("zero span: the event day", date(2026, 5, 6), (0, 0, 0), date(2026, 5, 6)),
]


@pytest.mark.parametrize(("case", "event", "span", "last"), PERIOD_CASES, ids=[c[0] for c in PERIOD_CASES])
def test_bureau_period_arithmetic(case, event, span, last):
    assert add_period(event, *span) == last


@dataclass
class _P:
    years: int = 0
    months: int = 0
    days: int = 0
    from_event: str = "inquiry"
    during_contract: bool = False


def test_bureau_keep_until_from_the_info_types_period():
    application = Period(months=6, from_event="inquiry")
    assert registration_keep_until(application, {"inquiry": date(2026, 2, 28)}) == date(2026, 8, 31)
    assert registration_keep_until(application, {}) is None  # the event has not happened
    contract = Period(years=5, from_event="contract_end", during_contract=True)
    assert registration_keep_until(contract, {"contract_start": date(2026, 4, 1)}) is None  # contract runs
    assert registration_keep_until(contract, {"contract_end": date(2029, 3, 31)}) == date(2034, 3, 31)
    card = Period(from_event="contract_end", during_contract=True)  # "…会員契約終了日まで"
    assert registration_keep_until(card, {"contract_end": date(2030, 1, 31)}) == date(2030, 1, 31)
    registered = Period(months=6, from_event="registration")
    assert registration_keep_until(registered, {"report": date(2026, 1, 31)}) == date(2026, 7, 31)
    assert registration_keep_until(_P(months=6, from_event="full_repayment"),
                                   {"full_repayment": date(2026, 8, 31)}) == date(2027, 2, 28)


def test_bureau_overdue_is_strictly_after_the_last_day():
    assert not registration_overdue(date(2026, 8, 31), date(2026, 8, 31))
    assert registration_overdue(date(2026, 8, 31), date(2026, 9, 1))
    assert not registration_overdue(None, date(2099, 1, 1))
