"""``/v1/retention``: the disposal plan, legal holds, disposal certificates (廃棄記録) and the events periods
count from — for the staff who answer for retention (APPI Art. 22: delete what is no longer needed).

Who: the retention roles (``app.state.retention_roles`` if set, else :data:`DEFAULT_RETENTION_ROLES`, the
privacy officer and legal staff) for everything; the audit roles given to ``create_app`` may also read the
plan, the holds and the certificates, since checking that disposal happened is an audit. Anyone else is
refused with ``ACC-ROLE-RETENTION``, audited. The plan and the certificates are about many people at once, so
each look is itself in the audit chain (as the bureau report is); placing or releasing a hold and recording
an event are audited by the service. Answers hold ids, rule and item names, dates and counts — never a value.

There is no sweep endpoint: a sweep runs for minutes to hours over the whole vault and resumes after a crash,
which is the job of ``hogo retention sweep`` under cron, not of an HTTP request a proxy may cut.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from hogo.access.audit import append
from hogo.api.auth import HogoDep, Principal, audit_roles, require_actor, role_gate
from hogo.api.errors import ApiError
from hogo.api.schemas import AnyDate, StrictModel, responses
from hogo.db import unit_of_work
from hogo.retention.models import LegalHold
from hogo.retention.service import RECORDED_EVENTS
from hogo.vault.service import VaultError

router = APIRouter(prefix="/v1/retention", tags=["retention"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 422))

DEFAULT_RETENTION_ROLES = frozenset({"privacy_officer", "legal_staff"})
RETENTION_ROLE_CODE = "ACC-ROLE-RETENTION"
MAX_DAYS = 3660  # ten years ahead: longer than any period the law core knows
T = TypeVar("T")

SweepId = Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,36}$", description="the sweep's id")]
HoldId = Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,36}$", description="the hold's id")]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Reason = Annotated[str, Field(min_length=1, max_length=1000, description="a case reference, never the person's data")]
Event = Literal[tuple(sorted(RECORDED_EVENTS))]  # type: ignore[valid-type]


#: Service refusals answered with their own status: rule → (status, message ja, message en).
STATUSES = {
    "RET-HOLD-UNKNOWN": (404, "指定された保存指示は存在しません。", "No such legal hold."),
    "RET-SWEEP-UNKNOWN": (404, "指定された廃棄処理は存在しません。", "No such sweep."),
    "RET-HOLD-RELEASED": (409, "この保存指示は既に解除されています。", "The hold was already released."),
}


def _gate(action: str, *, read: bool):
    """Retention roles (and, to read, the audit roles), else 403 with the refusal audited. An allowed read is
    audited by the route with :func:`_looked` once its input is valid, so a 422 writes nothing; an allowed
    change is audited by the service."""

    def roles(request: Request) -> frozenset[str]:
        own = frozenset(getattr(request.app.state, "retention_roles", DEFAULT_RETENTION_ROLES))
        return own | frozenset(audit_roles(request)) if read else own

    return role_gate(action, roles, RETENTION_ROLE_CODE)


def _look(action: str):
    return _gate(action, read=True)


def _act(action: str):
    return _gate(action, read=False)


def _looked(hogo: HogoDep, action: str, actor: Principal, **detail: object) -> int:
    """Record an allowed look (validated ids and dates only) before it is made; its audit seq."""
    with unit_of_work(hogo.sessions) as s:
        return append(s, action=action, allowed=True, actor_id=actor.id, reasons=("ACC-ALLOWED",),
                      detail={"role": actor.role, **detail}).seq


def _call(fn: Callable[..., T], *args, **kwargs) -> T:
    """Service errors in the API's statuses: an unknown hold or sweep 404, a hold already released 409."""
    try:
        return fn(*args, **kwargs)
    except VaultError as exc:
        if exc.rule not in STATUSES:
            raise
        status, ja, en = STATUSES[exc.rule]
        raise ApiError(status, exc.rule, field=exc.field, rule=exc.rule, message_ja=ja, message_en=en) from None


# --- plan -----------------------------------------------------------------------------------------------

class PlanRuleOut(BaseModel):
    due_now: int = Field(description="due on as_of and not held")
    due_within: int = Field(description="due by as_of + days (including due_now), not held")
    held: int = Field(description="due by as_of + days but under a legal hold")


class PlanRowOut(PlanRuleOut):
    rule_id: str
    item_id: str


