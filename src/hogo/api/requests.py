"""``/v1/requests``: data-subject requests (Act 32–39) for the request desk — intake, identity, fee, decision.

Only the request-desk roles handle requests (``app.state.request_roles`` if set, else
:data:`DEFAULT_REQUEST_ROLES`); every call, allowed or refused, is in the audit chain. Bodies and answers
carry ids, item names, dates and reason codes; the requester's text is accepted at intake and stored
encrypted, and is never echoed back here. Errors: 404 unknown request, 409 a step the request's state
does not allow (REQ-TRANSITION, REQ-REFUNDED), 422 bad input naming the field and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from hogo.api.auth import HogoDep, Principal, require_actor, role_gate
from hogo.api.errors import ApiError
from hogo.api.schemas import AnyDate, Ident, StrictModel, responses
from hogo.law.requests import AgentKind, Ground, Outcome, RefundGround, RequesterKind, SuspensionBasis
from hogo.policy.models import RequestType, ResponseMethod
from hogo.requests.service import CHANNELS, MAX_DETAILS, Requests, RequestView
from hogo.vault.service import VaultError

router = APIRouter(prefix="/v1/requests", tags=["requests"], dependencies=[Depends(require_actor)],
                   responses=responses(401, 403, 404, 422))

DEFAULT_REQUEST_ROLES = frozenset({"privacy_officer", "request_desk"})
RequestId = Annotated[str, Path(max_length=64, description="the request's id")]
T = TypeVar("T")


def _desk(action: str):
    """The gate: the actor's role must be a request-desk role; the check itself is audited."""

    return role_gate(action, lambda request: getattr(request.app.state, "request_roles", DEFAULT_REQUEST_ROLES),
                     "REQ-ROLE")


def _service(hogo: Any) -> Requests:
    svc = getattr(hogo, "requests", None)
    if svc is None:
        raise ApiError(404, "API-NOT-FOUND")
    return svc


def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Service errors in the API's statuses: unknown request 404, a step the state forbids 409."""
    try:
        return fn(*args, **kwargs)
    except VaultError as exc:
        if exc.rule == "REQ-NOT-FOUND":
            raise ApiError(404, "REQ-NOT-FOUND", field="request_id", rule=exc.rule,
                           message_ja="指定された請求は存在しません。", message_en="No such request.") from None
        if exc.rule in ("REQ-TRANSITION", "REQ-FEE-LAPSED", "REQ-REFUNDED"):
            raise ApiError(409, exc.rule, field=exc.field, rule=exc.rule, message_en=exc.message) from None
        if exc.rule.startswith("CONN-"):  # an external database failed: nothing was recorded, try again later
            raise ApiError(503, exc.rule, field=exc.field, rule=exc.rule, message_en=exc.message,
                           message_ja="外部データベースに接続できなかったため、決定は記録されていません。") from None
        raise




# --- bodies ---------------------------------------------------------------------------------------------

class IntakeIn(StrictModel):
    subject_id: str = Field(max_length=64, description="the one person the request is about")
    type: RequestType
    requester_kind: RequesterKind = RequesterKind.person
    agent_kind: AgentKind | None = None
    channel: Literal[tuple(sorted(CHANNELS))] = "mail"  # type: ignore[valid-type]
    received_on: AnyDate | None = Field(None, description="default: today (Japan)")
    items: list[Ident] = Field(default_factory=list, max_length=200)
    purposes: list[Ident] = Field(default_factory=list, max_length=200)
    recipients: list[Ident] = Field(default_factory=list, max_length=200)
    basis: SuspensionBasis | None = None
    response_method: ResponseMethod | None = None
    details: str | None = Field(None, min_length=1, max_length=MAX_DETAILS,
                                description="what the requester wrote; stored encrypted, never echoed")
    company_caused_leak: bool = False


class DocumentIn(StrictModel):
    kind: str = Field(min_length=1, max_length=200, description="the document's name, e.g. 運転免許証 — never its number")
    holder: Literal["person", "agent"] = "person"
    role: Literal["identity", "proof"] = "identity"
    address_matches: bool | None = True
    photo: bool | None = None


