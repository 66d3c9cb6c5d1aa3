"""The refund of a paid request fee as a pure rule (APPI Art. 38 with the programs of the seeds): table-driven."""

from __future__ import annotations

import pytest

from hogo.law.reasons import reason
from hogo.law.requests import (
    ConditionKind,
    FeeCondition,
    FeeRule,
    RefundGround,
    decide_refund,
)

# The credit seed (002): 500 yen within 10 business days of handling, 1,000 yen beyond.
CREDIT = [FeeRule(500, FeeCondition(ConditionKind.handling_within, 10), tax="none"),
          FeeRule(1000, FeeCondition(ConditionKind.handling_over, 10), tax="none")]
# The BPO seed (004): a postal fee staff state; none for a leak the group caused (refunded if found later).
BPO = [FeeRule(None, FeeCondition(ConditionKind.postal)), FeeRule(0, FeeCondition(ConditionKind.company_leak))]
FLAT = [FeeRule(1000, actual_cost_yen=900)]  # one fee whatever happens, no leak waiver

CASES = [
    # id, ground, rules, state, outcome, paid, refunded, days, postal → allowed, amount, reasons/code, field
    ("leak-full-refund", "leak", BPO, "in_review", None, 430, None, None, True,
     True, 430, ("APPI-38-1", "REQ-FEE-WAIVED", "REQ-REFUND-LEAK"), None),
    ("leak-after-refusal-still-refunded", "leak", BPO, "closed", "refused", 430, None, 3, True,
     True, 430, ("APPI-38-1", "REQ-FEE-WAIVED", "REQ-REFUND-LEAK"), None),
    ("leak-without-program-waiver", "leak", FLAT, "decided", "full", 1000, None, 3, False,
     False, 0, ("REQ-REFUND-NO-GROUND",), "ground"),
    ("leak-without-waiver-after-refusal-no-refund", "leak", FLAT, "decided", "refused", 1000, None, 3, False,
     False, 0, ("REQ-NO-REFUND",), "ground"),
    ("overcharge-credit-tier", "overcharge", CREDIT, "decided", "full", 1000, None, 7, False,
     True, 500, ("APPI-38-2", "REQ-REFUND-OVERCHARGE"), None),
    ("overcharge-at-the-boundary", "overcharge", CREDIT, "closed", "partial", 1000, None, 10, False,
     True, 500, ("APPI-38-2", "REQ-REFUND-OVERCHARGE"), None),
    ("no-overcharge-slow-handling", "overcharge", CREDIT, "decided", "full", 1000, None, 11, False,
     False, 0, ("REQ-REFUND-NO-GROUND",), "ground"),
    ("no-overcharge-paid-the-tier", "overcharge", CREDIT, "decided", "full", 500, None, 2, False,
     False, 0, ("REQ-REFUND-NO-GROUND",), "ground"),
    ("refusal-is-no-ground", "overcharge", FLAT, "decided", "refused", 1000, None, 2, False,
     False, 0, ("REQ-NO-REFUND",), "ground"),
    ("partial-disclosure-is-no-ground", "overcharge", FLAT, "closed", "partial", 1000, None, 2, False,
     False, 0, ("REQ-NO-REFUND",), "ground"),
    ("non-disclosure-named-as-ground", "non_disclosure", FLAT, "decided", "refused", 1000, None, 2, False,
     False, 0, ("REQ-NO-REFUND",), "ground"),
    ("unknown-ground", "goodwill", FLAT, "decided", "full", 1000, None, 2, False,
     False, 0, ("REQ-REFUND-NO-GROUND",), "ground"),
    ("overcharge-before-decision", "overcharge", CREDIT, "in_review", None, 1000, None, None, False,
     False, 0, ("REQ-TRANSITION",), "state"),
    ("overcharge-staff-set-postal-fee", "overcharge", BPO, "decided", "full", 430, None, 2, True,
     False, 0, ("REQ-REFUND-NO-GROUND",), "fee_yen"),
    ("nothing-paid", "leak", BPO, "in_review", None, None, None, None, True,
     False, 0, ("APPI-38-1",), "paid_at"),
    ("free-request", "overcharge", CREDIT, "decided", "full", 0, None, 2, False,
     False, 0, ("APPI-38-1",), "paid_at"),
    ("refunded-twice", "leak", BPO, "closed", "full", 430, 430, 3, True,
     False, 0, ("REQ-REFUNDED",), "refund"),
]


@pytest.mark.parametrize(("ground", "rules", "state", "outcome", "paid", "refunded", "days", "postal",
                          "allowed", "amount", "reasons", "field"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refund_decision(ground, rules, state, outcome, paid, refunded, days, postal, allowed, amount, reasons,
                         field):
    d = decide_refund(ground, "disclosure", rules, state=state, outcome=outcome, paid_yen=paid,
                      refunded_yen=refunded, handling_business_days=days, postal=postal)
    assert (d.allowed, d.amount_yen, d.reasons, d.field) == (allowed, amount, reasons, field)
    assert d.message == "" if allowed else d.message
    assert d.ground == (RefundGround(ground) if ground in set(RefundGround) else None)
    for code in d.reasons:  # every code is registered, so letters and the audit can cite it
        assert reason(code).article.startswith(("APPI", "個人"))


def test_overcharge_needs_the_actual_handling_time():
    with pytest.raises(ValueError, match="handling_business_days"):
        decide_refund("overcharge", "disclosure", CREDIT, state="decided", outcome="full", paid_yen=1000)


def test_refund_codes_cite_article_38():
    assert "第38条" in reason("REQ-REFUND-LEAK").article_ja and "Art. 38" in reason("REQ-REFUND-LEAK").article
    assert "Art. 38(2)" in reason("REQ-REFUND-OVERCHARGE").article
    assert "返還しない" in reason("REQ-NO-REFUND").ja