class PlanOut(BaseModel):
    as_of: dt.date
    until: dt.date
    rules: dict[str, PlanRuleOut] = Field(description="rule id → counts of records")
    items: list[PlanRowOut] = Field(description="the same counts by rule and item")
    keepers: dict[str, int] = Field(description="law-kept records other rooms will dispose of by until")
    audit_seq: int = Field(description="this look's entry in the audit chain")


@router.get("/plan", response_model=PlanOut)
def plan(actor: Annotated[Principal, Depends(_look("retention.plan"))], hogo: HogoDep,
         as_of: Annotated[AnyDate | None, Query(description="the day to judge (default: today in Japan)")] = None,
         days: Annotated[int, Query(ge=0, le=MAX_DAYS, description="look this many days ahead")] = 30) -> PlanOut:
    """What the sweep will dispose of by ``as_of + days``, by rule and item: counts only, nothing changed."""
    seq = _looked(hogo, "retention.plan", actor, as_of=as_of.isoformat() if as_of else None, days=days)
    p = hogo.retention.plan(as_of, days)
    rows = sorted(p.rows, key=lambda r: (r.rule_id, r.item_id))
    return PlanOut(as_of=p.as_of, until=p.until, rules={k: PlanRuleOut(**v) for k, v in sorted(p.by_rule().items())},
                   items=[PlanRowOut(rule_id=r.rule_id, item_id=r.item_id, due_now=r.due_now,
                                     due_within=r.due_within, held=r.held) for r in rows],
                   keepers=p.keepers, audit_seq=seq)


# --- holds ----------------------------------------------------------------------------------------------

class HoldIn(StrictModel):
    subject_id: Id | None = None
    record_id: Id | None = None
    reason: Reason
    until: AnyDate | None = Field(None, description="last day of the hold (default: until released)")


class ReleaseIn(StrictModel):
    reason: Reason


class HoldOut(BaseModel):
    id: str
    subject_id: str | None
    record_id: str | None
    reason: str
    placed_by: str
    placed_at: dt.datetime
    from_date: dt.date
    until: dt.date | None
    released_at: dt.datetime | None
    released_by: str | None
    release_reason: str | None

    @classmethod
    def of(cls, h: LegalHold) -> HoldOut:
        return cls(id=h.id, subject_id=h.subject_id, record_id=h.record_id, reason=h.reason, placed_by=h.placed_by,
                   placed_at=h.placed_at, from_date=h.from_date, until=h.until_date, released_at=h.released_at,
                   released_by=h.released_by, release_reason=h.release_reason)


class HoldsOut(BaseModel):
    holds: list[HoldOut]
    audit_seq: int


@router.get("/holds", response_model=HoldsOut)
def holds(actor: Annotated[Principal, Depends(_look("retention.holds"))], hogo: HogoDep,
          active_on: Annotated[AnyDate | None, Query(description="only holds active that day (default: all)")] = None,
          ) -> HoldsOut:
    """Legal holds with who placed them, why, and whether they were released."""
    seq = _looked(hogo, "retention.holds", actor, active_on=active_on.isoformat() if active_on else None)
    return HoldsOut(holds=[HoldOut.of(h) for h in hogo.retention.holds(active_on=active_on)], audit_seq=seq)


@router.post("/holds", status_code=201, response_model=HoldOut)
def add_hold(body: HoldIn, actor: Annotated[Principal, Depends(_act("retention.hold"))], hogo: HogoDep) -> HoldOut:
    """Stop disposal of one subject's data, or of one record, from now until released or past ``until``."""
    return HoldOut.of(hogo.retention.add_hold(reason=body.reason, actor_id=actor.id, subject_id=body.subject_id,
                                              record_id=body.record_id, until=body.until))


@router.post("/holds/{hold_id}/release", response_model=HoldOut, responses=responses(404, 409))
def release_hold(hold_id: HoldId, body: ReleaseIn,
                 actor: Annotated[Principal, Depends(_act("retention.hold.release"))], hogo: HogoDep) -> HoldOut:
    """Release a hold; what is due goes at the next sweep."""
    return HoldOut.of(_call(hogo.retention.release_hold, hold_id, actor_id=actor.id, reason=body.reason))


# --- certificates ---------------------------------------------------------------------------------------

