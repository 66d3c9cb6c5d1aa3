"""``/v1/subjects/{id}/consents`` and ``/v1/subjects/{id}/opt-outs``: the preference centre, for staff.

Consents are recorded as events (given, withdrawn) and never edited; a receipt follows the Kantara Consent
Receipt v1.1. Opt-outs stop a direct-marketing purpose (DM refusal) and nothing else. Every call is
authenticated and the acting staff member is recorded with the event and in the audit chain. (The public
portal, where the person acts themselves, comes later.)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from hogo.api.auth import CurrentActor, HogoDep, require_actor
from hogo.api.errors import ApiError
from hogo.api.schemas import Ident, StrictModel, responses
from hogo.api.subjects import SubjectId
from hogo.consent.models import ConsentChannel, ConsentEvent, OptOutEvent
from hogo.consent.service import ConsentError, ConsentState

router = APIRouter(prefix="/v1/subjects/{subject_id}", tags=["consents"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 404, 422))

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


@router.post("/consents", status_code=201, response_model=ConsentEventOut)
def give_consent(subject_id: SubjectId, body: ConsentIn, actor: CurrentActor, hogo: HogoDep) -> ConsentEventOut:
    """Record the person's consent to a document (version, channel, evidence; the legal representative for a
    minor). A minor's consent without ``guardian_subject_id`` is recorded but does not count."""
    ev = hogo.consents.give(subject_id, body.document, body.version, channel=body.channel,
                            evidence_ref=body.evidence_ref, actor_id=actor.id,
                            guardian_subject_id=body.guardian_subject_id, at=body.at)
    return _event(ev)


@router.post("/consents/{document_id}/withdraw", status_code=201, response_model=ConsentEventOut)
def withdraw_consent(subject_id: SubjectId, document_id: DocumentId, body: EndIn, actor: CurrentActor,
                     hogo: HogoDep) -> ConsentEventOut:
    """Record a withdrawal: use for the purposes the document covered stops; its history stays."""
    ev = hogo.consents.withdraw(subject_id, document_id, channel=body.channel, evidence_ref=body.evidence_ref,
                                actor_id=actor.id, at=body.at)
    return _event(ev)


@router.get("/consents", response_model=StateOut)
def consent_state(subject_id: SubjectId, actor: CurrentActor, hogo: HogoDep) -> StateOut:
    """The documents in force, what they cover, and the opted-out purposes."""
    return _state(hogo.consents.current_state(subject_id))


@router.get("/consents/{document_id}/receipt")
def consent_receipt(subject_id: SubjectId, document_id: DocumentId, actor: CurrentActor,
                    hogo: HogoDep) -> dict[str, Any]:
    """A consent receipt (Kantara Consent Receipt v1.1 fields; hogo's extras under ``hogo``)."""
    try:
        return hogo.consents.receipt(subject_id, document_id)
    except ConsentError as exc:
        if exc.rule == "CNS-NOT-GIVEN":
            raise ApiError(404, "CNS-NOT-GIVEN", field="document_id", rule=exc.rule) from None
        raise


@router.post("/opt-outs", status_code=201, response_model=OptOutOut)
def opt_out(subject_id: SubjectId, body: OptOutIn, actor: CurrentActor, hogo: HogoDep) -> OptOutOut:
    """Stop use for a direct-marketing purpose (DM refusal). Other purposes: 422 CNS-NOT-DIRECT-MARKETING —
    refusing DM never stops a credit purpose."""
    return _opt(hogo.consents.opt_out(subject_id, body.purpose, channel=body.channel,
                                      evidence_ref=body.evidence_ref, actor_id=actor.id))


@router.delete("/opt-outs/{purpose}", response_model=OptOutOut)
def opt_back_in(subject_id: SubjectId, purpose: PurposeId, actor: CurrentActor, hogo: HogoDep) -> OptOutOut:
    """Take an opt-out back (recorded as an ``opted_in`` event; the opt-out stays in the history)."""
    return _opt(hogo.consents.opt_in(subject_id, purpose, actor_id=actor.id))
