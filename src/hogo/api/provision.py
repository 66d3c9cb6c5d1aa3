"""``/v1/provision``: third-party provision, receipts, personal-related information, stop-provision, the records.

Provide and receive are uses of personal data for a purpose: the actor's role is checked by the access engine
and each decision (allowed or refused, with the article) is in the audit chain. The records name persons, so
reading them (for one subject, or the export) is for the audit roles given to ``create_app`` — the person's own
copy goes out through a disclosure request — and each look is itself audited.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from hogo.api.audit import SPOOL, _chunks
from hogo.api.auth import CurrentActor, HogoDep, Principal, audit_roles, require_actor, role_gate
from hogo.api.errors import AUDIT_ROLE_CODE, explain_all
from hogo.api.schemas import AnyDate, Ident, ReasonOut, StrictModel, responses
from hogo.law.provision import ProvisionBasis, RecordMethod
from hogo.provision.receipts import Party

router = APIRouter(prefix="/v1/provision", tags=["provision"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 422))

SubjectIds = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]],
                       Field(min_length=1, max_length=100_000, description="subject ids (a batch)")]
Items = Annotated[list[Ident], Field(min_length=1, max_length=200)]
Note = Annotated[str | None, Field(None, min_length=1, max_length=1000)]
Confirmation = Literal["declaration", "contract", "other"]


class PartyIn(StrictModel):
    """A party by policy id, or a business by name and address (a private individual: ``business`` false and
    ``subject_id``)."""

    id: Ident | None = None
    name: str | None = Field(None, min_length=1, max_length=256)
    address: str | None = Field(None, min_length=1, max_length=512)
    representative: str | None = Field(None, min_length=1, max_length=256)
    corporation: bool = True
    business: bool = True
    subject_id: str | None = Field(None, max_length=64)
    public_body: bool = False
    country: str = Field("JP", pattern=r"^[A-Z]{2}$")

    def party(self) -> Party:
        return Party(**self.model_dump())


class ProvideIn(StrictModel):
    recipient: Ident = Field(examples=["cic"])
    items: Items
    purpose: Ident
    subjects: SubjectIds
    basis: ProvisionBasis | None = Field(None, description="default: the recipient's basis in the policy")
    justification: Note = Field(None, description="for a statutory exception: why it applies")
    method: RecordMethod = RecordMethod.PER_PROVISION
    consent_difficult: bool = False
    within_purpose: bool | None = None
    unjust_infringement: bool = False


class ProvideOut(BaseModel):
    provision_id: str | None
    provided: list[str]
    refused: dict[str, list[str]] = Field(description="subject id → reason codes")
    records: int
    reasons: list[ReasonOut]
    cross_border: bool
    audit_seq: int


class ReceiveIn(StrictModel):
    provider: Ident | PartyIn = Field(description="a policy id, or the provider's particulars")
    items: Items
    purpose: Ident
    subjects: SubjectIds
    acquired_how: Note = Field(None, description="how the provider acquired the data (取得の経緯)")
    basis: ProvisionBasis | None = Field(None, description="the provider's basis (default consent)")
    consent_ref: str | None = Field(None, min_length=1, max_length=256, description="the consent confirmed")
    ppc_publication: Note = Field(None, description="opt-out: the PPC publication of the provider's filing")
    received_on: AnyDate | None = None
    method: RecordMethod = RecordMethod.PER_PROVISION
    confirmed_by: Confirmation = "declaration"


class ReceiveOut(BaseModel):
    receipt_id: str | None
    received: list[str]
    refused: dict[str, list[str]]
    records: int
    reasons: list[ReasonOut]
    audit_seq: int


class RelatedIn(StrictModel):
    recipient: Ident | PartyIn
    items: Items = Field(examples=[["cookie_id", "browsing_history"]])
    will_link: bool = True
    consent_confirmed: bool = False
    rules17_confirmed: bool = False
    confirmed_by: Confirmation = "declaration"
    exception: ProvisionBasis | None = None
    justification: Note = None
    identifiers: int | None = Field(None, ge=0)
    provided_on: AnyDate | None = None
    last_provided_on: AnyDate | None = None
    method: RecordMethod = RecordMethod.PER_PROVISION


class RelatedOut(BaseModel):
    record_id: str | None
    reasons: list[ReasonOut]
    retain_until: dt.date | None
    audit_seq: int


class StopIn(StrictModel):
    subject_id: str = Field(min_length=1, max_length=64)
    recipient: Ident | Literal["*"] = Field("*", description="a recipient id, or * for every recipient")


class StopOut(BaseModel):
    stop_id: str


def _party(value: str | PartyIn) -> str | Party:
    return value if isinstance(value, str) else value.party()


@router.post("/provide", response_model=ProvideOut)
def provide(body: ProvideIn, actor: CurrentActor, hogo: HogoDep) -> ProvideOut:
    """Provide the items of each subject to a recipient; each person is provided or refused with the article."""
    r = hogo.provision.provide(actor.id, body.subjects, body.recipient, body.items, purpose_id=body.purpose,
                               basis=body.basis, justification=body.justification, method=body.method,
                               consent_difficult=body.consent_difficult, within_purpose=body.within_purpose,
                               unjust_infringement=body.unjust_infringement)
    return ProvideOut(provision_id=r.provision_id, provided=r.provided, refused=r.refused, records=r.records,
                      reasons=explain_all(r.reasons), cross_border=r.cross_border, audit_seq=r.audit_seq)


@router.post("/receive", response_model=ReceiveOut)
def receive(body: ReceiveIn, actor: CurrentActor, hogo: HogoDep) -> ReceiveOut:
    """Receive data from a third party: the Art. 30 confirmations (or 422 with the article) and the records."""
    r = hogo.provision.receive(actor.id, body.subjects, _party(body.provider), body.items, body.acquired_how,
                               purpose_id=body.purpose, basis=body.basis, consent_ref=body.consent_ref,
                               ppc_publication=body.ppc_publication, received_on=body.received_on,
                               method=body.method, confirmed_by=body.confirmed_by)
    return ReceiveOut(receipt_id=r.receipt_id, received=r.received, refused=r.refused, records=r.records,
                      reasons=explain_all(r.reasons), audit_seq=r.audit_seq)


@router.post("/related", response_model=RelatedOut)
def provide_related(body: RelatedIn, actor: CurrentActor, hogo: HogoDep) -> RelatedOut:
    """Provide personal-related information (Art. 31); 403 with the article until the consent is confirmed."""
    r = hogo.provision.provide_related(
        actor.id, _party(body.recipient), body.items, will_link=body.will_link,
        consent_confirmed=body.consent_confirmed, rules17_confirmed=body.rules17_confirmed,
        confirmed_by=body.confirmed_by, exception=body.exception, justification=body.justification,
        identifiers=body.identifiers, provided_on=body.provided_on, last_provided_on=body.last_provided_on,
        method=body.method)
    return RelatedOut(record_id=r.record_id, reasons=explain_all(r.reasons), retain_until=r.retain_until,
                      audit_seq=r.audit_seq)


@router.post("/stops", status_code=201, response_model=StopOut, responses=responses(404))
def stop_provision(body: StopIn, actor: CurrentActor, hogo: HogoDep) -> StopOut:
    """The person asked that their data no longer be provided to a recipient (or to anyone) (Art. 35(3))."""
    return StopOut(stop_id=hogo.provision.stop_provision(actor.id, body.subject_id, body.recipient))


def _records_gate(action: str):
    return role_gate(action, audit_roles, AUDIT_ROLE_CODE, audit_allowed=True, subject_param="subject_id")


@router.get("/subjects/{subject_id}/records")
def records_for(subject_id: Annotated[str, Path(max_length=64)],
                actor: Annotated[Principal, Depends(_records_gate("provision.records"))],
                hogo: HogoDep) -> dict[str, Any]:
    """The person's provision (Art. 29) and receipt (Art. 30) records still kept."""
    return {"subject_id": subject_id, "provisions": hogo.provision.records_for(subject_id),
            "receipts": hogo.provision.receipts_for(subject_id)}


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}, "description": "one record per line"}})
def export(actor: Annotated[Principal, Depends(_records_gate("provision.export"))], hogo: HogoDep,
           since: Annotated[AnyDate | None, Query(description="records created on or after this day")] = None,
           ) -> StreamingResponse:
    """Every record still kept (provision, receipt, personal-related), as JSON Lines."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL, mode="w+", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed by _chunks
    try:
        count = hogo.provision.export_records(spool, since=since)
    except BaseException:
        spool.close()
        raise
    return StreamingResponse(_chunks(spool), media_type="application/x-ndjson",
                             headers={"X-Records": str(count),
                                      "Content-Disposition": 'attachment; filename="records.jsonl"'})
