"""``/v1/subjects/{id}/consents`` and ``/v1/subjects/{id}/opt-outs``: the preference centre, for staff.

Consents are recorded as events (given, withdrawn) and never edited; a receipt follows the Kantara Consent
Receipt v1.1. Opt-outs stop a direct-marketing purpose (DM refusal) and nothing else. Every call is
authenticated and the acting staff member is recorded with the event and in the audit chain. (The public
portal, where the person acts themselves, comes later.)

Deny by default (see :mod:`hogo.consent.service`): recording a consent as given, or taking an opt-out back,
starts use, so it is for staff whose role holds a purpose the document (or the opt-out) covers; a
withdrawal or an opt-out stops use, so any staff member who receives the person's wish may record it. The
state and receipts show the documents the caller's role touches. A refusal is 403 with the reasons, the
audit entry of the refusal and the document or purpose it concerns (``field``, ``target``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from hogo.api.auth import CurrentActor, HogoDep, require_actor
from hogo.api.errors import ApiError, error_response, explain_all
from hogo.api.schemas import Ident, StrictModel, responses
from hogo.api.subjects import SubjectId
from hogo.consent.models import ConsentChannel, ConsentEvent, OptOutEvent
from hogo.consent.service import ConsentDenied, ConsentError, ConsentState

router = APIRouter(prefix="/v1/subjects/{subject_id}", tags=["consents"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 404, 422))

DocumentId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="consent document id")]
PurposeId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="purpose id")]
EvidenceRef = Annotated[str | None, Field(None, min_length=1, max_length=256,
                                          description="reference to the signed form, recording or web log entry "
                                                      "(never a personal value)")]


class ConsentIn(StrictModel):
    document: Ident = Field(description="consent document id of the policy", examples=["application_consent"])
    version: str | None = Field(None, min_length=1, max_length=32, description="default: the version in effect")
    channel: ConsentChannel
    evidence_ref: EvidenceRef = None
    guardian_subject_id: str | None = Field(None, max_length=64, description="the legal representative (a subject)")
    at: dt.datetime | None = Field(None, description="when consent was given (default: now); with a time zone")


class EndIn(StrictModel):
    channel: ConsentChannel
    evidence_ref: EvidenceRef = None
    at: dt.datetime | None = None


class OptOutIn(StrictModel):
    purpose: Ident = Field(examples=["marketing"])
    channel: ConsentChannel = ConsentChannel.web
    evidence_ref: EvidenceRef = None


class ConsentEventOut(BaseModel):
    id: str
    subject_id: str
    document: str
    version: str
    event: str
    at: dt.datetime
    channel: str
    evidence_ref: str | None
    guardian_subject_id: str | None


class OptOutOut(BaseModel):
    id: str
    subject_id: str
    purpose: str
    event: str
    at: dt.datetime
    channel: str


class DocumentOut(BaseModel):
    document: str
    version: str
    current_version: str | None
    given_at: dt.datetime
    channel: str
    guardian_subject_id: str | None
    guardian_needed: bool
    valid: bool
    purposes: list[str]
    provisions: list[str]


class StateOut(BaseModel):
    subject_id: str
    documents: list[DocumentOut]
    purposes: list[str] = Field(description="purposes covered by consents in force, minus opt-outs")
    provisions: list[str]
    opted_out: list[str]


def _event(ev: ConsentEvent) -> ConsentEventOut:
    return ConsentEventOut(id=ev.id, subject_id=ev.subject_id, document=ev.document_id, version=ev.version,
                           event=ev.event, at=ev.at, channel=ev.channel, evidence_ref=ev.evidence_ref,
                           guardian_subject_id=ev.guardian_subject_id)


def _opt(ev: OptOutEvent) -> OptOutOut:
    return OptOutOut(id=ev.id, subject_id=ev.subject_id, purpose=ev.purpose_id, event=ev.event, at=ev.at,
                     channel=ev.channel)


def _state(state: ConsentState) -> StateOut:
    return StateOut(
        subject_id=state.subject_id,
        documents=[DocumentOut(document=d.document_id, version=d.version, current_version=d.current_version,
                               given_at=d.given_at, channel=d.channel, guardian_subject_id=d.guardian_subject_id,
                               guardian_needed=d.guardian_needed, valid=d.valid, purposes=list(d.purposes),
                               provisions=list(d.provisions)) for d in state.documents],
        purposes=sorted(state.purposes), provisions=sorted(state.provisions), opted_out=sorted(state.opted_out))


def _denied(exc: ConsentDenied) -> JSONResponse:
    """403 naming the document (or purpose) refused, with the reasons and the refusal's audit entry."""
    messages: dict[str, str] = {}
    if exc.reasons == ["ACC-ROLE-PURPOSE"]:
        if exc.field == "document_id":
            messages = {"message_ja": f"担当者の役割は、同意書 {exc.target} の対象とする利用目的をいずれも扱えません。",
                        "message_en": f"The actor's role holds none of the purposes consent document "
                                      f"{exc.target} covers."}
        else:
            messages = {"message_ja": f"担当者の役割は、利用目的 {exc.target} を扱えません。",
                        "message_en": f"The actor's role does not hold the purpose {exc.target}."}
    return error_response(403, exc.reasons[0], field=exc.field, rule=exc.reasons[0], target=exc.target,
                          reasons=explain_all(exc.reasons), audit_seq=exc.audit_seq, **messages)


