"""``/v1/subjects``: register a person for a purpose, and record their engagements (contracts …)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from hogo.api.auth import CurrentActor, HogoDep, require_actor
from hogo.api.schemas import Created, EngagementIn, SubjectIn, responses

router = APIRouter(prefix="/v1/subjects", tags=["subjects"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 422))

SubjectId = Annotated[str, Path(max_length=64, description="the subject's id")]


@router.post("", status_code=201, response_model=Created, responses=responses(409))
def create_subject(body: SubjectIn, actor: CurrentActor, hogo: HogoDep) -> Created:
    """Register a person for a purpose (no personal value is stored yet; write records next)."""
    sid = hogo.access.create_subject(actor.id, body.subject_type, purpose_id=body.purpose,
                                     external_ref=body.external_ref)
    return Created(id=sid)


@router.post("/{subject_id}/engagements", status_code=201, response_model=Created, responses=responses(404, 410))
def add_engagement(subject_id: SubjectId, body: EngagementIn, actor: CurrentActor, hogo: HogoDep) -> Created:
    """Record a contract or transaction and the person's role in it — a use for ``purpose``, decided and audited."""
    eid = hogo.access.add_engagement(actor.id, subject_id, purpose_id=body.purpose, kind=body.kind, role=body.role,
                                     start_date=body.start_date, end_date=body.end_date, reference=body.reference)
    return Created(id=eid)
