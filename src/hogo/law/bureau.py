"""Credit bureaus (指定信用情報機関): inquiry purpose, the inquiry threshold, registration periods, inspection.

Pure rules for a member of CIC / JICC (and, through them, KSC):

* an inquiry (照会) is lawful only for credit judgment (与信判断 — judging repayment capacity on an
  application) or credit management (与信管理 — credit-limit review and post-credit management, and only
  on information we registered as contract information), with the person's prior consent;
* every application above the program's threshold is inquired (seed 002: "全件照会 … 少額 … 30万円");
* each registered information type is kept for the bureau's period, counted under the Civil Code;
* a periodic inspection checks that inquiries were proper and registrations complete and timely.

Periods are bureau policy, not statute (reference §12), so they come in as data (anything with
``years``, ``months``, ``days``, ``from_event``, ``during_contract`` — e.g. ``hogo.policy.models.Period``).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from .reasons import Decision, Reason, Requirement, register

__all__ = [
    "Finding",
    "FindingKind",
    "InquiryFacts",
    "InquiryPurpose",
    "PeriodLike",
    "add_period",
    "finding_reasons",
    "inquiry_decision",
    "inquiry_required",
    "period_events",
    "registration_keep_until",
    "registration_overdue",
]

# --- reason codes ---------------------------------------------------------------------------------------------

for _r in (
    Reason(
        "MLA-13", "Money Lending Business Act Art. 13", "貸金業者は返済能力を調査しなければならず、個人の顧客との"
        "貸付けの契約では指定信用情報機関が保有する信用情報を使用して調査する。",
        "A money lender must investigate repayment capacity; for contracts with individuals it must use the "
        "credit information held by a designated credit bureau.", "貸金業法第13条"),
    Reason(
        "MLA-41-36", "Money Lending Business Act Art. 41-36", "加入貸金業者は、指定信用情報機関への信用情報の提供の"
        "依頼（照会）及び個人信用情報の提供（登録）について、あらかじめ本人から書面又は電磁的方法による同意を得なければならない。",
        "A member lender must obtain the person's prior written or electronic consent before asking the designated "
        "bureau for credit information (inquiry) and before providing personal credit information (registration).",
        "貸金業法第41条の36"),
    Reason(
        "ISA-30-2", "Installment Sales Act Art. 30-2", "包括信用購入あっせん業者は、カード等の交付・極度額の増額に"
        "先立ち、指定信用情報機関の特定信用情報を使用して包括支払可能見込額を調査しなければならない。",
        "A card issuer must, before issuing a card or raising its limit, assess the amount the user can pay "
        "using specified credit information of a designated credit bureau.", "割賦販売法第30条の2"),
    Reason(
        "ISA-35-3-56", "Installment Sales Act Art. 35-3-56", "加入信用購入あっせん業者は、契約を締結したときは遅滞なく"
        "基礎特定信用情報を加入する指定信用情報機関に提供（登録）しなければならない。",
        "A member credit company must provide (register) the basic specified credit information of a contract with "
        "its designated credit bureau without delay once the contract is concluded.", "割賦販売法第35条の3の56"),
    Reason(
        "FIN-GL-2-2", "FSA/PPC Financial-sector Guideline Art. 2(2)", "法令により利用目的が限定されている情報"
        "（個人信用情報機関から提供を受けた返済能力に関する情報）は、その目的（返済能力の調査）以外に利用してはならない。",
        "Information whose purpose is limited by law (repayment-capacity information received from a credit bureau) "
        "must not be used except for that purpose (investigating repayment capacity).",
        "金融分野における個人情報保護に関するガイドライン第2条第2項"),
    Reason(
        "BUR-THRESHOLD", "Program rule: inquiry on every application above the threshold (credit self-regulation)",
        "与信対象総額が少額（閾値以下）の場合を除き、申込みは全件、個人信用情報機関に照会する。",
        "Every application is inquired at the credit bureau unless the total credit is small (at or below the "
        "program's threshold).", "個人信用情報保護規定（自主ルール）：全件照会"),
    Reason(
        "BUR-MANAGEMENT-SCOPE", "Program rule: credit-management inquiries only on our registered contract info",
        "与信管理のための照会は、当社が成約情報として登録した個人信用情報を確認する場合に限る。",
        "An inquiry for credit management may only check information we registered as contract information.",
        "個人信用情報保護規定（自主ルール）：与信管理照会の範囲"),
    Reason(
        "BUR-REGISTRATION", "Program rule: registration with the member bureau for the set period",
        "加盟する個人信用情報機関に対し、本人の同意を得て、定める情報を定める期間登録する（登録の完全な履行を定期検査）。",
        "We register the prescribed information with our bureau for the prescribed period, with consent, and "
        "inspect periodically that registration is complete.", "個人信用情報保護規定（自主ルール）：登録"),
    Reason(
        "BUR-PERIOD", "Bureau registration period (bureau policy as stated in the notice)",
        "登録期間を経過した登録情報は、登録中として扱ってはならず、削除（登録解除）する。",
        "Registered information past its registration period must not remain marked as registered; it is removed.",
        "個人信用情報機関の登録期間"),
):
    register(_r)


# --- inquiry purpose ------------------------------------------------------------------------------------------


class InquiryPurpose(StrEnum):
    """Why we inquire. Only the first two are lawful; the rest are named so that a refusal is specific."""

    CREDIT_JUDGMENT = "credit_judgment"  # 与信判断 (on an application)
    CREDIT_MANAGEMENT = "credit_management"  # 与信管理 (与信枠の見直し、与信後の管理)
    MARKETING = "marketing"  # 営業・勧誘
    COLLECTION = "collection"  # 債権回収 (other than management)
    EMPLOYMENT = "employment"  # 採用・人事
    OTHER = "other"


LAWFUL_PURPOSES = frozenset({InquiryPurpose.CREDIT_JUDGMENT, InquiryPurpose.CREDIT_MANAGEMENT})


@dataclass(frozen=True, slots=True)
class InquiryFacts:
    """An intended inquiry.

    ``purpose`` — a :class:`InquiryPurpose` value (any other string is an improper purpose);
    ``consent`` — the person's prior consent to the inquiry is in force (MLA Art. 41-36);
    ``contract_registered`` — for credit management: we registered contract info for the person at this bureau.
    """

    purpose: str | None
    consent: bool = True
    contract_registered: bool = True


def inquiry_decision(facts: InquiryFacts) -> Decision:
    """May we inquire? Only for credit judgment or management, with consent (MLA 13, 41-36; FIN-GL 2(2))."""
    try:
        purpose = InquiryPurpose(facts.purpose) if facts.purpose else None
    except ValueError:
        purpose = None
    if purpose not in LAWFUL_PURPOSES:
        return Decision.deny("FIN-GL-2-2", "APPI-18-1",
                             note=f"inquiry purpose {facts.purpose!r} is not credit judgment or credit management")
    if not facts.consent:
        return Decision.deny("MLA-41-36", requirement=Requirement.CONSENT, note="no prior consent to the inquiry")
    if purpose is InquiryPurpose.CREDIT_MANAGEMENT and not facts.contract_registered:
        return Decision.deny("BUR-MANAGEMENT-SCOPE", "FIN-GL-2-2",
                             note="credit management inquiry without our registered contract information")
    return Decision.allow("MLA-13", "MLA-41-36", "APPI-30-1")


def inquiry_required(amount_yen: int, threshold_yen: int | None) -> Decision:
    """Must this application be inquired? Above the threshold: yes; at or below it: it may be skipped.

    Seed 002 Art. 14: 全件照会, except "与信対象総額が少額 … は30万円とする" — 300,000 yen itself is the small
    amount, and the notice says "{yen}を超える": so exactly at the threshold no inquiry is required.
    No threshold in the program: every application is inquired.
    """
    if amount_yen < 0:
        raise ValueError("amount_yen must not be negative")
    if threshold_yen is None or amount_yen > threshold_yen:
        return Decision.allow("BUR-THRESHOLD", "MLA-13", note="inquiry required")
    return Decision.deny("BUR-THRESHOLD", note="at or below the threshold: inquiry not required")


# --- registration periods -------------------------------------------------------------------------------------


class PeriodLike(Protocol):
    years: int
    months: int
    days: int
    from_event: str
    during_contract: bool


def add_period(event: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """Last day of a period "``event``から Y年M月D日間" under the Civil Code.

    Art. 140: the first day is not counted, so counting starts the next day; Art. 143(2): the period ends
    the day before the day corresponding to that start in the last month, and where the last month has no
    such day, on that month's last day. Days are then added (Art. 140/141). A zero span ends on the event.
    So 2026-02-28 + 6 months ends 2026-08-31 (not 08-28), 2026-08-31 + 6 months ends 2027-02-28.
    """
    if min(years, months, days) < 0:
        raise ValueError("period lengths must not be negative")
    start = event + timedelta(days=1)
    total = start.year * 12 + (start.month - 1) + years * 12 + months
    y, m = divmod(total, 12)
    m += 1
    last = calendar.monthrange(y, m)[1]
    # no corresponding day in the last month: that month's last day
    end = date(y, m, last) if start.day > last else date(y, m, start.day) - timedelta(days=1)
    return end + timedelta(days=days)


def period_events(period: PeriodLike) -> frozenset[str]:
    """The event dates a keep-until computation needs for ``period``."""
    needed = {str(period.from_event)}
    if period.during_contract:
        needed.add("contract_end")
    return frozenset(needed)


def registration_keep_until(period: PeriodLike, events: Mapping[str, date | None]) -> date | None:
    """Last day an information type stays registered, or None while it cannot end yet.

    ``events`` maps event names (``inquiry``, ``registration``, ``contract_end`` …) to dates. A period kept
    "during the contract" (``during_contract``) has no end while the contract runs (no ``contract_end``);
    likewise a period counted from an event that has not happened yet. ``registration``/``report`` default
    to each other (the day we report is the day the bureau registers).
    """
    ev = str(period.from_event)
    when = events.get(ev)
    if when is None and ev in ("registration", "report"):
        when = events.get("report" if ev == "registration" else "registration")
    if period.during_contract and events.get("contract_end") is None:
        return None
    if when is None:
        return None
    end = add_period(when, period.years, period.months, period.days)
    if period.during_contract:
        end = max(end, events["contract_end"])  # type: ignore[type-var]
    return end


def registration_overdue(keep_until: date | None, as_of: date) -> bool:
    """A registration whose last day has passed must no longer be marked registered (APPI 22, bureau period)."""
    return keep_until is not None and keep_until < as_of


# --- inspection ---------------------------------------------------------------------------------------------


class FindingKind(StrEnum):
    """What the periodic inspection (定期的な検査, seed 002 Art. 14(5), 15(3)) looks for."""

    IMPROPER_INQUIRY = "improper_inquiry"  # inquiry without a proper purpose
    MISSING_INQUIRY = "missing_inquiry"  # application above the threshold, never inquired
    MISSING_REGISTRATION = "missing_registration"  # concluded contract not registered with a bureau
    OVERDUE_REGISTRATION = "overdue_registration"  # past its period, still marked registered


_FINDING_REASONS = {
    FindingKind.IMPROPER_INQUIRY: ("FIN-GL-2-2", "APPI-18-1"),
    FindingKind.MISSING_INQUIRY: ("BUR-THRESHOLD", "MLA-13"),
    FindingKind.MISSING_REGISTRATION: ("BUR-REGISTRATION", "ISA-35-3-56"),
    FindingKind.OVERDUE_REGISTRATION: ("BUR-PERIOD", "APPI-22"),
}


def finding_reasons(kind: FindingKind | str) -> tuple[str, ...]:
    """The reason codes an inspection finding of ``kind`` cites."""
    return _FINDING_REASONS[FindingKind(kind)]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem the inspection found; identifiers only, never personal values."""

    kind: FindingKind
    bureau_id: str | None
    subject_id: str
    ref: str  # the inquiry id, application ref or registration id concerned
    on: date | None  # the date the problem is about
    reasons: tuple[str, ...]
