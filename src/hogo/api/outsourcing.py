"""``/v1/outsourcees``: supervision of outsourcees (APPI Art. 25) — evaluate, contract, permit, supervise,
hand data out, get it back, and the report of what is still out and whose review is due.

Handing data out is open to any actor whose role may use the purpose (the provision room decides each
person). Everything else — evaluations, contracts, permissions, supervision records, marking data returned
or deleted, the report — is for the supervising roles (by default those ``create_app`` is given as audit
roles: the privacy officer and the auditor); others are refused with ``ACC-ROLE-SUPERVISION``, audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from hogo.access.audit import append
from hogo.api.auth import CurrentActor, HogoDep, Principal, audit_roles, require_actor, role_gate
from hogo.api.schemas import AnyDate, Ident, StrictModel, responses
from hogo.db import unit_of_work
from hogo.provision.outsourcing.cli import report_data
from hogo.provision.outsourcing.models import SupervisionKind

router = APIRouter(prefix="/v1/outsourcees", tags=["outsourcees"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 422))

SUPERVISION_CODE = "ACC-ROLE-SUPERVISION"
OutsourceeId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="outsourcee id")]
Ref = Annotated[str, Field(min_length=1, max_length=256, description="a document reference, never a personal value")]
SubjectIds = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(min_length=1,
                                                                                      max_length=100_000)]


def _supervisor(action: str):
    """Dependency: the actor holds a supervising role; the check itself is audited when it fails."""

    return role_gate(action, audit_roles, SUPERVISION_CODE)


def Supervisor(action: str):  # noqa: N802 - reads as a type in signatures
    return Annotated[Principal, Depends(_supervisor(action))]


class EvaluationIn(StrictModel):
    results: dict[Annotated[str, Field(pattern=r"^[0-9]{1,3}$")], bool] = Field(
        description='criterion number (1-based, as listed in outsourcing.selection_criteria) → met',
        examples=[{"1": True, "2": True, "3": False}])
    evaluated_on: AnyDate | None = None
    evidence_ref: Ref | None = None


class EvaluationOut(BaseModel):
    id: str
    outsourcee_id: str
    evaluated_on: dt.date
    outcome: str
    failed: list[int]
    reasons: list[str]
    audit_seq: int


class ContractIn(StrictModel):
    contract_ref: Ref
    starts_on: AnyDate
    ends_on: AnyDate | None = None
    clauses: list[Ident] = Field(default_factory=list, description="clause ids of outsourcing.clauses")


class ContractOut(BaseModel):
    id: str
    outsourcee_id: str
    starts_on: dt.date
    ends_on: dt.date | None
    missing_clauses: list[str]
    reasons: list[str]
    audit_seq: int


class ContractEndIn(StrictModel):
    ends_on: AnyDate


class PermissionIn(StrictModel):
    sub_outsourcee: Annotated[str, Field(min_length=1, max_length=256, description="the re-outsourcee's name")]
    items: list[Ident] = Field(min_length=1)
    evidence_ref: Ref
    granted_on: AnyDate | None = None
    valid_until: AnyDate | None = None


class DecisionOut(BaseModel):
    allowed: bool
    reasons: list[str]
    requirement: str | None
    note: str


class SupervisionIn(StrictModel):
    kind: SupervisionKind
    performed_on: AnyDate | None = None
    findings: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(default_factory=list)
    follow_up: Annotated[str | None, Field(None, min_length=1, max_length=2000)] = None
    follow_up_due: AnyDate | None = None
    evidence_ref: Ref | None = None


class Created(BaseModel):
    id: str


class HandOutIn(StrictModel):
    subject_ids: SubjectIds
    items: list[Ident] = Field(min_length=1)
    purpose: Ident


class HandOutOut(BaseModel):
    provision_id: str | None
    contract_id: str
    handed_out: list[str]
    refused: dict[str, list[str]]
    reasons: list[str]
    audit_seq: int


class CloseIn(StrictModel):
    certificate_ref: Ref
    subject_ids: SubjectIds | None = Field(None, description="default: everything still out with the outsourcee")


class ClosedOut(BaseModel):
    closed: int


@router.get("/report")
def report(actor: Supervisor("outsourcing.report"), hogo: HogoDep,  # type: ignore[valid-type]
           as_of: Annotated[dt.date | None, Query(description="default today")] = None) -> dict[str, Any]:
    """Data still out with each outsourcee (``overdue`` once its contract ended) and each outsourcee's
    selection, contract, clauses and periodic-review status, with reason codes as findings."""
    data = report_data(hogo.outsourcing, as_of)
    with unit_of_work(hogo.sessions) as s:
        append(s, action="outsourcing.report", allowed=True, actor_id=actor.id, reasons=("APPI-25-REVIEW",),
               detail={"as_of": data["as_of"], "still_out": len(data["still_out"])})
    return data


@router.post("/{outsourcee_id}/evaluations", status_code=201, response_model=EvaluationOut)
def evaluate(outsourcee_id: OutsourceeId, body: EvaluationIn, actor: Supervisor("outsourcing.evaluate"),  # type: ignore[valid-type]
             hogo: HogoDep) -> EvaluationOut:
    """Record a selection evaluation (every criterion assessed; a failed one makes it not selectable)."""
    r = hogo.outsourcing.evaluate(actor.id, outsourcee_id, body.results, evaluated_on=body.evaluated_on,
                                  evidence_ref=body.evidence_ref)
    return EvaluationOut(id=r.id, outsourcee_id=r.outsourcee_id, evaluated_on=r.evaluated_on, outcome=r.outcome,
                         failed=list(r.failed), reasons=list(r.reasons), audit_seq=r.audit_seq)


@router.post("/{outsourcee_id}/contracts", status_code=201, response_model=ContractOut)
def sign_contract(outsourcee_id: OutsourceeId, body: ContractIn, actor: Supervisor("outsourcing.contract"),  # type: ignore[valid-type]
                  hogo: HogoDep) -> ContractOut:
    """Record a contract and the program's clauses it contains (missing ones are reported, and block hand-outs)."""
    r = hogo.outsourcing.sign_contract(actor.id, outsourcee_id, contract_ref=body.contract_ref,
                                       starts_on=body.starts_on, ends_on=body.ends_on, clauses=body.clauses)
    return ContractOut(id=r.id, outsourcee_id=r.outsourcee_id, starts_on=r.starts_on, ends_on=r.ends_on,
                       missing_clauses=list(r.missing_clauses), reasons=list(r.reasons), audit_seq=r.audit_seq)


