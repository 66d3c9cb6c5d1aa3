"""``/v1/bureaus``: credit applications, inquiries and registrations at credit bureaus, and the inspection report.

Business systems post applications (the answer says whether the bureau must be inquired), log inquiries
(refused unless for credit judgment or management, with consent — the refusal is audited) and register
information types in batches. The inspection report is for the audit roles only. Bodies hold ids, amounts,
dates and references — never personal values.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from hogo.access.audit import append
from hogo.access.service import AccessDenied
from hogo.api.auth import CurrentActor, HogoDep, Principal, require_actor
from hogo.api.schemas import AnyDate, Ident, StrictModel, responses
from hogo.db import unit_of_work
from hogo.law.bureau import InquiryPurpose
from hogo.provision.bureau.service import Bureaus

router = APIRouter(prefix="/v1/bureaus", tags=["credit bureaus"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 404, 422))

BureauId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="credit bureau id")]
Ref = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-./:]{0,63}$", description="a reference, never a value")]
SubjectRef = Annotated[str, Field(min_length=1, max_length=64, description="subject id")]


def _bureaus(hogo: HogoDep) -> Bureaus:
    assert hogo.bureaus is not None
    return hogo.bureaus


BureausDep = Annotated[Bureaus, Depends(_bureaus)]


class ApplicationIn(StrictModel):
    subject_id: SubjectRef
    application_ref: Ref
    amount_yen: int = Field(ge=0, description="total credit applied for, in yen")
    applied_on: AnyDate
    contracted_on: AnyDate | None = None
    purpose: Ident = Field(description="the program purpose the application is handled for")


class ApplicationOut(BaseModel):
    application_ref: str
    inquiry_required: bool = Field(description="above the program's threshold: inquire at a bureau")
    reasons: list[str]
    audit_seq: int


class InquiryIn(StrictModel):
    subject_id: SubjectRef
    inquiry_purpose: InquiryPurpose = Field(description="credit_judgment or credit_management; others are refused")
    purpose: Ident = Field(description="the program purpose the actor acts under")
    application_ref: Ref | None = None
    result_ref: Ref | None = None
    at: dt.datetime | None = Field(None, description="when the inquiry was made (default: now); with a time zone")


class InquiryOut(BaseModel):
    inquiry_id: str
    reasons: list[str]
    retain_until: dt.date
    audit_seq: int


class RegistrationIn(StrictModel):
    info_type: int = Field(ge=0, description="index of the information type in the bureau's registrations")
    subject_ids: list[SubjectRef] = Field(min_length=1, max_length=100_000)
    purpose: Ident
    events: dict[str, AnyDate | None] | list[dict[str, AnyDate | None]] | None = Field(
        None, description="event dates for all subjects, or one mapping per subject in order")
    application_refs: list[Ref | None] | None = None
    items: list[Ident] | None = None


class RegistrationOut(BaseModel):
    provision_id: str | None
    registered: int
    refused: dict[str, list[str]]
    keep_until: dict[str, int] = Field(description="last day of registration (ISO; 'open': contract runs) → count")
    audit_seq: int


class FindingOut(BaseModel):
    kind: str
    bureau_id: str | None
    subject_id: str
    ref: str
    on: dt.date | None
    reasons: list[str]


class ReportOut(BaseModel):
    period_from: dt.date
    period_to: dt.date
    as_of: dt.date
    summary: dict[str, int]
    findings: list[FindingOut]
    audit_seq: int


def _auditor(request: Request, actor: CurrentActor, hogo: HogoDep) -> Principal:
    """The inspection report names subjects: only the audit roles may read it (the refusal is audited)."""
    allowed = actor.role in request.app.state.audit_roles
    code = "ACC-ALLOWED" if allowed else "ACC-ROLE-PURPOSE"
    with unit_of_work(hogo.sessions) as s:
        entry = append(s, action="bureau.report", allowed=allowed, actor_id=actor.id, reasons=(code,),
                       detail={"role": actor.role})
    if not allowed:
        raise AccessDenied([code], entry.seq)
    return actor


@router.post("/applications", status_code=201, response_model=ApplicationOut)
def record_application(body: ApplicationIn, actor: CurrentActor, bureaus: BureausDep) -> ApplicationOut:
    """Record an application for credit; above the threshold it must be inquired."""
    r = bureaus.record_application(actor.id, body.subject_id, body.application_ref, body.amount_yen,
                                   body.applied_on, purpose_id=body.purpose, contracted_on=body.contracted_on)
    return ApplicationOut(application_ref=r.application_ref, inquiry_required=r.inquiry_required,
                          reasons=list(r.reasons), audit_seq=r.audit_seq)


@router.post("/{bureau_id}/inquiries", status_code=201, response_model=InquiryOut)
def inquire(bureau_id: BureauId, body: InquiryIn, actor: CurrentActor, bureaus: BureausDep) -> InquiryOut:
    """Log an inquiry (照会) — a receipt from the bureau (Art. 30) — if its purpose and consent allow it."""
    r = bureaus.inquire(actor.id, bureau_id, body.subject_id, body.inquiry_purpose, purpose_id=body.purpose,
                        application_ref=body.application_ref, result_ref=body.result_ref, at=body.at)
    return InquiryOut(inquiry_id=r.inquiry_id, reasons=list(r.reasons), retain_until=r.retain_until,
                      audit_seq=r.audit_seq)


@router.post("/{bureau_id}/registrations", status_code=201, response_model=RegistrationOut)
def register(bureau_id: BureauId, body: RegistrationIn, actor: CurrentActor, bureaus: BureausDep) -> RegistrationOut:
    """Register one information type of a batch of persons (a provision to the bureau, with its records)."""
    r = bureaus.register(actor.id, bureau_id, body.info_type, body.subject_ids, purpose_id=body.purpose,
                         events=body.events, items=body.items, application_refs=body.application_refs)
    return RegistrationOut(provision_id=r.provision_id, registered=r.registered, refused=r.refused,
                           keep_until={k or "open": v for k, v in r.keep_until.items()}, audit_seq=r.audit_seq)


@router.get("/report", response_model=ReportOut)
def report(actor: Annotated[Principal, Depends(_auditor)], bureaus: BureausDep,
           period_from: Annotated[dt.date, Query(alias="from")], period_to: Annotated[dt.date, Query(alias="to")],
           as_of: Annotated[dt.date | None, Query()] = None) -> ReportOut:
    """The periodic inspection: improper inquiries, missing inquiries and registrations, overdue registrations."""
    rep = bureaus.inspection_report(period_from, period_to, as_of=as_of, actor_id=actor.id)
    return ReportOut(period_from=rep.period_from, period_to=rep.period_to, as_of=rep.as_of, summary=rep.summary,
                     findings=[FindingOut(**row) for row in rep.rows()], audit_seq=rep.audit_seq)
