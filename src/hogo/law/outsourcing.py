"""Supervision of outsourcees (委託先の監督, APPI Art. 25; My Number Act Art. 10, 11) as pure functions.

The guideline (通則編 3-4-4) splits "necessary and appropriate supervision" into three duties, and each
has its rule here: **appropriate selection** (委託先の適切な選定 — the program's selection criteria, all
assessed, none failed), **the contract** (委託契約の締結 — every clause the program requires), and
**grasping the handling status** (委託先における取扱状況の把握 — periodic reviews, re-outsourcing under
control, and the data coming back or being deleted at the end). Handing data to an outsourcee is "not a
third party" only within the outsourced purpose (Art. 27(5)(i)); that part, and the Art. 28 route for an
outsourcee abroad, is :func:`hogo.law.provision.provision_decision`'s, not repeated here.

Facts in, :class:`~hogo.law.reasons.Decision` out; no IO.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .purposes import my_number_reentrustment
from .reasons import Decision, Reason, Requirement, register

__all__ = [
    "DEFAULT_DUE_SOON_DAYS",
    "DEFAULT_REVIEW_INTERVAL_MONTHS",
    "ClauseCheck",
    "EntrustmentFacts",
    "EvaluationOutcome",
    "HandoutState",
    "Outcome",
    "OutsourcingRequirement",
    "ReOutsourcing",
    "ReviewState",
    "add_months",
    "contract_clauses_check",
    "entrustment_decision",
    "evaluation_outcome",
    "handout_closure",
    "handout_state",
    "re_outsourcing_decision",
    "review_due",
    "review_state",
]

#: How often an outsourcee's handling is reviewed (re-evaluation, audit, report or questionnaire) when the
#: program says nothing: yearly. The Act names no interval; once a year is the cadence the offshore
#: guideline expects for Rules 18 checks and the one seed 002 promises for audits. Overridable per service.
DEFAULT_REVIEW_INTERVAL_MONTHS = 12
#: A review falls "due" this many days before its date (so it can be planned), "overdue" the day after.
DEFAULT_DUE_SOON_DAYS = 30

_GL = "PPC Guidelines (General) 3-4-4"
_GL_JA = "個人情報保護法ガイドライン（通則編）3-4-4"

for _code, _en_cite, _ja_cite, _ja, _en in (
    ("APPI-25-SELECTION",
     f"APPI Art. 25 (appropriate selection of the outsourcee, {_GL})",
     f"個人情報保護法第25条（委託先の適切な選定、{_GL_JA}）",
     "委託先は、定めた選定基準のすべてについて評価し、いずれも満たすことを確認したうえで選定しなければならない。",
     "An outsourcee is selected only after every selection criterion of the program was assessed and met."),
    ("APPI-25-CONTRACT",
     f"APPI Art. 25 (outsourcing contract, {_GL})",
     f"個人情報保護法第25条（委託契約の締結、{_GL_JA}）",
     "個人データの取扱いを委託するときは、安全管理措置として必要な事項を定めた委託契約を締結しなければならない。",
     "Entrusting personal data needs a contract in force that contains the clauses the program requires."),
    ("APPI-25-REVIEW",
     f"APPI Art. 25 (grasping the outsourcee's handling status, {_GL})",
     f"個人情報保護法第25条（委託先における個人データ取扱状況の把握、{_GL_JA}）",
     "委託先における個人データの取扱状況を、定期的な監査・報告・評価の見直し等により把握しなければならない。",
     "The outsourcee's handling must be grasped by periodic audits, reports or re-evaluations."),
    ("APPI-25-RE-OUTSOURCING",
     f"APPI Art. 25 (re-outsourcing, {_GL})",
     f"個人情報保護法第25条（再委託、{_GL_JA}）",
     "再委託は、契約で禁止されていれば行えず、許諾制であれば委託元の許諾を得た場合に限り行える。再委託先の取扱いも把握しなければならない。",
     "Re-outsourcing is impossible where the contract forbids it and needs the entrusting party's permission "
     "where the contract requires one; the sub-outsourcee's handling must be grasped too."),
    ("APPI-25-RETURN",
     f"APPI Art. 25 (return or deletion at contract end, {_GL})",
     f"個人情報保護法第25条（契約終了時の返還・削除、{_GL_JA}）",
     "委託契約の終了時には、委託先に預けた個人データを返還させ又は削除させ、その証明（返却確認・削除証明書）を受けなければならない。",
     "At the end of the contract, data handed to the outsourcee must be returned or deleted, with a "
     "certificate of return or deletion."),
    ("ACC-ROLE-SUPERVISION",
     "APPI Art. 23, 25 (organizational measures: who supervises outsourcees, Guidelines 10-3)",
     "個人情報保護法第23条・第25条（組織的安全管理措置：委託先の監督の責任者、ガイドライン10-3）",
     "委託先の評価・契約・監督の記録は、個人データの取扱いの責任者（個人情報保護管理者等）の役割に限られる。",
     "Outsourcee evaluations, contracts and supervision records are kept by the roles responsible for "
     "supervising outsourcees (the privacy officer)."),
):
    register(Reason(_code, _en_cite, _ja, _en, _ja_cite))


class OutsourcingRequirement(StrEnum):
    """What would make a refused hand-out lawful."""

    EVALUATION = "evaluation"  # a passing selection evaluation
    CONTRACT = "contract"  # a contract in force with every required clause
    PERMISSION = "permission"  # the entrusting party's recorded permission to re-outsource
    CERTIFICATE = "certificate"  # a certificate of return / deletion


# --- selection ---------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    PASSED = "passed"  # every criterion assessed and met: selectable
    FAILED = "failed"  # every criterion assessed, at least one not met: not selectable
    INCOMPLETE = "incomplete"  # a criterion was not assessed: no selection can rest on it


@dataclass(frozen=True, slots=True)
class EvaluationOutcome:
    outcome: Outcome
    failed: tuple[int, ...]  # 1-based criterion numbers not met
    unassessed: tuple[int, ...]  # 1-based criterion numbers without a result
    decision: Decision

    @property
    def selectable(self) -> bool:
        return self.outcome is Outcome.PASSED


def evaluation_outcome(criteria_count: int, results: Mapping[int, bool]) -> EvaluationOutcome:
    """The outcome of a selection evaluation from per-criterion results (criteria numbered 1..n as listed).

    All criteria must be assessed; any one not met makes the outsourcee not selectable. A result for a
    number outside 1..n is a mistake of the caller (``ValueError``), not a finding.
    """
    if criteria_count < 0:
        raise ValueError("criteria_count must be >= 0")
    extra = sorted(k for k in results if not 1 <= k <= criteria_count)
    if extra:
        raise ValueError(f"criteria {extra} are not among the program's {criteria_count} selection criteria")
    unassessed = tuple(n for n in range(1, criteria_count + 1) if n not in results)
    failed = tuple(sorted(n for n, ok in results.items() if not ok))
    if unassessed:
        return EvaluationOutcome(Outcome.INCOMPLETE, failed, unassessed, Decision.deny(
            "APPI-25-SELECTION", requirement=OutsourcingRequirement.EVALUATION,
            note=f"criteria not assessed: {', '.join(map(str, unassessed))}"))
    if failed:
        return EvaluationOutcome(Outcome.FAILED, failed, (), Decision.deny(
            "APPI-25-SELECTION", requirement=OutsourcingRequirement.EVALUATION,
            note=f"criteria not met: {', '.join(map(str, failed))}"))
    return EvaluationOutcome(Outcome.PASSED, (), (), Decision.allow("APPI-25-SELECTION", "APPI-25",
                                                                     requirement=Requirement.SUPERVISION))


# --- the contract ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClauseCheck:
    missing: tuple[str, ...]  # required clause ids the contract lacks, in the program's order
    unknown: tuple[str, ...]  # clause ids the program does not define
    decision: Decision


def contract_clauses_check(required: Iterable[str], present: Iterable[str]) -> ClauseCheck:
    """Which of the program's clauses (``outsourcing.clauses``) a contract lacks; any missing is a finding."""
    required = list(dict.fromkeys(required))
    present_set = set(present)
    missing = tuple(c for c in required if c not in present_set)
    unknown = tuple(sorted(present_set - set(required)))
    if missing:
        return ClauseCheck(missing, unknown, Decision.deny(
            "APPI-25-CONTRACT", requirement=OutsourcingRequirement.CONTRACT,
            note=f"clauses missing: {', '.join(missing)}"))
    return ClauseCheck((), unknown, Decision.allow("APPI-25-CONTRACT", requirement=Requirement.NONE))