@router.post("/contracts/{contract_id}/end", status_code=204)
def end_contract(contract_id: Annotated[str, Path(min_length=1, max_length=36)], body: ContractEndIn,
                 actor: Supervisor("outsourcing.contract_end"), hogo: HogoDep) -> None:  # type: ignore[valid-type]
    """Set the day the contract ends; data still out after it is overdue."""
    hogo.outsourcing.end_contract(actor.id, contract_id, body.ends_on)


@router.get("/{outsourcee_id}/re-outsourcing", response_model=DecisionOut)
def may_re_outsource(outsourcee_id: OutsourceeId, actor: CurrentActor, hogo: HogoDep) -> DecisionOut:
    """May the outsourcee re-outsource today (program rule, permissions in force; My Number: MNA Art. 10)?"""
    d = hogo.outsourcing.may_re_outsource(outsourcee_id)
    return DecisionOut(allowed=d.allowed, reasons=list(d.reasons), requirement=d.requirement, note=d.note)


@router.post("/{outsourcee_id}/permissions", status_code=201, response_model=Created)
def permit(outsourcee_id: OutsourceeId, body: PermissionIn, actor: Supervisor("outsourcing.permit"),  # type: ignore[valid-type]
           hogo: HogoDep) -> Created:
    """Record our written permission for the outsourcee to re-outsource."""
    return Created(id=hogo.outsourcing.permit_re_outsourcing(
        actor.id, outsourcee_id, sub_outsourcee=body.sub_outsourcee, items=body.items,
        evidence_ref=body.evidence_ref, granted_on=body.granted_on, valid_until=body.valid_until))


@router.post("/{outsourcee_id}/supervisions", status_code=201, response_model=Created)
def supervise(outsourcee_id: OutsourceeId, body: SupervisionIn, actor: Supervisor("outsourcing.supervise"),  # type: ignore[valid-type]
              hogo: HogoDep) -> Created:
    """Record an on-site audit, a report or a questionnaire (it counts as the periodic review)."""
    return Created(id=hogo.outsourcing.supervise(
        actor.id, outsourcee_id, body.kind, performed_on=body.performed_on, findings=body.findings,
        follow_up=body.follow_up, follow_up_due=body.follow_up_due, evidence_ref=body.evidence_ref))


@router.post("/{outsourcee_id}/handouts", status_code=201, response_model=HandOutOut)
def hand_out(outsourcee_id: OutsourceeId, body: HandOutIn, actor: CurrentActor, hogo: HogoDep) -> HandOutOut:
    """Hand the items of these persons to the outsourcee for the purpose; each person decided by the law."""
    r = hogo.outsourcing.hand_out(actor.id, outsourcee_id, body.subject_ids, body.items, body.purpose)
    return HandOutOut(provision_id=r.provision_id, contract_id=r.contract_id, handed_out=r.handed_out,
                      refused=r.refused, reasons=list(r.reasons), audit_seq=r.audit_seq)


@router.post("/{outsourcee_id}/handouts/returned", response_model=ClosedOut)
def mark_returned(outsourcee_id: OutsourceeId, body: CloseIn, actor: Supervisor("outsourcing.returned"),  # type: ignore[valid-type]
                  hogo: HogoDep) -> ClosedOut:
    """The outsourcee returned the data (with the certificate of return)."""
    return ClosedOut(closed=hogo.outsourcing.mark_returned(actor.id, outsourcee_id, body.certificate_ref,
                                                           body.subject_ids))


@router.post("/{outsourcee_id}/handouts/deleted", response_model=ClosedOut)
def mark_deleted(outsourcee_id: OutsourceeId, body: CloseIn, actor: Supervisor("outsourcing.deleted"),  # type: ignore[valid-type]
                 hogo: HogoDep) -> ClosedOut:
    """The outsourcee deleted the data (with its deletion certificate)."""
    return ClosedOut(closed=hogo.outsourcing.mark_deleted(actor.id, outsourcee_id, body.certificate_ref,
                                                          body.subject_ids))