class CertificateLineOut(BaseModel):
    rule_id: str
    item_id: str
    method: str = Field(description="shred (key destroyed), delete, or keeper (a room's law-kept records)")
    count: int
    reasons: list[str]
    basis: str | None
    audit_seq: int | None = Field(description="the audit entry of the last chunk counted here")


class SweepOut(BaseModel):
    sweep_id: str
    as_of: dt.date
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    resumed: int
    disposed: int
    start_audit_seq: int | None
    audit_seq: int | None = Field(description="the audit entry that closed the sweep")
    lines: list[CertificateLineOut]


class CertificatesOut(BaseModel):
    sweeps: list[SweepOut]
    audit_seq: int


@router.get("/certificates", response_model=CertificatesOut)
def certificates(actor: Annotated[Principal, Depends(_look("retention.certificates"))],
                 hogo: HogoDep) -> CertificatesOut:
    """Every sweep with its certificate lines: how many records of which item each rule disposed of, and how."""
    seq = _looked(hogo, "retention.certificates", actor)
    lines: dict[str, list[CertificateLineOut]] = {}
    for c in hogo.retention.certificate():
        lines.setdefault(c.sweep_id, []).append(CertificateLineOut(
            rule_id=c.rule_id, item_id=c.item_id, method=c.method, count=c.count, reasons=list(c.reasons),
            basis=c.basis, audit_seq=c.audit_seq))
    return CertificatesOut(audit_seq=seq, sweeps=[
        SweepOut(sweep_id=sw.id, as_of=sw.as_of, status=sw.status, started_at=sw.started_at,
                 finished_at=sw.finished_at, resumed=sw.resumed, disposed=sw.disposed,
                 start_audit_seq=sw.start_audit_seq, audit_seq=sw.audit_seq, lines=lines.get(sw.id, []))
        for sw in hogo.retention.sweeps()])


def _attachment(sweep_id: str, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="disposal-certificate-{sweep_id}.{ext}"'}


@router.get("/certificates/{sweep_id}.csv", response_class=Response, responses={
    **responses(404), 200: {"content": {"text/csv": {}}, "description": "one line per rule × item × method"}})
def certificate_csv(sweep_id: SweepId, actor: Annotated[Principal, Depends(_look("retention.certificates"))],
                    hogo: HogoDep) -> Response:
    """One sweep's disposal certificate as CSV (UTF-8)."""
    seq = _looked(hogo, "retention.certificates", actor, sweep_id=sweep_id, format="csv")
    out = io.StringIO()
    n = _call(hogo.retention.export_csv, out, sweep_id)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={**_attachment(sweep_id, "csv"), "X-Lines": str(n), "X-Audit-Seq": str(seq)})


@router.get("/certificates/{sweep_id}.html", response_class=HTMLResponse, responses={
    **responses(404), 200: {"content": {"text/html": {}}, "description": "the certificate to print"}})
def certificate_html(sweep_id: SweepId, actor: Annotated[Principal, Depends(_look("retention.certificates"))],
                     hogo: HogoDep) -> HTMLResponse:
    """One sweep's disposal certificate (廃棄記録) as a Japanese page; print it to PDF from a browser."""
    seq = _looked(hogo, "retention.certificates", actor, sweep_id=sweep_id, format="html")
    return HTMLResponse(_call(hogo.retention.render_html, sweep_id), headers={"X-Audit-Seq": str(seq)})


# --- events ---------------------------------------------------------------------------------------------

class EventIn(StrictModel):
    subject_id: Id
    event: Event = Field(description="an event a period counts from; record and contract dates come from the vault")
    on: AnyDate


class EventOut(BaseModel):
    subject_id: str
    event: str
    on: dt.date


@router.post("/events", status_code=201, response_model=EventOut, responses=responses(404))
def record_event(body: EventIn, actor: Annotated[Principal, Depends(_act("retention.event"))],
                 hogo: HogoDep) -> EventOut:
    """Record an event a retention period counts from (consent withdrawn, full repayment, retirement …)."""
    try:
        hogo.retention.record_event(body.subject_id, body.event, body.on, actor_id=actor.id)
    except LookupError:  # the vault's "no subject" (its message names the id; ours does not)
        raise ApiError(404, "VAULT-SUBJECT", field="subject_id", rule="VAULT-SUBJECT") from None
    return EventOut(subject_id=body.subject_id, event=body.event, on=body.on)
