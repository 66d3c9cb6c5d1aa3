"""Data-subject request fees and the company answer SLA (Act 33, 37, 38).

Fees may be charged only for notification of purposes (Art. 32(2)) and disclosure
(Art. 33(1), incl. third-party records under 33(5)); the amount must be reasonable in light
of actual cost (Art. 38(2)) — the law sets no number, so the flag thresholds are policy (U).
"Without delay" (遅滞なく) has no statutory day count either; the SLA is a company promise.
"""

from __future__ import annotations

from datetime import date

from .calendar import ADMINISTRATIVE, BusinessCalendar
from .effective import DEFAULT_PARAMS, LawParameters
from .reasons import Decision
from .text import format_yen

__all__ = ["CHARGEABLE_REQUESTS", "REQUEST_KINDS", "fee_chargeable", "fee_check", "request_due_date"]

#: Request kinds of the design vocabulary.
REQUEST_KINDS = frozenset(
    {
        "purpose_notice",
        "disclosure",
        "correction",
        "suspension",
        "erasure",
        "stop_provision",
        "provision_records",
        "my_number_held",
    }
)
#: Kinds a fee may be charged for (Art. 38(1)); "my_number_held" is a disclosure of retained data.
CHARGEABLE_REQUESTS = frozenset({"purpose_notice", "disclosure", "provision_records", "my_number_held"})


def fee_chargeable(request_kind: str) -> bool:
    """May a fee be charged for ``request_kind``? (Art. 38(1))"""
    if request_kind not in REQUEST_KINDS:
        raise ValueError(
            f"unknown request kind {request_kind!r}; expected one of {', '.join(sorted(REQUEST_KINDS))}"
        )
    return request_kind in CHARGEABLE_REQUESTS


def fee_check(
    fee_yen: int, request_kind: str, actual_cost_yen: int | None = None, params: LawParameters | None = None
) -> Decision:
    """Is a request fee lawful? Case F02 (¥10,000 against ≈¥1,000 actual cost → flag).

    Denied when charged for a non-chargeable request (APPI-38-1), or above
    ``params.fee_max_cost_ratio`` × the stated actual cost, or — with no cost stated — above
    ``params.fee_reasonable_max_yen`` (APPI-38-2; thresholds are policy, confidence U).
    """
    if fee_yen < 0:
        raise ValueError("fee_yen must be >= 0")
    p = params or DEFAULT_PARAMS
    if fee_yen == 0:
        return Decision.allow("APPI-38-1")
    if not fee_chargeable(request_kind):
        return Decision.deny("APPI-38-1", note=f"no fee may be charged for {request_kind} requests")
    if actual_cost_yen is not None:
        limit = actual_cost_yen * p.fee_max_cost_ratio
        if fee_yen > limit:
            return Decision.deny(
                "APPI-38-2",
                note=f"fee {format_yen(fee_yen)} exceeds {p.fee_max_cost_ratio:g}x the actual cost {format_yen(actual_cost_yen)}",
            )
    elif fee_yen > p.fee_reasonable_max_yen:
        return Decision.deny(
            "APPI-38-2",
            note=f"fee {format_yen(fee_yen)} exceeds {format_yen(p.fee_reasonable_max_yen)} with no actual cost stated",
        )
    return Decision.allow("APPI-38-1", "APPI-38-2")


def request_due_date(
    received: date, calendar: BusinessCalendar | None = None, params: LawParameters | None = None
) -> date:
    """Company SLA deadline: ``params.request_sla_business_days`` business days after receipt."""
    p = params or DEFAULT_PARAMS
    return (calendar or ADMINISTRATIVE).add_business_days(received, p.request_sla_business_days)
