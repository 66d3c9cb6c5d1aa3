"""``/v1/search``: who has this value — by blind index, for a purpose. POST, so the value stays out of URLs."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hogo.api.auth import CurrentActor, HogoDep, require_actor
from hogo.api.schemas import SearchIn, SearchOut, responses

router = APIRouter(prefix="/v1/search", tags=["search"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 422))


@router.post("", response_model=SearchOut)
def search(body: SearchIn, actor: CurrentActor, hogo: HogoDep) -> SearchOut:
    """Subjects whose current value of ``item`` equals ``value`` after normalisation (full-width digits,
    hyphens …). Matches the actor may not use for ``purpose`` (consent, suspension, shredding) are left out."""
    return SearchOut(subjects=hogo.access.search(actor.id, body.item, body.value, purpose_id=body.purpose))
