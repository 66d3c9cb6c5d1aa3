"""``/v1/audit``: verify the audit chain and export it, for the audit roles given to ``create_app``.

Looking at the chain is itself recorded in it (``audit.verify`` / ``audit.export``, allowed or refused).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from hogo.api.auth import HogoDep, Principal, audit_roles, require_actor, role_gate
from hogo.api.errors import AUDIT_ROLE_CODE
from hogo.api.schemas import VerifyOut, responses
from hogo.sdk import Hogo

router = APIRouter(prefix="/v1/audit", tags=["audit"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403))

CHUNK = 64 * 1024
SPOOL = 8 * 1024 * 1024


def _gate(action: str):
    return role_gate(action, audit_roles, AUDIT_ROLE_CODE, audit_allowed=True)


@router.get("/verify", response_model=VerifyOut)
def verify(actor: Annotated[Principal, Depends(_gate("audit.verify"))], hogo: HogoDep) -> VerifyOut:
    """Walk the whole chain: sequence without gaps, every link and hash, and the head."""
    result = hogo.audit_verify()
    return VerifyOut(ok=result.ok, count=result.count, first_bad_seq=result.first_bad_seq, problem=result.problem)


def _chunks(spool: IO[str]) -> Iterator[bytes]:
    try:
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk.encode("utf-8")
    finally:
        spool.close()


def _export(hogo: Hogo) -> tuple[IO[str], int]:
    """Export to a spooled file first, so a slow client never holds a database transaction (and, on SQLite,
    the write lock) open; the file spills to disk past 8 MB and is deleted when the response ends."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL, mode="w+", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed by _chunks
    try:
        count = hogo.audit_export(spool)
    except BaseException:
        spool.close()
        raise
    return spool, count


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}},
                             "description": "one canonical JSON entry per line, in seq order"}})
def export(actor: Annotated[Principal, Depends(_gate("audit.export"))], hogo: HogoDep) -> StreamingResponse:
    """Every entry as one canonical JSON line (``hogo.access.audit.verify_jsonl`` checks it offline)."""
    spool, count = _export(hogo)
    return StreamingResponse(_chunks(spool), media_type="application/x-ndjson",
                             headers={"X-Audit-Entries": str(count),
                                      "Content-Disposition": 'attachment; filename="audit.jsonl"'})
