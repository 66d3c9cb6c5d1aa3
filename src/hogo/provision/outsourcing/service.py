"""Supervision of outsourcees (委託先の監督, APPI Art. 25): select, contract, hand out, supervise, get it back.

The three duties of the guideline each leave records here: the **selection evaluation** against the
program's criteria, the **contract** with the program's clauses, and **grasping the handling** —
supervision records (audits, reports, questionnaires), re-outsourcing permissions, and every person's
data handed out until it is returned or deleted with a certificate.

Handing data out is a provision on the outsourcing basis: :meth:`Outsourcing.hand_out` first checks what
Art. 25 needs (a passing evaluation, a contract in force with every required clause), then calls
:meth:`hogo.provision.service.Provisions.provide` so the law core decides each person — within the
outsourced purpose only (Art. 27(5)(i)), an outsourcee abroad only on an Art. 28 route — and records one
hand-out row per person provided. Bad input raises :class:`~hogo.vault.service.VaultError` and changes
nothing; a refusal raises :class:`~hogo.access.service.AccessDenied` with the refusal in the audit chain.

Caveat: ``provide`` commits in its own transaction, so the provision (and its audit entry) and the hand-out
rows are two commits. Everything that can fail is checked before ``provide`` runs; the second commit
only inserts rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor
from hogo.access.service import Access, AccessDenied
from hogo.db import unit_of_work
from hogo.law.categories import Category
from hogo.law.crossborder import is_equivalent_country, is_foreign
from hogo.law.outsourcing import (
    DEFAULT_DUE_SOON_DAYS,
    DEFAULT_REVIEW_INTERVAL_MONTHS,
    EntrustmentFacts,
    HandoutState,
    Outcome,
    ReviewState,
    contract_clauses_check,
    entrustment_decision,
    evaluation_outcome,
    handout_closure,
    handout_state,
    re_outsourcing_decision,
    review_due,
    review_state,
)
from hogo.law.provision import ProvisionBasis
from hogo.law.reasons import Decision
from hogo.policy.models import ID_PATTERN, Outsourcee, Policy
from hogo.provision.outsourcing.models import (
    Handout,
    OutsourceeEvaluation,
    OutsourcingContract,
    ReOutsourcingPermission,
    SupervisionKind,
    SupervisionRecord,
)
from hogo.provision.service import Provisions
from hogo.vault.models import new_id, utcnow
from hogo.vault.service import VaultError

CHUNK = 5000  # subjects per statement
MAX_REF = 256


@dataclass(frozen=True)
class EvaluationResult:
    id: str
    outsourcee_id: str
    evaluated_on: dt.date
    outcome: str
    failed: tuple[int, ...]
    reasons: tuple[str, ...]
    audit_seq: int


@dataclass(frozen=True)
class ContractResult:
    id: str
    outsourcee_id: str
    starts_on: dt.date
    ends_on: dt.date | None
    missing_clauses: tuple[str, ...]  # a finding: hand-outs are refused until a complete contract is signed
    reasons: tuple[str, ...]
    audit_seq: int


@dataclass(frozen=True)
class HandOutResult:
    provision_id: str | None  # None: nobody was handed out
    contract_id: str
    handed_out: list[str]  # subject ids now out with the outsourcee
    refused: dict[str, list[str]]  # subject id → the law's reason codes
    reasons: tuple[str, ...]
    audit_seq: int


@dataclass(frozen=True)
class StillOut:
    """Data of one contract still with an outsourcee on ``as_of``."""

    outsourcee_id: str
    outsourcee_name: str | None
    country: str
    contract_id: str
    contract_ends_on: dt.date | None
    state: str  # out / overdue (HandoutState)
    subjects: int
    handouts: int
    items: tuple[str, ...]
    since: dt.datetime
    days_overdue: int


@dataclass(frozen=True)
class ReviewLine:
    """One outsourcee's supervision status on ``as_of``; ``findings`` are reason codes (empty: in order)."""

    outsourcee_id: str
    outsourcee_name: str | None
    country: str
    abroad: bool
    equivalent_country: bool
    cross_border_route: str | None  # the declared Art. 28 basis covering it (None: none declared)
    evaluation_outcome: str | None
    evaluated_on: dt.date | None
    supervised_on: dt.date | None
    review_due: dt.date | None
    review_state: str
    contract_id: str | None
    contract_ends_on: dt.date | None
    missing_clauses: tuple[str, ...]
    open_follow_ups: int
    data_out: int  # subjects whose data is still out
    findings: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewReport:
    as_of: dt.date
    interval_months: int
    lines: list[ReviewLine]

    @property
    def abroad(self) -> int:
        """Outsourcees abroad (Art. 28 and 外的環境の把握 matter for them)."""
        return sum(1 for ln in self.lines if ln.abroad)

    @property
    def abroad_non_equivalent(self) -> int:
        """Outsourcees abroad outside the EU/EEA/UK: each needs an Art. 28 route."""
        return sum(1 for ln in self.lines if ln.abroad and not ln.equivalent_country)