class IdentityIn(StrictModel):
    documents: list[DocumentIn] = Field(max_length=20)
    on: AnyDate | None = None


class FeeIn(StrictModel):
    contacted_on: AnyDate | None = None
    contact_failed: bool = False
    amount_yen: int | None = Field(None, ge=0, le=1_000_000)
    handling_business_days: int | None = Field(None, ge=1, le=365)


class PaymentIn(StrictModel):
    paid_on: AnyDate | None = None


class RefundIn(StrictModel):
    ground: RefundGround = Field(description="leak (a leak the company caused) or overcharge; a refusal is none")
    refunded_on: AnyDate | None = Field(None, description="default: today (Japan)")
    amount_yen: int | None = Field(None, ge=1, le=1_000_000, description="if given, must equal the law's amount")


class DecisionIn(StrictModel):
    outcome: Outcome
    grounds: list[Ground] = Field(default_factory=list, max_length=20)
    corrections: dict[Ident, str] | None = Field(None, description="item → corrected value (correction requests)")
    deletions: list[Ident] = Field(default_factory=list, max_length=200)
    items: list[Ident] | None = None
    purposes: list[Ident] | None = None
    recipients: list[Ident] | None = None
    alternative_measures: str | None = Field(None, min_length=1, max_length=MAX_DETAILS)
    decided_on: AnyDate | None = None


class LapseIn(StrictModel):
    as_of: AnyDate | None = None


class QueueOut(BaseModel):
    request_id: str
    type: str
    subject_id: str
    state: str
    deadline: str
    due_on: dt.date | None
    status: str
    business_days_left: int | None


# --- routes ---------------------------------------------------------------------------------------------

@router.post("", status_code=201, response_model=RequestView)
def intake(body: IntakeIn, actor: Annotated[Principal, Depends(_desk("request.intake"))], hogo: HogoDep) -> RequestView:
    """Receive a request of one person (the request's own data is used only to handle it)."""
    view = _call(_service(hogo).intake, actor.id, body.subject_id, body.type.value,
                 requester_kind=body.requester_kind.value,
                 agent_kind=body.agent_kind.value if body.agent_kind else None, channel=body.channel,
                 received_on=body.received_on, items=body.items, purposes=body.purposes, recipients=body.recipients,
                 basis=body.basis.value if body.basis else None,
                 response_method=body.response_method.value if body.response_method else None,
                 details=body.details, company_caused_leak=body.company_caused_leak)
    return view


@router.get("", response_model=list[RequestView])
def list_requests(actor: Annotated[Principal, Depends(_desk("request.list"))], hogo: HogoDep,
                  state: Annotated[str | None, Query(max_length=24, pattern=r"^[a-z_]+$")] = None,
                  subject_id: Annotated[str | None, Query(max_length=64)] = None) -> list[RequestView]:
    """Requests, oldest first (without their history)."""
    return _service(hogo).list(state=state, subject_id=subject_id)


@router.get("/queue", response_model=list[QueueOut])
def queue(actor: Annotated[Principal, Depends(_desk("request.queue"))], hogo: HogoDep,
          as_of: Annotated[dt.date | None, Query()] = None,
          remind: Annotated[int, Query(ge=0, le=30, description="remind N business days before")] = 2
          ) -> list[QueueOut]:
    """Open requests by their deadline now: overdue, due today, reminders, the rest."""
    return [QueueOut(**e.to_dict()) for e in _service(hogo).queue(as_of, remind_business_days=remind)]


@router.post("/lapse", response_model=list[str])
def lapse(body: LapseIn, actor: Annotated[Principal, Depends(_desk("request.lapse"))], hogo: HogoDep) -> list[str]:
    """Unpaid requests past their payment deadline are treated as not made; their ids."""
    return _service(hogo).lapse_unpaid(body.as_of, actor.id)