@router.post("/consents", status_code=201, response_model=ConsentEventOut)
def give_consent(subject_id: SubjectId, body: ConsentIn, actor: CurrentActor,
                 hogo: HogoDep) -> ConsentEventOut | JSONResponse:
    """Record the person's consent to a document (version, channel, evidence; the legal representative for a
    minor). A minor's consent without ``guardian_subject_id`` is recorded but does not count. Only for staff
    whose role holds a purpose the document covers: otherwise 403 ACC-ROLE-PURPOSE, nothing recorded."""
    try:
        ev = hogo.consents.give(subject_id, body.document, body.version, channel=body.channel,
                                evidence_ref=body.evidence_ref, actor_id=actor.id,
                                guardian_subject_id=body.guardian_subject_id, at=body.at)
    except ConsentDenied as exc:
        return _denied(exc)
    return _event(ev)


@router.post("/consents/{document_id}/withdraw", status_code=201, response_model=ConsentEventOut)
def withdraw_consent(subject_id: SubjectId, document_id: DocumentId, body: EndIn, actor: CurrentActor,
                     hogo: HogoDep) -> ConsentEventOut:
    """Record a withdrawal: use for the purposes the document covered stops; its history stays. Any staff
    member who receives the person's wish may record it (stopping must be easy, Art. 35)."""
    ev = hogo.consents.withdraw(subject_id, document_id, channel=body.channel, evidence_ref=body.evidence_ref,
                                actor_id=actor.id, at=body.at)
    return _event(ev)


@router.get("/consents", response_model=StateOut)
def consent_state(subject_id: SubjectId, actor: CurrentActor, hogo: HogoDep) -> StateOut | JSONResponse:
    """The documents in force that the caller's role touches, what they cover, and every opted-out purpose."""
    try:
        return _state(hogo.consents.current_state(subject_id, actor_id=actor.id))
    except ConsentDenied as exc:
        return _denied(exc)


@router.get("/consents/{document_id}/receipt", response_model=dict[str, Any])
def consent_receipt(subject_id: SubjectId, document_id: DocumentId, actor: CurrentActor,
                    hogo: HogoDep) -> dict[str, Any] | JSONResponse:
    """A consent receipt (Kantara Consent Receipt v1.1 fields; hogo's extras under ``hogo``), for staff whose
    role touches the document (else 403, before saying whether a consent exists)."""
    try:
        return hogo.consents.receipt(subject_id, document_id, actor_id=actor.id)
    except ConsentDenied as exc:
        return _denied(exc)
    except ConsentError as exc:
        if exc.rule == "CNS-NOT-GIVEN":
            raise ApiError(404, "CNS-NOT-GIVEN", field="document_id", rule=exc.rule) from None
        raise


@router.post("/opt-outs", status_code=201, response_model=OptOutOut)
def opt_out(subject_id: SubjectId, body: OptOutIn, actor: CurrentActor, hogo: HogoDep) -> OptOutOut:
    """Stop use for a direct-marketing purpose (DM refusal). Other purposes: 422 CNS-NOT-DIRECT-MARKETING —
    refusing DM never stops a credit purpose. Any staff member may record it, whatever their role."""
    return _opt(hogo.consents.opt_out(subject_id, body.purpose, channel=body.channel,
                                      evidence_ref=body.evidence_ref, actor_id=actor.id))


@router.delete("/opt-outs/{purpose}", response_model=OptOutOut)
def opt_back_in(subject_id: SubjectId, purpose: PurposeId, actor: CurrentActor,
                hogo: HogoDep) -> OptOutOut | JSONResponse:
    """Take an opt-out back (recorded as an ``opted_in`` event; the opt-out stays in the history). It restarts
    direct marketing, so only staff whose role holds the purpose: otherwise 403 ACC-ROLE-PURPOSE."""
    try:
        return _opt(hogo.consents.opt_in(subject_id, purpose, actor_id=actor.id))
    except ConsentDenied as exc:
        return _denied(exc)