def _ref(name: str, value: str | None, *, required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise VaultError(name, "OUT-REF", "a document reference is required (e.g. the contract number)")
        return None
    if len(value) > MAX_REF:
        raise VaultError(name, "OUT-REF", f"a reference is at most {MAX_REF} characters")
    return value.strip()


@dataclass
class Outsourcing:
    """Outsourcee supervision for one program. ``review_interval_months`` (default 12) is how often each
    outsourcee's handling is reviewed — by re-evaluation or a supervision record; the Act names no interval."""

    policy: Policy
    sessions: sessionmaker[Session]
    access: Access
    provisions: Provisions
    read_sessions: sessionmaker[Session] | None = None
    review_interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    return_grace_days: int = 0

    @property
    def _reads(self) -> sessionmaker[Session]:
        return self.read_sessions or self.sessions

    # --- the program's outsourcees --------------------------------------------------------------------------

    def outsourcee(self, outsourcee_id: str) -> Outsourcee:
        for o in self.policy.outsourcing.outsourcees:
            if o.id == outsourcee_id:
                return o
        raise VaultError("outsourcee_id", "OUT-OUTSOURCEE", "not an outsourcee of the policy")

    def _check_actor(self, s: Session, actor_id: str, action: str, outsourcee_id: str) -> int | None:
        """None when the actor may act; else the seq of the audited refusal (ACC-ACTOR)."""
        actor = s.get(Actor, actor_id) if isinstance(actor_id, str) and len(actor_id) <= 36 else None
        if actor is not None and actor.active:
            return None
        entry = audit.append(s, action=action, allowed=False, reasons=("ACC-ACTOR",),
                             detail={"outsourcee_id": outsourcee_id})
        return entry.seq

    def _day(self, value: dt.date | None, name: str) -> dt.date:
        today = clock.today()
        if value is None:
            return today
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise VaultError(name, "OUT-DATE", "a date is required")
        if value > today:
            raise VaultError(name, "OUT-DATE", "cannot be in the future")
        return value

    # --- selection ------------------------------------------------------------------------------------------

    def evaluate(self, actor_id: str, outsourcee_id: str, results: Mapping[int | str, bool], *,
                 evaluated_on: dt.date | None = None, evidence_ref: str | None = None) -> EvaluationResult:
        """Record a selection evaluation: one result per selection criterion (numbered 1..n as listed).

        Every criterion must be assessed (an incomplete evaluation is bad input); a failed one is recorded,
        and the outsourcee is not selectable until a later evaluation passes.
        """
        o = self.outsourcee(outsourcee_id)
        criteria = len(self.policy.outsourcing.selection_criteria)
        if criteria == 0:
            raise VaultError("outsourcing.selection_criteria", "APPI-25-SELECTION",
                             "the program states no selection criteria to evaluate against")
        if not isinstance(results, Mapping):
            raise VaultError("results", "OUT-RESULTS", "a mapping of criterion number to true/false")
        parsed: dict[int, bool] = {}
        for key, ok in results.items():
            number = key if isinstance(key, int) and not isinstance(key, bool) else (
                int(key) if isinstance(key, str) and key.isdigit() else None)
            if number is None or not 1 <= number <= criteria:
                raise VaultError("results", "OUT-RESULTS", f"criteria are numbered 1 to {criteria}")
            if not isinstance(ok, bool):
                raise VaultError("results", "OUT-RESULTS", "each result is true (met) or false (not met)")
            parsed[number] = ok
        verdict = evaluation_outcome(criteria, parsed)
        if verdict.outcome is Outcome.INCOMPLETE:
            raise VaultError("results", "APPI-25-SELECTION",
                             f"criteria not assessed: {', '.join(map(str, verdict.unassessed))}")
        day = self._day(evaluated_on, "evaluated_on")
        ref = _ref("evidence_ref", evidence_ref, required=False)
        with unit_of_work(self.sessions) as s:
            refused = self._check_actor(s, actor_id, "outsourcing.evaluate", o.id)
            if refused is None:
                row = OutsourceeEvaluation(id=new_id(), outsourcee_id=o.id, evaluated_on=day,
                                           results={str(k): parsed[k] for k in sorted(parsed)},
                                           outcome=str(verdict.outcome), evaluator_id=actor_id, evidence_ref=ref,
                                           created_at=utcnow())
                s.add(row)
                s.flush()
                entry = audit.append(s, action="outsourcing.evaluate", allowed=verdict.selectable,
                                     actor_id=actor_id, reasons=verdict.decision.reasons,
                                     detail={"outsourcee_id": o.id, "evaluation_id": row.id,
                                             "outcome": str(verdict.outcome), "failed": len(verdict.failed)})
        if refused is not None:
            raise AccessDenied(["ACC-ACTOR"], refused)
        return EvaluationResult(row.id, o.id, day, str(verdict.outcome), verdict.failed,
                                verdict.decision.reasons, entry.seq)

    # --- contracts ------------------------------------------------------------------------------------------

    def sign_contract(self, actor_id: str, outsourcee_id: str, *, contract_ref: str, starts_on: dt.date,
                      ends_on: dt.date | None = None, clauses: Iterable[str] = ()) -> ContractResult:
        """Record a contract and the program's clauses it contains; missing clauses are a finding."""
        o = self.outsourcee(outsourcee_id)
        ref = _ref("contract_ref", contract_ref, required=True)
        if not isinstance(starts_on, dt.date) or isinstance(starts_on, dt.datetime):
            raise VaultError("starts_on", "OUT-DATE", "a date is required")
        if ends_on is not None and (not isinstance(ends_on, dt.date) or isinstance(ends_on, dt.datetime)):
            raise VaultError("ends_on", "OUT-DATE", "a date is required")
        if ends_on is not None and ends_on < starts_on:
            raise VaultError("ends_on", "VAULT-DATES", "the contract ends before it starts")
        if isinstance(clauses, str):
            raise VaultError("clauses", "OUT-CLAUSES", "a list of clause ids")
        present = list(dict.fromkeys(clauses))
        check = contract_clauses_check(self.policy.outsourcing.clauses, present)
        if check.unknown:
            raise VaultError("clauses", "OUT-CLAUSES",
                             f"not clauses of the program (outsourcing.clauses): {', '.join(check.unknown)}")
        with unit_of_work(self.sessions) as s:
            refused = self._check_actor(s, actor_id, "outsourcing.contract", o.id)
            if refused is None:
                row = OutsourcingContract(id=new_id(), outsourcee_id=o.id, contract_ref=ref, starts_on=starts_on,
                                          ends_on=ends_on, clauses=present, signed_by=actor_id,
                                          created_at=utcnow())
                s.add(row)
                s.flush()
                entry = audit.append(s, action="outsourcing.contract", allowed=check.decision.allowed,
                                     actor_id=actor_id, reasons=check.decision.reasons,
                                     detail={"outsourcee_id": o.id, "contract_id": row.id,
                                             "missing_clauses": len(check.missing)})
        if refused is not None:
            raise AccessDenied(["ACC-ACTOR"], refused)
        return ContractResult(row.id, o.id, starts_on, ends_on, check.missing, check.decision.reasons, entry.seq)

    def end_contract(self, actor_id: str, contract_id: str, ends_on: dt.date) -> None:
        """Set the day a contract ends (terminated early or its term fixed); data still out then is overdue."""
        if not isinstance(ends_on, dt.date) or isinstance(ends_on, dt.datetime):
            raise VaultError("ends_on", "OUT-DATE", "a date is required")
        with unit_of_work(self.sessions) as s:
            row = s.get(OutsourcingContract, contract_id) if isinstance(contract_id, str) else None
            if row is None:
                raise VaultError("contract_id", "OUT-CONTRACT", "no such contract")
            if ends_on < row.starts_on:
                raise VaultError("ends_on", "VAULT-DATES", "the contract ends before it starts")
            refused = self._check_actor(s, actor_id, "outsourcing.contract_end", row.outsourcee_id)
            if refused is None:
                row.ends_on = ends_on
                audit.append(s, action="outsourcing.contract_end", allowed=True, actor_id=actor_id,
                             reasons=("APPI-25-RETURN",),
                             detail={"outsourcee_id": row.outsourcee_id, "contract_id": row.id,
                                     "ends_on": ends_on.isoformat()})
        if refused is not None:
            raise AccessDenied(["ACC-ACTOR"], refused)

    def _contract_in_force(self, s: Session, outsourcee_id: str, day: dt.date) -> OutsourcingContract | None:
        return s.scalars(select(OutsourcingContract).where(
            OutsourcingContract.outsourcee_id == outsourcee_id, OutsourcingContract.starts_on <= day,
            (OutsourcingContract.ends_on.is_(None)) | (OutsourcingContract.ends_on >= day))
            .order_by(OutsourcingContract.starts_on.desc(), OutsourcingContract.created_at.desc()).limit(1)).first()

    def _latest_evaluation(self, s: Session, outsourcee_id: str) -> OutsourceeEvaluation | None:
        return s.scalars(select(OutsourceeEvaluation).where(OutsourceeEvaluation.outsourcee_id == outsourcee_id)
                         .order_by(OutsourceeEvaluation.evaluated_on.desc(),
                                   OutsourceeEvaluation.created_at.desc()).limit(1)).first()

    # --- re-outsourcing -------------------------------------------------------------------------------------

    def _handles_my_number(self, o: Outsourcee, items: Iterable[str] = ()) -> bool:
        cats = {self.policy.item(i).category for i in (*o.items, *items) if self.policy.item(i) is not None}
        return o.my_number or Category.MY_NUMBER in cats

    def may_re_outsource(self, outsourcee_id: str, *, as_of: dt.date | None = None) -> Decision:
        """May the outsourcee re-outsource now? The program's rule and any permission in force decide."""
        o = self.outsourcee(outsourcee_id)
        day = as_of or clock.today()
        my_number = self._handles_my_number(o)
        with self._reads() as s:
            stmt = select(ReOutsourcingPermission.id).where(
                ReOutsourcingPermission.outsourcee_id == o.id, ReOutsourcingPermission.granted_on <= day,
                (ReOutsourcingPermission.valid_until.is_(None)) | (ReOutsourcingPermission.valid_until >= day))
            if my_number:
                stmt = stmt.where(ReOutsourcingPermission.my_number.is_(True))
            permitted = s.scalar(stmt.limit(1)) is not None
        return re_outsourcing_decision(o.re_outsourcing, my_number=my_number, permission_recorded=permitted)

    def permit_re_outsourcing(self, actor_id: str, outsourcee_id: str, *, sub_outsourcee: str,
                              items: Sequence[str], evidence_ref: str, granted_on: dt.date | None = None,
                              valid_until: dt.date | None = None) -> str:
        """Record our written permission for the outsourcee to re-outsource (再委託の許諾).

        Refused (audited) where the program forbids re-outsourcing for this outsourcee. Where it handles My
        Numbers, the permission covers My Number affairs (MNA Art. 10: the original entrusting party's).
        """
        o = self.outsourcee(outsourcee_id)
        name = _ref("sub_outsourcee", sub_outsourcee, required=True)
        ref = _ref("evidence_ref", evidence_ref, required=True)
        items = list(dict.fromkeys(items))
        for item in items:
            if self.policy.item(item) is None:
                raise VaultError("items", "VAULT-ITEM", "an item is not declared in the policy")
            if o.items and item not in o.items:
                raise VaultError("items", "APPI-27-5-1", "an item is not entrusted to this outsourcee")
        day = self._day(granted_on, "granted_on")
        if valid_until is not None and valid_until < day:
            raise VaultError("valid_until", "VAULT-DATES", "the permission ends before it is granted")
        my_number = self._handles_my_number(o, items)
        decision = re_outsourcing_decision(o.re_outsourcing, my_number=my_number, permission_recorded=True)
        with unit_of_work(self.sessions) as s:
            refused = self._check_actor(s, actor_id, "outsourcing.permit", o.id)
            if refused is None and not decision.allowed:
                refused = audit.append(s, action="outsourcing.permit", allowed=False, actor_id=actor_id,
                                       items=items, reasons=decision.reasons,
                                       detail={"outsourcee_id": o.id}).seq
                codes = list(decision.reasons)
            elif refused is not None:
                codes = ["ACC-ACTOR"]
            else:
                permission_id = new_id()
                s.add(ReOutsourcingPermission(id=permission_id, outsourcee_id=o.id, sub_outsourcee=name,
                                              items=items, my_number=my_number, granted_on=day,
                                              valid_until=valid_until, granted_by=actor_id, evidence_ref=ref,
                                              reasons=list(decision.reasons), created_at=utcnow()))
                s.flush()
                audit.append(s, action="outsourcing.permit", allowed=True, actor_id=actor_id, items=items,
                             reasons=decision.reasons,
                             detail={"outsourcee_id": o.id, "permission_id": permission_id, "my_number": my_number})
        if refused is not None:
            raise AccessDenied(codes, refused)
        return permission_id

    # --- supervision ----------------------------------------------------------------------------------------

    def supervise(self, actor_id: str, outsourcee_id: str, kind: SupervisionKind | str, *,
                  performed_on: dt.date | None = None, findings: Sequence[str] = (), follow_up: str | None = None,
                  follow_up_due: dt.date | None = None, evidence_ref: str | None = None) -> str:
        """Record an on-site audit, a report or a questionnaire; it counts as the periodic review."""
        o = self.outsourcee(outsourcee_id)
        try:
            kind = SupervisionKind(kind)
        except ValueError:
            raise VaultError("kind", "OUT-KIND", "on_site_audit, report or questionnaire") from None
        if isinstance(findings, str) or any(not isinstance(f, str) or not f.strip() for f in findings):
            raise VaultError("findings", "OUT-FINDINGS", "a list of non-empty findings")
        day = self._day(performed_on, "performed_on")
        if follow_up_due is not None and not (follow_up and follow_up.strip()):
            raise VaultError("follow_up", "OUT-FOLLOW-UP", "a follow-up due date needs the follow-up it is for")
        if follow_up_due is not None and follow_up_due < day:
            raise VaultError("follow_up_due", "VAULT-DATES", "the follow-up is due before the supervision")
        ref = _ref("evidence_ref", evidence_ref, required=False)
        with unit_of_work(self.sessions) as s:
            refused = self._check_actor(s, actor_id, "outsourcing.supervise", o.id)
            if refused is None:
                record_id = new_id()
                s.add(SupervisionRecord(id=record_id, outsourcee_id=o.id, kind=str(kind), performed_on=day,
                                        findings=[f.strip() for f in findings],
                                        follow_up=follow_up.strip() if follow_up else None,
                                        follow_up_due=follow_up_due, actor_id=actor_id, evidence_ref=ref,
                                        created_at=utcnow()))
                s.flush()
                codes = ("APPI-25-REVIEW", "MNA-11") if self._handles_my_number(o) else ("APPI-25-REVIEW",)
                audit.append(s, action="outsourcing.supervise", allowed=True, actor_id=actor_id, reasons=codes,
                             detail={"outsourcee_id": o.id, "supervision_id": record_id, "kind": str(kind),
                                     "findings": len(findings)})
        if refused is not None:
            raise AccessDenied(["ACC-ACTOR"], refused)
        return record_id

    # --- handing data out -----------------------------------------------------------------------------------

    def hand_out(self, actor_id: str, outsourcee_id: str, subject_ids: Iterable[str], items: Sequence[str],
                 purpose: str) -> HandOutResult:
        """Hand ``items`` of each subject to the outsourcee for ``purpose``; one hand-out row per person.

        Refused as a whole (audited, :class:`AccessDenied`) without a passing selection evaluation or a
        contract in force containing every clause of the program (Art. 25), or with My Numbers to an
        outsourcee not entrusted with My Number affairs. Then ``Provisions.provide`` decides each person.
        """
        o = self.outsourcee(outsourcee_id)
        if isinstance(subject_ids, str) or isinstance(items, str):
            raise VaultError("subject_ids" if isinstance(subject_ids, str) else "items", "OUT-LIST", "a list")
        subjects = list(dict.fromkeys(subject_ids))
        items = list(dict.fromkeys(items))
        if not subjects:
            raise VaultError("subject_ids", "OUT-SUBJECTS", "name at least one subject")
        if not items:
            raise VaultError("items", "PRV-ITEMS", "name the items to hand out")
        for item in items:
            if self.policy.item(item) is None:
                raise VaultError("items", "VAULT-ITEM", "an item is not declared in the policy")
        if not isinstance(purpose, str) or self.policy.purpose(purpose) is None:
            if isinstance(purpose, str) and re.fullmatch(ID_PATTERN, purpose):
                raise VaultError("purpose", "VAULT-PURPOSE", "not a purpose of the policy")
            raise VaultError("purpose", "VAULT-PURPOSE", "a purpose is a snake_case id of the policy")
        today = clock.today()
        my_number_items = any(self.policy.item(i).category == Category.MY_NUMBER for i in items)  # type: ignore[union-attr]
        with self._reads() as s:
            actor = s.get(Actor, actor_id) if isinstance(actor_id, str) and len(actor_id) <= 36 else None
            evaluation = self._latest_evaluation(s, o.id)
            contract = self._contract_in_force(s, o.id, today)
        if actor is None or not actor.active:
            with unit_of_work(self.sessions) as s:
                refused = self._check_actor(s, actor_id, "outsourcing.hand_out", o.id)
            if refused is not None:
                raise AccessDenied(["ACC-ACTOR"], refused)
        missing = contract_clauses_check(self.policy.outsourcing.clauses, contract.clauses).missing if contract else ()
        decision = entrustment_decision(EntrustmentFacts(
            evaluation=Outcome(evaluation.outcome) if evaluation else None, contract_in_force=contract is not None,
            missing_clauses=missing, my_number_items=my_number_items, my_number_outsourcee=o.my_number))
        if not decision.allowed:
            with unit_of_work(self.sessions) as s:
                entry = audit.append(s, action="outsourcing.hand_out", allowed=False, actor_id=actor_id,
                                     purpose_id=purpose, items=items, reasons=decision.reasons,
                                     detail={"outsourcee_id": o.id, "requested": len(subjects),
                                             "contract_id": contract.id if contract else None,
                                             "evaluation_id": evaluation.id if evaluation else None})
            raise AccessDenied(list(decision.reasons), entry.seq)
        assert contract is not None
        written: dict[str, int] = {}

        def record_handouts(s: Session, result) -> None:  # in provide()'s transaction: all or nothing
            if not result.provided:
                return
            now = utcnow()
            for start in range(0, len(result.provided), CHUNK):
                s.execute(insert(Handout.__table__), [  # Core executemany: no ORM bookkeeping per row
                    {"id": new_id(), "outsourcee_id": o.id, "subject_id": sid, "items": items,
                     "purpose_id": purpose, "provision_id": result.provision_id, "contract_id": contract.id,
                     "handed_out_at": now, "actor_id": actor_id}
                    for sid in result.provided[start:start + CHUNK]])
            written["seq"] = audit.append(
                s, action="outsourcing.hand_out", allowed=True, actor_id=actor_id, purpose_id=purpose,
                items=items, reasons=tuple(dict.fromkeys((*result.reasons, *decision.reasons))),
                detail={"outsourcee_id": o.id, "provision_id": result.provision_id, "contract_id": contract.id,
                        "handed_out": len(result.provided), "refused": len(result.refused)}).seq

        result = self.provisions.provide(actor_id, subjects, o.id, items, purpose_id=purpose,
                                         basis=ProvisionBasis.OUTSOURCING, then=record_handouts)
        reasons = tuple(dict.fromkeys((*result.reasons, *decision.reasons)))
        if not result.provided:
            return HandOutResult(None, contract.id, [], result.refused, reasons, result.audit_seq)
        return HandOutResult(result.provision_id, contract.id, list(result.provided), result.refused, reasons,
                             written["seq"])

    # --- getting it back ------------------------------------------------------------------------------------

    def mark_returned(self, actor_id: str, outsourcee_id: str, certificate_ref: str,
                      subject_ids: Iterable[str] | None = None, *, at: dt.datetime | None = None) -> int:
        """The outsourcee returned the data (of ``subject_ids``; None: all it still holds); the count closed."""
        return self._close("returned", actor_id, outsourcee_id, certificate_ref, subject_ids, at)

    def mark_deleted(self, actor_id: str, outsourcee_id: str, certificate_ref: str,
                     subject_ids: Iterable[str] | None = None, *, at: dt.datetime | None = None) -> int:
        """The outsourcee deleted the data, proven by its deletion certificate; the count closed."""
        return self._close("deleted", actor_id, outsourcee_id, certificate_ref, subject_ids, at)

    def _close(self, how: str, actor_id: str, outsourcee_id: str, certificate_ref: str,
               subject_ids: Iterable[str] | None, at: dt.datetime | None) -> int:
        o = self.outsourcee(outsourcee_id)
        closure = handout_closure(how, certificate_ref if isinstance(certificate_ref, str) else None)
        if not closure.allowed:
            raise VaultError("certificate_ref", "APPI-25-RETURN", closure.note)
        ref = _ref("certificate_ref", certificate_ref, required=True)
        if isinstance(subject_ids, str):
            raise VaultError("subject_ids", "OUT-LIST", "a list of subject ids")
        subjects = None if subject_ids is None else list(dict.fromkeys(subject_ids))
        if subjects is not None and not subjects:
            raise VaultError("subject_ids", "OUT-SUBJECTS", "name at least one subject (or none for all)")
        now = utcnow()
        when = at or now
        if when.tzinfo is None:
            raise VaultError("at", "OUT-DATE", "a timezone-aware time is required")
        if when > now:
            raise VaultError("at", "OUT-DATE", "cannot be in the future")
        column = Handout.returned_at if how == "returned" else Handout.deleted_at
        values = {column.key: when, "closed_at": when, "certificate_ref": ref, "closed_by": actor_id}
        base = update(Handout).where(Handout.outsourcee_id == o.id, Handout.closed_at.is_(None))
        closed = 0
        with unit_of_work(self.sessions) as s:
            refused = self._check_actor(s, actor_id, f"outsourcing.{how}", o.id)
            if refused is None:
                if subjects is None:
                    closed = s.execute(base.values(**values)).rowcount
                else:
                    for start in range(0, len(subjects), CHUNK):
                        closed += s.execute(base.where(Handout.subject_id.in_(subjects[start:start + CHUNK]))
                                            .values(**values)).rowcount
                if closed == 0:
                    raise VaultError("subject_ids", "OUT-NOTHING-OUT",
                                     "no data of these subjects is out with this outsourcee")
                audit.append(s, action=f"outsourcing.{how}", allowed=True, actor_id=actor_id,
                             reasons=closure.reasons,
                             detail={"outsourcee_id": o.id, "closed": closed, "certificate_ref": ref})
        if refused is not None:
            raise AccessDenied(["ACC-ACTOR"], refused)
        return closed

    # --- reports --------------------------------------------------------------------------------------------

    def handouts_for(self, subject_id: str) -> list[dict]:
        """A person's data out with outsourcees now (for erasure and disclosure requests to reach them)."""
        with self._reads() as s:
            rows = s.scalars(select(Handout).where(Handout.subject_id == subject_id, Handout.closed_at.is_(None))
                             .order_by(Handout.handed_out_at, Handout.id)).all()
            return [{"id": h.id, "outsourcee_id": h.outsourcee_id, "items": list(h.items), "purpose": h.purpose_id,
                     "provision_id": h.provision_id, "contract_id": h.contract_id,
                     "handed_out_at": h.handed_out_at.isoformat()} for h in rows]

    def still_out_report(self, as_of: dt.date | None = None) -> list[StillOut]:
        """What is still out with which outsourcee, per contract; contract ended ⇒ ``overdue`` (APPI-25-RETURN).

        Counted in SQL (GROUP BY); one sample row per provision supplies the item names.
        """
        day = as_of or clock.today()
        names = {o.id: o for o in self.policy.outsourcing.outsourcees}
        is_open = (Handout.closed_at.is_(None)) | (Handout.closed_at > _end_of(day))
        out_at = Handout.handed_out_at <= _end_of(day)
        with self._reads() as s:
            groups = s.execute(
                select(Handout.outsourcee_id, Handout.contract_id, func.count(), func.count(Handout.subject_id.distinct()),
                       func.min(Handout.handed_out_at))
                .where(is_open, out_at).group_by(Handout.outsourcee_id, Handout.contract_id)).all()
            samples = s.scalars(select(func.min(Handout.id)).where(is_open, out_at)
                                .group_by(Handout.contract_id, Handout.provision_id)).all()
            items_of: dict[str, set[str]] = {}
            for start in range(0, len(samples), CHUNK):
                for contract_id, items in s.execute(select(Handout.contract_id, Handout.items)
                                                    .where(Handout.id.in_(samples[start:start + CHUNK]))):
                    items_of.setdefault(contract_id, set()).update(items)
            contracts = {c.id: c for c in s.scalars(select(OutsourcingContract).where(
                OutsourcingContract.id.in_([g[1] for g in groups])))} if groups else {}
        lines = []
        for outsourcee_id, contract_id, handouts, subjects, since in groups:
            ends = contracts[contract_id].ends_on
            state = handout_state(day, contract_end=ends, returned=False, deleted=False,
                                  grace_days=self.return_grace_days)
            o = names.get(outsourcee_id)
            lines.append(StillOut(outsourcee_id, str(o.name) if o and o.name else None, o.country if o else "??",
                                  contract_id, ends, str(state), subjects, handouts,
                                  tuple(sorted(items_of.get(contract_id, ()))), since,
                                  (day - ends).days if state is HandoutState.OVERDUE and ends else 0))
        lines.sort(key=lambda ln: (ln.state != HandoutState.OVERDUE, ln.outsourcee_id, ln.since))
        return lines

    def review_report(self, as_of: dt.date | None = None) -> ReviewReport:
        """Each outsourcee of the program: selection, contract and clauses, periodic review, data overdue."""
        day = as_of or clock.today()
        outsourcees = self.policy.outsourcing.outsourcees
        ids = [o.id for o in outsourcees]
        with self._reads() as s:
            evaluations: dict[str, OutsourceeEvaluation] = {}
            for ev in s.scalars(select(OutsourceeEvaluation).where(
                    OutsourceeEvaluation.outsourcee_id.in_(ids), OutsourceeEvaluation.evaluated_on <= day)
                    .order_by(OutsourceeEvaluation.evaluated_on, OutsourceeEvaluation.created_at)):
                evaluations[ev.outsourcee_id] = ev  # the last one wins
            supervised = dict(s.execute(select(SupervisionRecord.outsourcee_id, func.max(SupervisionRecord.performed_on))
                                        .where(SupervisionRecord.outsourcee_id.in_(ids),
                                               SupervisionRecord.performed_on <= day)
                                        .group_by(SupervisionRecord.outsourcee_id)).all())
            follow_ups = dict(s.execute(select(SupervisionRecord.outsourcee_id, func.count())
                                        .where(SupervisionRecord.outsourcee_id.in_(ids),
                                               SupervisionRecord.follow_up_due.is_not(None),
                                               SupervisionRecord.follow_up_due < day)
                                        .group_by(SupervisionRecord.outsourcee_id)).all())
            contracts = {oid: self._contract_in_force(s, oid, day) for oid in ids}
            ended = dict(s.execute(select(OutsourcingContract.outsourcee_id, func.max(OutsourcingContract.ends_on))
                                   .where(OutsourcingContract.outsourcee_id.in_(ids), OutsourcingContract.ends_on < day)
                                   .group_by(OutsourcingContract.outsourcee_id)).all())
        still_out: dict[str, list[StillOut]] = {}
        for line in self.still_out_report(day):
            still_out.setdefault(line.outsourcee_id, []).append(line)
        lines = []
        for o in outsourcees:
            ev = evaluations.get(o.id)
            sup = supervised.get(o.id)
            last = max((d for d in (ev.evaluated_on if ev else None, sup) if d is not None), default=None)
            due = review_due(last, self.review_interval_months) if ev else None
            state = review_state(due, day, self.due_soon_days)
            contract = contracts[o.id]
            missing = contract_clauses_check(self.policy.outsourcing.clauses, contract.clauses).missing \
                if contract else ()
            findings: list[str] = []
            notes: list[str] = []
            if ev is None or ev.outcome != Outcome.PASSED:
                findings.append("APPI-25-SELECTION")
                notes.append("never evaluated" if ev is None else f"last evaluation {ev.outcome}")
            if contract is None or missing:
                findings.append("APPI-25-CONTRACT")
                if contract is None:
                    notes.append(f"contract ended {ended[o.id].isoformat()}" if ended.get(o.id)
                                 else "no contract in force")
                else:
                    notes.append(f"clauses missing: {', '.join(missing)}")
            if state in (ReviewState.DUE, ReviewState.OVERDUE):
                findings.append("APPI-25-REVIEW")
                notes.append(f"review {state} ({due.isoformat()})" if due else f"review {state}")
            if follow_ups.get(o.id):
                findings.append("APPI-25-REVIEW")
                notes.append(f"{follow_ups[o.id]} follow-up(s) past due")
            out = still_out.get(o.id, [])
            if any(ln.state == HandoutState.OVERDUE for ln in out):
                findings.append("APPI-25-RETURN")
                notes.append("data still out after the contract ended")
            abroad = is_foreign(o.country)
            equivalent = abroad and is_equivalent_country(o.country)
            transfer = next((c for c in self.policy.cross_border if o.id in c.parties), None)
            if abroad and not equivalent and transfer is None:
                findings.append("APPI-28-1")
                notes.append("abroad without a declared Art. 28 route")
            lines.append(ReviewLine(
                o.id, str(o.name) if o.name else None, o.country, abroad, equivalent,
                str(transfer.basis) if transfer else None, ev.outcome if ev else None,
                ev.evaluated_on if ev else None, sup, due, str(state), contract.id if contract else None,
                contract.ends_on if contract else None, missing, int(follow_ups.get(o.id, 0)),
                sum(ln.subjects for ln in out), tuple(dict.fromkeys(findings)), tuple(notes)))
        return ReviewReport(day, self.review_interval_months, lines)


def _end_of(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in UTC (a report "as of" a day includes the whole day)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC) - dt.timedelta(microseconds=1)
