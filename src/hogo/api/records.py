"""``/v1/subjects/{id}/records``: read and write a person's values for a purpose."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hogo.api.auth import CurrentActor, HogoDep, require_actor
from hogo.api.errors import ApiError, explain_all
from hogo.api.schemas import Ident, RecordsIn, RecordsOut, WriteOut, responses
from hogo.api.subjects import SubjectId
from hogo.sdk import Hogo

router = APIRouter(prefix="/v1/subjects/{subject_id}/records", tags=["records"],
                   dependencies=[Depends(require_actor)], responses=responses(401, 403, 404, 410, 422))


def _items(hogo: Hogo, purpose_id: str, requested: list[str] | None) -> list[str]:
    """The requested items (``name,phone`` or repeated), or every item the purpose covers.

    Unknown item names are bad input (422, the name not repeated): the parameter is free text, and
    whatever is sent here would otherwise be echoed in ``withheld`` and written to the audit chain.
    """
    if requested is None:
        purpose = hogo.policy.purpose(purpose_id)
        return [i.id for i in hogo.policy.items_of(purpose)] if purpose else []
    items: list[str] = []
    for part in requested:
        for name in (p.strip() for p in part.split(",")):
            if not name:
                continue
            if hogo.policy.item(name) is None:
                raise ApiError(422, "VAULT-ITEM", field="items", rule="VAULT-ITEM")
            if name not in items:
                items.append(name)
    if not items:
        raise ApiError(422, "API-INVALID", field="items", rule="too_short",
                       message_ja="項目を1つ以上指定してください。", message_en="Name at least one item.")
    return items


@router.get("", response_model=RecordsOut)
def read_records(
    subject_id: SubjectId,
    actor: CurrentActor,
    hogo: HogoDep,
    purpose: Annotated[Ident, Query(description="the purpose of this use")],
    items: Annotated[list[str] | None, Query(description="e.g. name,phone (default: every item of the purpose)")]
    = None,
) -> RecordsOut:
    """The current values of the items the actor may use for ``purpose``; the rest are withheld, with reasons."""
    result = hogo.access.read(actor.id, subject_id, _items(hogo, purpose, items), purpose_id=purpose)
    return RecordsOut(subject_id=result.subject_id, purpose=result.purpose_id, values=result.values,
                      withheld={item: explain_all(codes) for item, codes in result.withheld.items()},
                      audit_seq=result.audit_seq)


@router.put("", response_model=WriteOut)
def write_records(subject_id: SubjectId, body: RecordsIn, actor: CurrentActor, hogo: HogoDep) -> WriteOut:
    """Store values for ``purpose``, all or nothing; an existing value is superseded (history is kept)."""
    result = hogo.access.write(actor.id, subject_id, body.values, purpose_id=body.purpose, source=body.source,
                               channel=body.channel, consent_ref=body.consent_ref)
    return WriteOut(subject_id=result.subject_id, record_ids=result.record_ids, audit_seq=result.audit_seq)