@router.get("/{request_id}", response_model=RequestView)
def show(request_id: RequestId, actor: Annotated[Principal, Depends(_desk("request.show"))],
         hogo: HogoDep) -> RequestView:
    """A request with its history (events) and identity checks."""
    return _call(_service(hogo).show, request_id)


@router.post("/{request_id}/identity", response_model=RequestView)
def verify(request_id: RequestId, body: IdentityIn, actor: Annotated[Principal, Depends(_desk("request.identity"))],
           hogo: HogoDep) -> RequestView:
    """Record the documents checked (kinds, never numbers) and the outcome against the program."""
    view, _ = _call(_service(hogo).verify_identity, actor.id, request_id,
                    [d.model_dump() for d in body.documents], on=body.on)
    return view


@router.post("/{request_id}/fee", response_model=RequestView)
def fee(request_id: RequestId, body: FeeIn, actor: Annotated[Principal, Depends(_desk("request.fee"))],
        hogo: HogoDep) -> RequestView:
    """Fix the fee from the program and record the contact; the payment deadline runs from it."""
    return _call(_service(hogo).set_fee, actor.id, request_id, contacted_on=body.contacted_on,
                      contact_failed=body.contact_failed, amount_yen=body.amount_yen,
                      handling_business_days=body.handling_business_days)


@router.post("/{request_id}/payment", response_model=RequestView)
def pay(request_id: RequestId, body: PaymentIn, actor: Annotated[Principal, Depends(_desk("request.payment"))],
        hogo: HogoDep) -> RequestView:
    """The fee arrived (409 REQ-FEE-LAPSED after the payment deadline)."""
    return _call(_service(hogo).record_payment, actor.id, request_id, paid_on=body.paid_on)


@router.post("/{request_id}/decision", response_model=RequestView)
def decide(request_id: RequestId, body: DecisionIn, actor: Annotated[Principal, Depends(_desk("request.decide"))],
           hogo: HogoDep) -> RequestView:
    """Decide full / partial / refused (grounds cite the articles) and carry out the effects."""
    return _call(_service(hogo).decide, actor.id, request_id, body.outcome.value,
                      [g.value for g in body.grounds], corrections=body.corrections, deletions=body.deletions,
                      items=body.items, purposes=body.purposes, recipients=body.recipients,
                      alternative_measures=body.alternative_measures, decided_on=body.decided_on)


@router.post("/{request_id}/refund", response_model=RequestView, responses=responses(409))
def refund(request_id: RequestId, body: RefundIn, actor: Annotated[Principal, Depends(_desk("request.refund"))],
           hogo: HogoDep) -> RequestView:
    """Give back a paid fee on a ground (APPI Art. 38); 409 once refunded, 422 without a ground."""
    return _call(_service(hogo).refund, actor.id, request_id, body.ground.value, refunded_on=body.refunded_on,
                 amount_yen=body.amount_yen)


@router.get("/{request_id}/package", response_model=dict[str, Any])
def package(request_id: RequestId, actor: Annotated[Principal, Depends(_desk("request.package"))],
            hogo: HogoDep) -> dict[str, Any]:
    """The manifest of the disclosure package (sources, entry counts, file hashes — never a value).

    The package is written under the server's package directory on first ask; 409 before a decision to
    disclose, 422 for a request type without a package.
    """
    return _call(_service(hogo).package_manifest, request_id, actor_id=actor.id)


@router.post("/{request_id}/withdraw", response_model=RequestView)
def withdraw(request_id: RequestId, actor: Annotated[Principal, Depends(_desk("request.withdraw"))],
             hogo: HogoDep) -> RequestView:
    """The person withdrew the request."""
    return _call(_service(hogo).withdraw, actor.id, request_id)


@router.post("/{request_id}/close", response_model=RequestView)
def close(request_id: RequestId, actor: Annotated[Principal, Depends(_desk("request.close"))],
          hogo: HogoDep) -> RequestView:
    """The answer or the notice of refusal (with reasons, Art. 36) went out."""
    return _call(_service(hogo).close, actor.id, request_id)
