"""Retention periods and disposal as pure functions: when may, and must, a record be disposed of?

How a period is counted (decided here once, for every rule):

* A period "from an event" (契約終了日から5年, 照会日から6ヶ月) follows the Civil Code: the day of the event is
  not counted (Art. 140, 初日不算入), and a period in months or years ends at the end of the day before the
  corresponding day of the day it started; with no corresponding day in the last month it ends on that
  month's last day (Art. 143(2)). Both together give one rule: the last day kept is the event date moved by
  the years and months (clamped to the month's end: 31 Jan + 1 month → 28/29 Feb; 29 Feb + 1 year → 28 Feb)
  and then by the days. Disposal is due the day after the last day kept.
* ``filing_deadline_next_jan10`` (所得税法施行規則76条の3): the period runs from the day after 10 January of the
  year after the filing deadline, i.e. it is counted from that 10 January (first day not counted) — the form
  for 2026 is kept through 2034-01-10 and is due on 2034-01-11.
* Records the PPC Rules keep "起算して" (Rules 21/25, first day counted) are the provision room's; see
  :func:`hogo.law.provision.record_retained_until`.
* A floor (the bureau's registration period, credit seed §11(3)) and a statutory minimum are further terms:
  the disposal date is the latest of all terms (``max``), so a floor never shortens anything.
* ``during_contract`` terms need the contract to have ended; a term whose event has not happened yet (the
  contract continues, no consent was withdrawn) is not due at all.
* Where the rule says so, the disposal date rolls forward to the next business day.
* A legal hold blocks disposal whatever the dates say; once no term holds, the data must be disposed of
  without delay (APPI Art. 22; My Number Act Art. 20 for My Numbers).

Every disposal date is monotone in its event date, so "due on D" is the same as "event on or before a cutoff";
:func:`event_cutoff` gives that cutoff, which lets the sweep select due records with one SQL comparison.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from .reasons import Decision, Reason, register

__all__ = [
    "RECORD_EVENTS",
    "ENGAGEMENT_EVENTS",
    "STATUTORY_PERIODS",
    "RetentionOutcome",
    "Term",
    "add_period",
    "disposal_date",
    "event_anchor",
    "event_cutoff",
    "retained_through",
    "retention_decision",
    "statutory_term",
]

_DAY = timedelta(days=1)

#: Events read from the record itself (its acquisition / creation instant, as a date in Japan).
RECORD_EVENTS = frozenset({"acquisition", "record_creation"})
#: Events read from the subject's engagements (contracts and transactions).
ENGAGEMENT_EVENTS = frozenset({"contract_start", "contract_end", "last_transaction"})


class _Calendar(Protocol):
    def roll_forward(self, d: date) -> date: ...


class _PeriodLike(Protocol):
    years: int
    months: int
    days: int
    during_contract: bool


@dataclass(frozen=True, slots=True)
class Term:
    """One retention requirement: keep for ``years/months/days`` counted from ``event``.

    ``code`` is the reason code that cites where the term comes from (the program's rule, a bureau floor, a
    statute); ``label`` names it for people (rule id, bureau, statute).
    """

    event: str
    years: int = 0
    months: int = 0
    days: int = 0
    during_contract: bool = False
    code: str = "RET-PERIOD"
    label: str = ""

    def __post_init__(self) -> None:
        if min(self.years, self.months, self.days) < 0:
            raise ValueError("a retention period cannot be negative")

    @classmethod
    def of(cls, period: _PeriodLike, *, event: str | None = None, code: str = "RET-PERIOD",
           label: str = "") -> Term:
        """A term from a policy ``Period`` (anything with years, months, days, from_event, during_contract)."""
        ev = event if event is not None else str(getattr(period, "from_event"))  # noqa: B009
        return cls(ev, period.years, period.months, period.days, bool(period.during_contract), code, label)


def add_period(start: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """``start`` moved by years and months (clamped to the month's last day), then by days."""
    total = start.year * 12 + (start.month - 1) + years * 12 + months
    year, month = divmod(total, 12)
    month += 1
    day = min(start.day, _calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=days)


def event_anchor(event: str, event_date: date) -> date:
    """The day the counting starts from (first day not counted): the event, or 10 January after it."""
    if event == "filing_deadline_next_jan10":
        return date(event_date.year + 1, 1, 10)
    return event_date


def retained_through(term: Term, event_date: date) -> date:
    """The last day the term keeps the data (Civil Code Art. 140, 143(2))."""
    return add_period(event_anchor(term.event, event_date), term.years, term.months, term.days)


def disposal_date(term: Term, event_date: date, calendar: _Calendar | None = None) -> date:
    """The first day the term lets the data go; rolled to a business day when a calendar is given."""
    due = retained_through(term, event_date) + _DAY
    return calendar.roll_forward(due) if calendar is not None else due


def event_cutoff(term: Term, as_of: date, calendar: _Calendar | None = None) -> date | None:
    """The latest event date whose disposal date is on or before ``as_of`` (None: none is due yet).

    The disposal date never decreases as the event date grows, so "due by ``as_of``" is exactly
    "event on or before the cutoff"; found by bisection, so month ends, 29 February and business days are
    handled by the very same function that computes single dates.
    """
    hi = as_of
    lo = date(max(1, as_of.year - term.years - 3 - term.months // 12), 1, 1) - timedelta(days=term.days + 31)
    if disposal_date(term, lo, calendar) > as_of:
        return None
    lo_o, hi_o = lo.toordinal(), hi.toordinal()
    while lo_o < hi_o:  # invariant: disposal(lo) <= as_of
        mid = (lo_o + hi_o + 1) // 2
        if disposal_date(term, date.fromordinal(mid), calendar) <= as_of:
            lo_o = mid
        else:
            hi_o = mid - 1
    return date.fromordinal(lo_o)


# --- statutory minimums -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Statute:
    code: str
    marks: tuple[str, ...]
    term: Term


#: Retention periods laws impose, recognised from a rule's ``statutory_basis`` (appi-rules.md §11.3).
STATUTORY_PERIODS: tuple[_Statute, ...] = (
    _Statute("TAX-76-3", ("76条の3", "76-3", "76(3)"),
             Term("filing_deadline_next_jan10", years=7, code="TAX-76-3", label="所得税法施行規則第76条の3")),
)


def statutory_term(basis: str | None) -> Term | None:
    """The statutory minimum a rule's ``statutory_basis`` names, if the law core knows it."""
    if not basis:
        return None
    for statute in STATUTORY_PERIODS:
        if any(mark in basis for mark in statute.marks):
            return statute.term
    return None


# --- the decision -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetentionOutcome:
    """When the data may go (``dispose_on``; None while an event is pending) and the decision for ``on``."""

    decision: Decision
    dispose_on: date | None
    governing: Term | None


def retention_decision(
    terms: Iterable[Term],
    events: Mapping[str, date | None],
    *,
    on: date,
    contract_open: bool = False,
    held: bool = False,
    my_number: bool = False,
    calendar: _Calendar | None = None,
) -> RetentionOutcome:
    """May the data be disposed of on ``on``? ``allowed`` means: yes, and without delay.

    ``events`` maps event names to their dates (None or absent: not happened yet). The disposal date is the
    latest over all ``terms``; a hold blocks; My Number data cites My Number Act Art. 20 besides Art. 22.
    """
    terms = list(terms)
    if not terms:
        raise ValueError("retention needs at least one term")
    due: date | None = None
    governing: Term | None = None
    pending: list[Term] = []
    for term in terms:
        event_date = events.get(term.event)
        if event_date is None or (term.during_contract and contract_open):
            pending.append(term)
            continue
        d = disposal_date(term, event_date, calendar)
        if due is None or d > due:
            due, governing = d, term
    if pending:
        codes = ("RET-EVENT-PENDING", *dict.fromkeys(t.code for t in pending))
        return RetentionOutcome(Decision.deny(*codes, note=f"waiting for {pending[0].event}"), None, pending[0])
    assert due is not None and governing is not None
    if held:
        return RetentionOutcome(Decision.deny("RET-HOLD", note="a legal hold stops disposal"), due, governing)
    if on < due:
        codes = tuple(dict.fromkeys((governing.code, *(t.code for t in terms))))
        return RetentionOutcome(Decision.deny(*codes, note=f"kept until {due - _DAY:%Y-%m-%d}"), due, governing)
    codes = ("RET-DUE", "APPI-22", *(("MNA-20",) if my_number else ()))
    return RetentionOutcome(Decision.allow(*codes, note=f"due since {due:%Y-%m-%d}"), due, governing)


# --- reason codes -----------------------------------------------------------------------------------------

for _r in (
    Reason("RET-PERIOD", "APPI Art. 22; the program's retention rule", "保存期間は利用目的の達成に必要な期間として社内規程で定めたとおりであり、その期間中は保存する。",
           "The program's retention period, set as long as the purpose needs the data, has not yet ended.",
           "個人情報保護法第22条・社内規程の保存期間"),
    Reason("RET-FLOOR-BUREAU", "Credit seed Art. 11(3); the credit bureau's registration period",
           "個人信用情報の保有期間は個人信用情報機関における登録期間を下回らないものとする。",
           "Credit information is kept no shorter than the credit bureau's registration period.",
           "個人信用情報の適正管理に関する規程第11条第3項・信用情報機関の登録期間"),
    Reason("RET-STATUTORY", "Statutory retention period", "法令で保存期間が定められており、その期間が経過するまで廃棄できない。",
           "A law sets a retention period; the data may not be disposed of before it ends.", "法定保存期間"),
    Reason("TAX-76-3", "Income Tax Act Enforcement Regulations Art. 76-3",
           "扶養控除等申告書は、提出期限の属する年の翌年1月10日の翌日から7年間保存しなければならない。",
           "Dependant-deduction declarations are kept for 7 years from the day after 10 January of the year "
           "after the filing deadline.", "所得税法施行規則第76条の3"),
    Reason("RET-EVENT-PENDING", "Civil Code Art. 140 (the period has not started)",
           "保存期間の起算点となる事由(契約終了等)が生じておらず、期間は進行していない。",
           "The event the period counts from (e.g. the end of the contract) has not happened; the period has not begun.",
           "民法第140条(期間の起算)"),
    Reason("RET-HOLD", "Legal hold (litigation, investigation, regulator)",
           "訴訟・調査等のための保存指示(リーガルホールド)があり、廃棄を停止している。",
           "A legal hold for litigation or an investigation stops disposal.", "保存指示(リーガルホールド)"),
    Reason("RET-DUE", "APPI Art. 22; Civil Code Art. 143(2)",
           "保存期間が満了しており、遅滞なく廃棄・消去する。",
           "Every retention period has ended; the data is disposed of without delay.",
           "個人情報保護法第22条・民法第143条第2項"),
    Reason("RET-ACCURACY", "APPI Art. 22 (accuracy); credit seed Art. 11(4)",
           "個人データは正確かつ最新の内容に保つ必要があり、確認期間を過ぎた項目は本人への確認等を要する。",
           "Personal data is kept accurate and up to date; items not confirmed within the program's period need "
           "re-confirmation.", "個人情報保護法第22条・個人信用情報の適正管理に関する規程第11条第4項"),
    Reason("ACC-ROLE-RETENTION", "APPI Art. 22, 23 (organizational measures: who governs retention and disposal)",
           "保存期間・廃棄計画・リーガルホールド・廃棄記録の取扱いは、個人データの管理責任者及び法務担当の役割に限られる。",
           "Retention plans, legal holds, events and disposal certificates are handled by the roles responsible "
           "for them (the privacy officer, legal staff).",
           "個人情報保護法第22条・第23条（組織的安全管理措置）"),
):
    register(_r)