# --- handing data out --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntrustmentFacts:
    """What must be in place before personal data goes to an outsourcee (beyond Art. 27/28).

    ``evaluation`` — outcome of the latest selection evaluation (None: never evaluated);
    ``contract_in_force`` — a contract covering the hand-out date exists; ``missing_clauses`` — required
    clauses that contract lacks; ``my_number_items`` — My Numbers are among the items;
    ``my_number_outsourcee`` — the outsourcee is entrusted with My Number affairs.
    """

    evaluation: Outcome | None
    contract_in_force: bool
    missing_clauses: tuple[str, ...] = ()
    my_number_items: bool = False
    my_number_outsourcee: bool = False


def entrustment_decision(facts: EntrustmentFacts) -> Decision:
    """May data be handed to this outsourcee? Selection and contract first (Art. 25; MNA Art. 11).

    Every failing ground is cited at once, so the officer sees all that is missing in one refusal.
    """
    f = facts
    codes: list[str] = []
    notes: list[str] = []
    requirement: str | None = None
    if f.evaluation is not Outcome.PASSED:
        codes.append("APPI-25-SELECTION")
        notes.append("no selection evaluation" if f.evaluation is None else f"evaluation {f.evaluation}")
        requirement = OutsourcingRequirement.EVALUATION
    if not f.contract_in_force:
        codes.append("APPI-25-CONTRACT")
        notes.append("no contract in force")
        requirement = requirement or OutsourcingRequirement.CONTRACT
    elif f.missing_clauses:
        codes.append("APPI-25-CONTRACT")
        notes.append(f"clauses missing: {', '.join(f.missing_clauses)}")
        requirement = requirement or OutsourcingRequirement.CONTRACT
    if f.my_number_items and not f.my_number_outsourcee:
        codes += ["MNA-19", "MNA-11"]
        notes.append("outsourcee is not entrusted with My Number affairs")
    if codes:
        return Decision.deny(*dict.fromkeys(codes), requirement=requirement, note="; ".join(notes))
    supervise = ("APPI-25", "MNA-11") if f.my_number_items else ("APPI-25",)
    return Decision.allow("APPI-25-SELECTION", "APPI-25-CONTRACT", *supervise, requirement=Requirement.SUPERVISION)


# --- re-outsourcing ----------------------------------------------------------------------------------------


class ReOutsourcing(StrEnum):
    """The program's rule for an outsourcee (``outsourcees[].re_outsourcing``)."""

    FORBIDDEN = "forbidden"
    WITH_PERMISSION = "with_permission"
    ALLOWED = "allowed"


def re_outsourcing_decision(rule: ReOutsourcing | str, *, my_number: bool, permission_recorded: bool) -> Decision:
    """May the outsourcee re-outsource (再委託)? Case J11 for My Numbers.

    ``forbidden`` — never; ``with_permission`` — only with a recorded permission of ours; ``allowed`` —
    yes, still under our supervision. My Number affairs always need the original entrusting party's
    permission (MNA Art. 10), whatever the contract says — unless the contract forbids it outright.
    """
    rule = ReOutsourcing(rule)
    if rule is ReOutsourcing.FORBIDDEN:
        return Decision.deny("APPI-25-RE-OUTSOURCING", note="the contract forbids re-outsourcing")
    if my_number:
        inner = my_number_reentrustment(permission_recorded)
        if not inner.allowed:
            return Decision.deny(*inner.reasons, "APPI-25-RE-OUTSOURCING",
                                 requirement=OutsourcingRequirement.PERMISSION, note=inner.note)
        return inner.with_reasons("APPI-25-RE-OUTSOURCING")
    if rule is ReOutsourcing.WITH_PERMISSION and not permission_recorded:
        return Decision.deny("APPI-25-RE-OUTSOURCING", requirement=OutsourcingRequirement.PERMISSION,
                             note="re-outsourcing needs our recorded permission")
    return Decision.allow("APPI-25-RE-OUTSOURCING", "APPI-25", requirement=Requirement.SUPERVISION)


# --- periodic reviews --------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (Jan 31 + 1 month → Feb 28/29)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ReviewState(StrEnum):
    OK = "ok"
    DUE = "due"  # within the due-soon window
    OVERDUE = "overdue"  # the due date has passed
    NEVER = "never"  # never evaluated: no review can be due, selection itself is missing


def review_due(last_review: dt.date | None, interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS) -> dt.date | None:
    """When the next review is due: the last evaluation or supervision plus the interval."""
    if interval_months < 1:
        raise ValueError("interval_months must be >= 1")
    return None if last_review is None else add_months(last_review, interval_months)


def review_state(due: dt.date | None, as_of: dt.date, due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> ReviewState:
    if due is None:
        return ReviewState.NEVER
    if as_of > due:
        return ReviewState.OVERDUE
    if (due - as_of).days <= due_soon_days:
        return ReviewState.DUE
    return ReviewState.OK


# --- data handed out ---------------------------------------------------------------------------------------


class HandoutState(StrEnum):
    OUT = "out"  # with the outsourcee, contract running
    OVERDUE = "overdue"  # contract ended, data not yet returned or deleted
    RETURNED = "returned"
    DELETED = "deleted"


def handout_state(as_of: dt.date, *, contract_end: dt.date | None, returned: bool, deleted: bool,
                  grace_days: int = 0) -> HandoutState:
    """Where a hand-out stands on ``as_of``: overdue from the day after the contract's end (+ grace)."""
    if returned:
        return HandoutState.RETURNED
    if deleted:
        return HandoutState.DELETED
    if contract_end is not None and as_of > contract_end + dt.timedelta(days=grace_days):
        return HandoutState.OVERDUE
    return HandoutState.OUT


_NOUN = {"returned": "return", "deleted": "deletion"}


def handout_closure(how: str, certificate_ref: str | None) -> Decision:
    """May a hand-out be marked returned or deleted? Only with the certificate that proves it."""
    if how not in ("returned", "deleted"):
        raise ValueError("how must be 'returned' or 'deleted'")
    if not (certificate_ref and certificate_ref.strip()):
        return Decision.deny("APPI-25-RETURN", requirement=OutsourcingRequirement.CERTIFICATE,
                             note=f"marking data {how} needs the certificate of {_NOUN[how]}")
    return Decision.allow("APPI-25-RETURN", requirement=Requirement.NONE)
