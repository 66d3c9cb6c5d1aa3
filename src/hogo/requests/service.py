"""The requests room: a data-subject request from intake to decision and its effects (Act 32–39).

The law is :mod:`hogo.law.requests` (states, grounds, identity, fees, deadlines); this service gathers the
facts from the program and the other rooms, writes the request, its events and identity checks, and
makes the decision *happen*:

* correction → a new version of the value in the vault (the old one stays in history);
* deletion / erasure → exactly the items in scope are erased (all of a person: crypto-shredded), except
  records the retention room says must be kept, which the decision names with their reason — in the vault
  *and* in the external databases the program declares (``connectors:``), with counts per source;
* suspension → a suspension of the named purposes in the access engine (reads for them are refused);
* stop of provision → a stop in the provision room (provide() refuses the recipient);
* purpose notice, My Number held, provision records → an answer of ids and counts, never values.

Every step is an event of the request and an entry of the audit chain (ids, item names and codes only).
Bad input raises :class:`~hogo.vault.service.VaultError` naming the field and the rule and changes
nothing. Effects in other rooms (suspend, stop provision) run through their services — each its own
transaction — after every check has passed and before the decision is written; they are idempotent, so
if recording the decision fails the request stays ``in_review`` and deciding again is safe.

External databases are other systems: no transaction spans them and hogo's. Their erasure (one transaction
per connector) runs after every check and before the vault's transaction; the keys that find the person
there are read from the vault first. If an external erasure fails, nothing of the decision is written (the
vault keeps its data, the request stays ``in_review``, the failure is audited naming the connector) and
deciding again is safe: a repeated delete or null finds nothing more to change. Suspension does not reach
them: it stops *use* through hogo's access engine, and the program's connectors declare no suspension.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.access.service import ALL_PURPOSES, Access
from hogo.connectors.service import ConnectorError, Connectors, ErasureCount
from hogo.db import unit_of_work
from hogo.law.calendar import BusinessCalendar
from hogo.law.categories import Category
from hogo.law.requests import (
    CLOSED_STATES,
    AgentKind,
    CheckResult,
    FeeQuote,
    FeeRule,
    Ground,
    IdentityOutcome,
    IdentityProgram,
    Outcome,
    RefundGround,
    RequesterKind,
    RequestState,
    SubmittedDocument,
    SuspensionBasis,
    TransitionError,
    check_decision,
    check_transition,
    decide_refund,
    parse_fee_condition,
    payment_deadline,
    quote_fee,
    refusal_notice_due,
    response_due,
    verify_identity,
)
from hogo.policy.models import Policy, RequestProcedure, ResponseMethod
from hogo.provision.models import ALL_RECIPIENTS
from hogo.requests.models import IdentityCheck, RequestEvent, SubjectRequest
from hogo.vault.crypto import Cipher
from hogo.vault.models import Subject, new_id, utcnow
from hogo.vault.service import Vault, VaultError

CHANNELS = frozenset({"mail", "phone", "in_person", "web", "email", "api"})
_ITEM_TYPES = frozenset({"disclosure", "correction", "erasure"})
_PURPOSE_TYPES = frozenset({"suspension"})
_RECIPIENT_TYPES = frozenset({"stop_provision"})
_BASIS_TYPES = frozenset({"suspension", "erasure", "stop_provision"})
_NUMBER_LIKE = re.compile(r"\d{4,}")
MAX_DETAILS = 4000


class RetentionSource(Protocol):
    """What the retention room answers: which of a person's items must be kept on a day, and why."""

    def retained_items(self, session: Session | None, subject_id: str, on: dt.date) -> Mapping[str, str]: ...


class Packager(Protocol):
    """Builds the disclosure package of a decided request (another room's work)."""

    def package(self, request_id: str, *, out_dir: Any = None, actor_id: str | None = None) -> Any: ...

    def manifest(self, request_id: str, *, actor_id: str | None = None) -> dict: ...

    def discard(self, request_id: str) -> list[str]: ...


@dataclass(frozen=True)
class RequestView:
    """A request as the API, the CLI and tests see it: ids, dates, codes — never a personal value."""

    id: str
    type: str
    subject_id: str
    requester_kind: str
    agent_kind: str | None
    channel: str
    received_on: dt.date
    state: str
    due_on: dt.date
    complete_on: dt.date | None
    fee_yen: int | None
    fee_waived: bool
    fee_reasons: list[str]
    contacted_on: dt.date | None
    contact_failed: bool
    payment_due_on: dt.date | None
    paid_at: dt.datetime | None
    refund_yen: int | None
    refunded_on: dt.date | None
    refund_reasons: list[str]
    identity_confirmed: bool | None
    scope: dict
    response_method: str | None
    outcome: str | None
    grounds: list[str]
    reasons: list[str]
    retained: dict
    answer: dict
    alternative_measures: str | None
    decided_at: dt.datetime | None
    notice_due_on: dt.date | None
    closed_at: dt.datetime | None
    has_details: bool
    events: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class QueueEntry:
    """One open request in the desk's queue: the deadline that matters now and how it stands."""

    request_id: str
    type: str
    subject_id: str
    state: str
    deadline: str  # "answer", "payment" or "notice"
    due_on: dt.date | None
    status: str  # "overdue", "due_today", "reminder", "open", "waiting" (no deadline yet)
    business_days_left: int | None

    def to_dict(self) -> dict:
        return asdict(self)


def _err(field_name: str, rule: str, message: str) -> VaultError:
    return VaultError(field_name, rule, message)


def _guard(exc: TransitionError) -> VaultError:
    return VaultError(exc.field, exc.code, exc.message)


@dataclass
class Requests:
    """Data-subject requests of one company's program."""

    policy: Policy
    sessions: sessionmaker[Session]
    vault: Vault
    access: Access
    consents: Any = None
    provisions: Any = None
    retention: RetentionSource | None = None
    packager: Packager | None = None
    read_sessions: sessionmaker[Session] | None = None
    connectors: Connectors | None = None  # default: the program's, opened per erasure and closed after
    calendar: BusinessCalendar = field(init=False)

    def __post_init__(self) -> None:
        closures = tuple(tuple(c) for c in self.policy.calendar.company_closures)
        self.calendar = BusinessCalendar(company_closures=closures)

    # --- the program, as the law core's facts ---------------------------------------------------------------

    def procedure(self, request_type: str) -> RequestProcedure | None:
        return next((p for p in self.policy.requests.procedures if str(p.type) == request_type), None)

    def identity_program(self) -> IdentityProgram:
        ids = self.policy.requests.identity_documents

        def names(texts) -> tuple[str, ...]:
            return tuple(n for t in texts for n in (t.ja, t.en) if n)

        proofs: dict[str, tuple[str, ...]] = {}
        for agent in self.policy.requests.agents:
            proofs[agent.kind] = proofs.get(agent.kind, ()) + tuple(p.ja for p in agent.proofs)
        return IdentityProgram(photo=names(ids.photo), non_photo=names(ids.non_photo),
                               non_photo_required=ids.non_photo_required, agent_proofs=proofs)

    def fee_rules(self, request_type: str) -> list[FeeRule]:
        proc = self.procedure(request_type)
        if proc is None:
            return []
        return [FeeRule(f.amount_yen, parse_fee_condition(f.condition.ja if f.condition else None,
                                                          f.condition.en if f.condition else None),
                        f.actual_cost_yen, f.tax) for f in proc.fees]

    def _handling_days(self, request_type: str) -> int:
        proc = self.procedure(request_type)
        return (proc.deadline_business_days if proc and proc.deadline_business_days
                else self.policy.law.request_sla_business_days)

    def quote(self, row: SubjectRequest, handling_business_days: int | None = None) -> FeeQuote:
        method = row.response_method
        try:
            return quote_fee(row.type, self.fee_rules(row.type),
                             handling_business_days=handling_business_days or self._handling_days(row.type),
                             company_caused_leak=row.company_caused_leak,
                             postal=method in (ResponseMethod.mail.value, ResponseMethod.registered_mail.value),
                             params=self.policy.law)
        except ValueError as exc:
            raise _err("fee_yen", "APPI-38-2", str(exc)) from None

    def _due(self, request_type: str, start: dt.date) -> dt.date:
        proc = self.procedure(request_type)
        return response_due(start, proc.deadline_business_days if proc else None, self.calendar, self.policy.law)

    # --- internals ------------------------------------------------------------------------------------------

    def _reads(self) -> sessionmaker[Session]:
        return self.read_sessions or self.sessions

    def _load(self, s: Session, request_id: str, *, lock: bool = False) -> SubjectRequest:
        stmt = select(SubjectRequest).where(SubjectRequest.id == request_id)
        if lock:
            stmt = stmt.with_for_update()
        row = s.scalar(stmt)
        if row is None:
            raise _err("request_id", "REQ-NOT-FOUND", "no such request")
        return row

    def _event(self, s: Session, row: SubjectRequest, actor_id: str | None, event: str, to_state: RequestState | str,
               reasons: Sequence[str] = (), detail: Mapping[str, str | int | bool | None] | None = None, *,
               stay: bool = False) -> None:
        """Move the request's state (``stay``: an event that keeps it), append the event and the audit entry."""
        before = row.state
        if not (stay and str(to_state) == before):
            try:
                check_transition(before, to_state)
            except TransitionError as exc:
                raise _guard(exc) from None
        row.state = str(to_state)
        row.updated_at = utcnow()
        seq = (s.scalar(select(func.max(RequestEvent.seq)).where(RequestEvent.request_id == row.id)) or 0) + 1
        info = dict(detail or {})
        s.add(RequestEvent(id=new_id(), request_id=row.id, seq=seq, at=utcnow(), actor_id=actor_id, event=event,
                           from_state=before if seq > 1 else None, to_state=row.state, reasons=list(reasons),
                           detail=info))
        s.flush()
        audit.append(s, action=f"request.{event}", allowed=True, actor_id=actor_id, subject_id=row.subject_id,
                     items=list(row.scope.get("items", [])), reasons=list(reasons) or ["APPI-37"],
                     detail={"request_id": row.id, "type": row.type, "from": before if seq > 1 else None,
                             "to": row.state, **info})

    def _aad(self, row_id: str, subject_id: str) -> bytes:
        return f"hogo:req:v1|{row_id}|{subject_id}".encode()

    def _cipher(self, s: Session, subject_id: str) -> Cipher:
        # The person's own standard data key: shredding the person makes the request text unreadable too.
        return Cipher(self.vault._data_key(s, subject_id, "standard", create=True))

    def _view(self, s: Session, row: SubjectRequest, full: bool = False) -> RequestView:
        events, checks = [], []
        if full:
            events = [{"seq": e.seq, "at": e.at, "actor_id": e.actor_id, "event": e.event, "from": e.from_state,
                       "to": e.to_state, "reasons": list(e.reasons), "detail": dict(e.detail)}
                      for e in s.scalars(select(RequestEvent).where(RequestEvent.request_id == row.id)
                                         .order_by(RequestEvent.seq))]
            checks = [{"at": c.at, "holder": c.holder, "role": c.role, "document_kind": c.document_kind,
                       "photo": c.photo, "result": c.result, "code": c.code}
                      for c in s.scalars(select(IdentityCheck).where(IdentityCheck.request_id == row.id)
                                         .order_by(IdentityCheck.seq))]
        return RequestView(
            id=row.id, type=row.type, subject_id=row.subject_id, requester_kind=row.requester_kind,
            agent_kind=row.agent_kind, channel=row.channel, received_on=row.received_on, state=row.state,
            due_on=row.due_on, complete_on=row.complete_on, fee_yen=row.fee_yen, fee_waived=row.fee_waived,
            fee_reasons=list(row.fee_reasons or []), contacted_on=row.contacted_on, contact_failed=row.contact_failed,
            payment_due_on=row.payment_due_on, paid_at=row.paid_at, refund_yen=row.refund_yen,
            refunded_on=row.refunded_on, refund_reasons=list(row.refund_reasons or []),
            identity_confirmed=row.identity_confirmed,
            scope=dict(row.scope or {}), response_method=row.response_method, outcome=row.outcome,
            grounds=list(row.grounds or []), reasons=list(row.reasons or []), retained=dict(row.retained or {}),
            answer=dict(row.answer or {}), alternative_measures=row.alternative_measures, decided_at=row.decided_at,
            notice_due_on=row.notice_due_on, closed_at=row.closed_at, has_details=row.details is not None,
            events=events, checks=checks)

    def _fee_settled(self, row: SubjectRequest) -> bool:
        """Nothing (more) to pay: no fee, a waived one, or paid."""
        return row.paid_at is not None or row.fee_yen == 0

    def _complete(self, s: Session, row: SubjectRequest, actor_id: str | None, on: dt.date, event: str,
                  reasons: Sequence[str], detail: Mapping[str, Any] | None = None) -> None:
        """Identity confirmed and fee settled: the request is complete, the answer clock restarts from today."""
        row.complete_on = on
        row.due_on = max(row.due_on, self._due(row.type, on))
        self._event(s, row, actor_id, event, RequestState.in_review, reasons, detail)

    # --- intake ---------------------------------------------------------------------------------------------

    def _check_scope(self, request_type: str, items: Sequence[str], purposes: Sequence[str],
                     recipients: Sequence[str], basis: str | None) -> dict:
        for item in items:
            if self.policy.item(item) is None:
                raise _err("items", "VAULT-ITEM", "an item is not declared in the policy")
        for purpose in purposes:
            if self.policy.purpose(purpose) is None:
                raise _err("purposes", "VAULT-PURPOSE", "a purpose is not declared in the policy")
        for recipient in recipients:
            if self.provisions is None:
                raise _err("recipients", "REQ-TYPE", "no provision room to stop provision in")
            self.provisions.recipient(recipient)  # VaultError PRV-RECIPIENT for an unknown one
        if items and request_type not in _ITEM_TYPES:
            raise _err("items", "REQ-TYPE", f"a {request_type} request does not take items")
        if purposes and request_type not in _PURPOSE_TYPES:
            raise _err("purposes", "REQ-TYPE", f"a {request_type} request does not take purposes")
        if recipients and request_type not in _RECIPIENT_TYPES:
            raise _err("recipients", "REQ-TYPE", f"a {request_type} request does not take recipients")
        if request_type == "correction" and not items:
            raise _err("items", "REQ-TYPE", "a correction request names the items to correct, add or delete")
        scope: dict[str, Any] = {"items": list(dict.fromkeys(items)), "purposes": list(dict.fromkeys(purposes)),
                                 "recipients": list(dict.fromkeys(recipients))}
        if basis is not None:
            if request_type not in _BASIS_TYPES:
                raise _err("basis", "REQ-TYPE", f"a {request_type} request takes no Art. 35 basis")
            try:
                b = SuspensionBasis(basis)
            except ValueError:
                raise _err("basis", "REQ-TYPE", "basis must be one of " + ", ".join(SuspensionBasis)) from None
            if request_type == "stop_provision" and b in (SuspensionBasis.unlawful_handling,
                                                          SuspensionBasis.unlawful_acquisition):
                raise _err("basis", "APPI-35-3", "stopping provision rests on Art. 27(1)/28 or an Art. 35(5) ground")
            if request_type != "stop_provision" and b is SuspensionBasis.unlawful_provision:
                raise _err("basis", "APPI-35-1", "suspension and erasure rest on Arts. 18-20 or an Art. 35(5) ground")
            scope["basis"] = b.value
        return scope

    def intake(self, actor_id: str, subject_id: str | Sequence[str], request_type: str, *,
               requester_kind: str = "person", agent_kind: str | None = None, channel: str = "mail",
               received_on: dt.date | None = None, items: Sequence[str] = (), purposes: Sequence[str] = (),
               recipients: Sequence[str] = (), basis: str | None = None, response_method: str | None = None,
               details: str | None = None, company_caused_leak: bool = False) -> RequestView:
        """Receive a request: one company, one person (a form naming several is taken for the first only).

        ``details`` (what the requester wrote) is stored encrypted under the person's key and used only to
        handle the request; nothing else personal is kept.
        """
        extra: list[str] = []
        if not isinstance(subject_id, str):
            named = list(dict.fromkeys(subject_id))
            if not named:
                raise _err("subject_id", "REQ-ONE-PERSON", "a request names one person")
            subject_id, extra = named[0], named[1:]
        if self.procedure(request_type) is None:
            raise _err("type", "REQ-TYPE", "the program provides no procedure for this request type")
        try:
            kind = RequesterKind(requester_kind)
        except ValueError:
            raise _err("requester_kind", "APPI-37", "requester_kind is person, agent or staff") from None
        if kind is RequesterKind.agent:
            if agent_kind is None:
                raise _err("agent_kind", "APPI-ORDER-13", "an agent is a legal_representative or appointed")
            try:
                agent_kind = AgentKind(agent_kind).value
            except ValueError:
                raise _err("agent_kind", "APPI-ORDER-13", "an agent is a legal_representative or appointed") from None
        elif agent_kind is not None:
            raise _err("agent_kind", "APPI-ORDER-13", "agent_kind is only for requests made by an agent")
        if channel not in CHANNELS:
            raise _err("channel", "APPI-37", "channel is one of " + ", ".join(sorted(CHANNELS)))
        methods = [str(m) for m in self.policy.requests.response_methods]
        if response_method is None:
            response_method = methods[0]
        elif response_method not in methods:
            raise _err("response_method", "APPI-33-1", "the program does not answer by this method")
        if details is not None and (not details.strip() or len(details) > MAX_DETAILS):
            raise _err("details", "APPI-37", f"details are 1 to {MAX_DETAILS} characters")
        scope = self._check_scope(request_type, items, purposes, recipients, basis)
        on = received_on or clock.today()
        with unit_of_work(self.sessions) as s:
            if s.get(Subject, subject_id) is None:
                raise _err("subject_id", "VAULT-SUBJECT", "no such subject")
            row = SubjectRequest(
                id=new_id(), type=request_type, subject_id=subject_id, requester_kind=kind.value,
                agent_kind=agent_kind, channel=channel, received_at=utcnow(), received_on=on,
                state=RequestState.received.value, due_on=self._due(request_type, on), fee_waived=False,
                fee_reasons=[], company_caused_leak=company_caused_leak, contact_failed=False, scope=scope,
                response_method=response_method, grounds=[], reasons=[], retained={}, answer={})
            if details is not None:
                row.details = self._cipher(s, subject_id).encrypt(details, self._aad(row.id, subject_id))
            s.add(row)
            s.flush()
            self._event(s, row, actor_id, "intake", RequestState.received,
                        ["APPI-37", *(["REQ-ONE-PERSON"] if extra else [])],
                        {"requester_kind": kind.value, "agent_kind": agent_kind, "channel": channel,
                         "ignored_subjects": len(extra)}, stay=True)
            return self._view(s, row, full=True)

    def details(self, actor_id: str, request_id: str) -> str | None:
        """The requester's own text, for handling the request only (the reading is audited)."""
        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id)
            if row.details is None:
                return None
            text = self._cipher(s, row.subject_id).decrypt(row.details, self._aad(row.id, row.subject_id))
            audit.append(s, action="request.details", allowed=True, actor_id=actor_id, subject_id=row.subject_id,
                         reasons=["APPI-37"], detail={"request_id": row.id})
            return text

    # --- identity -------------------------------------------------------------------------------------------

    def verify_identity(self, actor_id: str, request_id: str, documents: Iterable[SubmittedDocument | Mapping],
                        *, on: dt.date | None = None) -> tuple[RequestView, IdentityOutcome]:
        """Check the documents against the program; each check is recorded (kinds and results only).

        Confirmed: the request moves on (to payment if a fee is due, else to review). Not confirmed: it
        waits for documents (``awaiting_identity``); the failed check is the stated ground if it is refused.
        """
        docs = [d if isinstance(d, SubmittedDocument) else SubmittedDocument(**dict(d)) for d in documents]
        for d in docs:
            if not d.kind or len(d.kind) > 200 or _NUMBER_LIKE.search(d.kind):
                raise _err("documents.kind", "APPI-ORDER-12-3",
                           "a document kind is its name (e.g. 運転免許証), never its number")
            if d.holder not in ("person", "agent") or d.role not in ("identity", "proof"):
                raise _err("documents", "APPI-ORDER-12-3", "holder is person or agent; role is identity or proof")
        day = on or clock.today()
        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id, lock=True)
            if row.state not in (RequestState.received, RequestState.awaiting_identity):
                raise _err("state", "REQ-TRANSITION", f"identity is checked before review; the request is {row.state}")
            requester = RequesterKind.person if row.requester_kind == RequesterKind.staff else row.requester_kind
            try:
                outcome = verify_identity(self.identity_program(), requester, docs, row.agent_kind)
            except TransitionError as exc:
                raise _guard(exc) from None
            now = utcnow()
            base = s.scalar(select(func.count()).select_from(IdentityCheck)
                            .where(IdentityCheck.request_id == row.id)) or 0
            s.add_all([IdentityCheck(id=new_id(), request_id=row.id, seq=base + i, at=now, actor_id=actor_id,
                                     holder=c.holder,
                                     role=c.role, document_kind=c.kind[:200], photo=c.photo, result=c.result.value,
                                     code=c.code) for i, c in enumerate(outcome.checks)])
            row.identity_confirmed = outcome.confirmed
            detail = {"documents": len(docs), "accepted": sum(c.result is CheckResult.accepted for c in outcome.checks),
                      "confirmed": outcome.confirmed}
            if not outcome.confirmed:
                self._event(s, row, actor_id, "identity_failed", RequestState.awaiting_identity, outcome.codes, detail,
                            stay=True)
            else:
                codes = ["APPI-ORDER-12-3"] + (["APPI-ORDER-13"] if row.requester_kind == RequesterKind.agent else [])
                if row.fee_yen is None:
                    q = self.quote(row)
                    row.fee_yen, row.fee_waived, row.fee_reasons = q.amount_yen, q.waived, list(q.reasons)
                if self._fee_settled(row):
                    self._complete(s, row, actor_id, day, "identity_confirmed", codes, detail)
                else:
                    self._event(s, row, actor_id, "identity_confirmed", RequestState.awaiting_payment, codes, detail)
            return self._view(s, row, full=True), outcome

    # --- fees -----------------------------------------------------------------------------------------------

    def set_fee(self, actor_id: str, request_id: str, *, contacted_on: dt.date | None = None,
                contact_failed: bool = False, amount_yen: int | None = None,
                handling_business_days: int | None = None) -> RequestView:
        """Fix the fee from the program and record that it was communicated (or that contact failed).

        The payment deadline runs from ``contacted_on``: the program's ``payment_deadline_days``, doubled when
        contact failed. ``amount_yen`` is needed only where the program names a fee without an amount, and
        must then pass the Art. 38(2) check; where the program states the amount, it is that amount.
        """
        day = contacted_on or clock.today()
        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id, lock=True)
            if row.state not in (RequestState.received, RequestState.awaiting_identity, RequestState.awaiting_payment):
                raise _err("state", "REQ-TRANSITION", f"the fee is fixed before review; the request is {row.state}")
            if row.paid_at is not None:
                raise _err("fee_yen", "REQ-TRANSITION", "the fee was already paid")
            q = self.quote(row, handling_business_days)
            amount = q.amount_yen
            if amount is None:
                if amount_yen is None:
                    raise _err("amount_yen", "APPI-38-2", "the program names a fee without an amount: state it")
                from hogo.law.rights import fee_check

                check = fee_check(amount_yen, row.type, None, self.policy.law)
                if not check.allowed:
                    raise _err("amount_yen", check.reasons[0], check.note or "not a lawful fee")
                amount = amount_yen
            elif amount_yen is not None and amount_yen != amount:
                raise _err("amount_yen", "APPI-38-2", f"the program fixes this fee at {amount} yen")
            row.fee_yen, row.fee_waived, row.fee_reasons = amount, q.waived, list(q.reasons)
            row.contacted_on, row.contact_failed = day, contact_failed
            row.payment_due_on = (payment_deadline(day, self.policy.requests.payment_deadline_days, contact_failed)
                                  if amount else None)
            detail = {"fee_yen": amount, "waived": q.waived, "contact_failed": contact_failed,
                      "payment_due_on": row.payment_due_on.isoformat() if row.payment_due_on else None}
            target = RequestState(row.state)
            if row.state == RequestState.awaiting_payment and amount == 0:
                self._complete(s, row, actor_id, day, "fee_set", q.reasons, detail)
            else:
                self._event(s, row, actor_id, "fee_set", target, q.reasons, detail, stay=True)
            return self._view(s, row, full=True)

    def record_payment(self, actor_id: str, request_id: str, *, paid_on: dt.date | None = None) -> RequestView:
        """The fee arrived. Late (after the payment deadline) is refused: the request is treated as not made."""
        day = paid_on or clock.today()
        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id, lock=True)
            if row.state in CLOSED_STATES or row.state in (RequestState.in_review, RequestState.decided):
                raise _err("state", "REQ-TRANSITION", f"no payment is taken for a request {row.state}")
            if not row.fee_yen:
                raise _err("fee_yen", "APPI-38-1", "no fee is due for this request")
            if row.paid_at is not None:
                raise _err("paid_at", "REQ-TRANSITION", "the fee was already paid")
            if row.payment_due_on is not None and day > row.payment_due_on:
                raise _err("paid_on", "REQ-FEE-LAPSED", "paid after the payment deadline: the request lapses")
            row.paid_at = dt.datetime.combine(day, dt.time(12), clock.JST).astimezone(dt.UTC)
            detail = {"fee_yen": row.fee_yen, "paid_on": day.isoformat()}
            if row.state == RequestState.awaiting_payment:
                self._complete(s, row, actor_id, day, "paid", ["APPI-38-1"], detail)
            else:
                self._event(s, row, actor_id, "paid", RequestState(row.state), ["APPI-38-1"], detail, stay=True)
            return self._view(s, row, full=True)

    def refund(self, actor_id: str, request_id: str, ground: str, *, refunded_on: dt.date | None = None,
               amount_yen: int | None = None) -> RequestView:
        """Give back a paid fee on a ground :func:`~hogo.law.requests.decide_refund` admits (``leak`` or
        ``overcharge``), once; the request's state does not change.

        ``leak`` also records that the request concerns a leak the company caused (now known). The amount is
        the law's; ``amount_yen``, if given, must equal it (the desk confirms, it does not choose). The handling
        time of an overcharge is counted in business days from the day the request became complete (else
        received) to the day it was decided.
        """
        if amount_yen is not None and (isinstance(amount_yen, bool) or not isinstance(amount_yen, int)
                                       or amount_yen < 1):
            raise _err("amount_yen", "APPI-38-2", "amount_yen is a whole number of yen, at least 1")
        day = refunded_on or clock.today()
        if day > clock.today():
            raise _err("refunded_on", "REQ-REFUND-DATE", "a refund is recorded once made, not in advance")
        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id, lock=True)
            handling = None
            if row.decided_at is not None:
                handling = max(0, self.calendar.business_days_between(row.complete_on or row.received_on,
                                                                      clock.day_of(row.decided_at)))
            try:
                d = decide_refund(ground, row.type, self.fee_rules(row.type), state=row.state, outcome=row.outcome,
                                  paid_yen=row.fee_yen if row.paid_at is not None else None,
                                  refunded_yen=row.refund_yen, handling_business_days=handling,
                                  postal=row.response_method in (ResponseMethod.mail.value,
                                                                 ResponseMethod.registered_mail.value),
                                  params=self.policy.law)
            except ValueError as exc:
                raise _err("fee_yen", "APPI-38-2", str(exc)) from None
            if not d.allowed:
                raise _err(d.field or "ground", d.reasons[0], d.message)
            if amount_yen is not None and amount_yen != d.amount_yen:
                raise _err("amount_yen", d.reasons[-1], f"the refund on this ground is {d.amount_yen} yen")
            if day < clock.day_of(row.paid_at):
                raise _err("refunded_on", "REQ-REFUND-DATE", "a refund cannot precede the payment")
            row.refund_yen, row.refunded_on, row.refund_reasons = d.amount_yen, day, list(d.reasons)
            if d.ground is RefundGround.leak:
                row.company_caused_leak = True
            self._event(s, row, actor_id, "refunded", RequestState(row.state), d.reasons,
                        {"ground": ground, "refund_yen": d.amount_yen, "fee_yen": row.fee_yen,
                         "refunded_on": day.isoformat(), "handling_business_days": handling}, stay=True)
            return self._view(s, row, full=True)

    def lapse_unpaid(self, as_of: dt.date | None = None, actor_id: str | None = None) -> list[str]:
        """Requests whose fee was not paid by the payment deadline become ``lapsed`` (REQ-FEE-LAPSED).

        Set-based: one UPDATE of the states, one INSERT of the events; then one audit entry per request
        (the chain names each person).
        """
        day = as_of or clock.today()
        check_transition(RequestState.awaiting_payment, RequestState.lapsed)
        with unit_of_work(self.sessions) as s:
            due = (select(SubjectRequest.id, SubjectRequest.type, SubjectRequest.subject_id,
                          SubjectRequest.payment_due_on)
                   .where(SubjectRequest.state == RequestState.awaiting_payment.value,
                          SubjectRequest.paid_at.is_(None), SubjectRequest.payment_due_on < day)
                   .order_by(SubjectRequest.payment_due_on, SubjectRequest.id).with_for_update())
            rows = s.execute(due).all()
            if not rows:
                return []
            ids = [r.id for r in rows]
            now = utcnow()
            seqs: dict[str, int] = {}
            for i in range(0, len(ids), 1000):
                chunk = ids[i:i + 1000]
                s.execute(update(SubjectRequest).where(SubjectRequest.id.in_(chunk))
                          .values(state=RequestState.lapsed.value, closed_at=now, updated_at=now)
                          .execution_options(synchronize_session=False))
                seqs.update(s.execute(select(RequestEvent.request_id, func.max(RequestEvent.seq))
                                      .where(RequestEvent.request_id.in_(chunk))
                                      .group_by(RequestEvent.request_id)).all())
            s.execute(insert(RequestEvent), [
                {"id": new_id(), "request_id": r.id, "seq": seqs.get(r.id, 0) + 1, "at": now, "actor_id": actor_id,
                 "event": "lapsed", "from_state": RequestState.awaiting_payment.value,
                 "to_state": RequestState.lapsed.value, "reasons": ["REQ-FEE-LAPSED"],
                 "detail": {"payment_due_on": r.payment_due_on.isoformat()}} for r in rows])
            for r in rows:
                audit.append(s, action="request.lapsed", allowed=True, actor_id=actor_id, subject_id=r.subject_id,
                             reasons=["REQ-FEE-LAPSED"],
                             detail={"request_id": r.id, "type": r.type, "from": RequestState.awaiting_payment.value,
                                     "to": RequestState.lapsed.value,
                                     "payment_due_on": r.payment_due_on.isoformat()})
            return ids

    def withdraw(self, actor_id: str, request_id: str) -> RequestView:
        """The person withdraws the request (any open state before the decision)."""
        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id, lock=True)
            self._event(s, row, actor_id, "withdrawn", RequestState.withdrawn, ["APPI-37"])
            row.closed_at = utcnow()
            return self._view(s, row, full=True)

    # --- the decision and its effects ---------------------------------------------------------------------

    def decide(self, actor_id: str, request_id: str, outcome: str, grounds: Iterable[str] = (), *,
               corrections: Mapping[str, str] | None = None, deletions: Sequence[str] = (),
               items: Sequence[str] | None = None, purposes: Sequence[str] | None = None,
               recipients: Sequence[str] | None = None, alternative_measures: str | None = None,
               decided_on: dt.date | None = None) -> RequestView:
        """Decide: ``full``, ``partial`` or ``refused`` (grounds required unless full), and make it happen.

        ``items`` / ``purposes`` / ``recipients`` narrow what a partial decision acts on (default: the
        request's scope). For erasure (and deletions in a correction), items the retention room keeps are not
        erased: they are named in ``retained`` with their reason and the decision becomes partial on
        ``retention_obligation``. A correction needs ``corrections`` (item → corrected value) or ``deletions``.
        Erasure also reaches the program's external databases (module doc): ``answer["external"]`` has the
        counts per source and ``answer["kept"]`` each kept item with where it stays and why (for the letter).
        """
        day = decided_on or clock.today()
        try:
            out = Outcome(outcome)
            ground_list = [Ground(g) for g in grounds]
        except ValueError:
            raise _err("grounds" if outcome in set(Outcome) else "outcome", "APPI-36",
                       "outcome is full, partial or refused; grounds are " + ", ".join(Ground)) from None
        if alternative_measures is not None and len(alternative_measures) > MAX_DETAILS:
            raise _err("alternative_measures", "APPI-36", f"at most {MAX_DETAILS} characters")
        with self._reads()() as s:
            row = self._load(s, request_id)
            facts = self._view(s, row, full=True)
        scope = facts.scope
        basis = scope.get("basis")
        # Procedural grounds need the failed check on record.
        if Ground.identity_not_confirmed in ground_list or Ground.agent_authority_not_confirmed in ground_list:
            failed = {c["code"] for c in facts.checks if c["result"] != CheckResult.accepted}
            if facts.identity_confirmed is not False:
                raise _err("grounds", "APPI-ORDER-12-3", "refusing on identity needs a failed identity check")
            if Ground.agent_authority_not_confirmed in ground_list and "APPI-ORDER-13" not in failed:
                raise _err("grounds", "APPI-ORDER-13", "refusing on agent authority needs a failed proof check")
        act = out is not Outcome.refused
        effect_items = list(items) if items is not None else list(scope.get("items", []))
        effect_purposes = list(purposes) if purposes is not None else list(scope.get("purposes", []))
        effect_recipients = list(recipients) if recipients is not None else list(scope.get("recipients", []))
        for name, chosen, allowed in (("items", items, scope.get("items")), ("purposes", purposes, scope.get("purposes")),
                                      ("recipients", recipients, scope.get("recipients"))):
            if chosen is not None and allowed and not set(chosen) <= set(allowed):
                raise _err(name, "REQ-TYPE", f"the decision acts only on the request's {name}")
        self._check_scope(facts.type, effect_items if facts.type in _ITEM_TYPES else (),
                          effect_purposes if facts.type in _PURPOSE_TYPES else (),
                          effect_recipients if facts.type in _RECIPIENT_TYPES else (), None)
        corrections = dict(corrections or {})
        deletions = list(dict.fromkeys(deletions))
        if facts.type == "correction" and act:
            if not corrections and not deletions:
                raise _err("corrections", "APPI-34-2", "a correction decision states the corrected values or deletions")
            allowed_items = set(effect_items)
            if not set(corrections) | set(deletions) <= allowed_items:
                raise _err("corrections", "REQ-TYPE", "corrections are limited to the items of the request")
            self.vault.check_values(corrections)  # bad values are refused before anything changes
        elif corrections or deletions:
            raise _err("corrections", "REQ-TYPE", "only a correction request takes corrections or deletions")
        # Erasure: what the retention room keeps.
        retained: dict[str, str] = {}
        to_erase: list[str] = []
        if act and (facts.type == "erasure" or (facts.type == "correction" and deletions)):
            wanted = (deletions if facts.type == "correction" else effect_items) or self._held_items(facts.subject_id)
            kept = dict(self.retention.retained_items(None, facts.subject_id, day)) if self.retention else {}
            retained = {i: str(kept[i]) for i in wanted if i in kept}
            to_erase = [i for i in wanted if i not in retained]
            if retained and Ground.retention_obligation not in ground_list:
                ground_list.append(Ground.retention_obligation)
                out = Outcome.partial
        try:
            decision = check_decision(facts.type, facts.state, out, ground_list, basis=basis,
                                      alternative_measures=alternative_measures)
        except TransitionError as exc:
            raise _guard(exc) from None
        codes = list(decision.reasons)
        if facts.paid_at is not None and out is not Outcome.full:
            codes.append("REQ-NO-REFUND")
        effect_code = ("APPI-35-5" if basis in ("no_longer_needed", "breach", "rights_harm")
                       else "APPI-35-3" if facts.type == "stop_provision" else "APPI-35-1")

        # The external databases: keys read from the vault before anything is erased there.
        external: list[ErasureCount] | None = None
        whole_person = facts.type == "erasure" and not scope.get("items") and items is None
        if (act and self.policy.connectors and (facts.type == "erasure" or deletions)
                and (to_erase or whole_person)):
            keep = set(retained) if whole_person else set(retained) | (
                {i.id for i in self.policy.items} - set(to_erase))
            external = self._erase_external(actor_id, facts, keep)

        # Effects in other rooms (their own transactions, idempotent): suspension and stop of provision.
        answer: dict[str, Any] = {}
        if act and facts.type == "suspension":
            targets = effect_purposes or ([ALL_PURPOSES] if out is Outcome.full else [])
            for p in targets:
                self.access.suspend(actor_id, facts.subject_id, p, reason=effect_code)
            answer["suspended_purposes"] = targets
        if act and facts.type == "stop_provision":
            targets = effect_recipients or ([ALL_RECIPIENTS] if out is Outcome.full else [])
            for r in targets:
                self.provisions.stop_provision(actor_id, facts.subject_id, r, reason=effect_code)
            answer["stopped_recipients"] = targets
        if act and facts.type == "provision_records":
            records = self.provisions.records_for(facts.subject_id) if self.provisions else []
            answer["provision_records"] = len(records)
            answer["record_ids"] = [r["id"] for r in records]

        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id, lock=True)
            if row.state != facts.state:
                raise _err("state", "REQ-TRANSITION", "the request changed while it was being decided; decide again")
            if act:
                answer.update(self._answer(s, row, actor_id, corrections, to_erase, effect_items,
                                           whole=facts.type == "erasure" and not scope.get("items") and not retained
                                           and items is None))
            if external is not None:
                answer.update(self._external_answer(s, row, actor_id, external, to_erase, retained))
            row.outcome, row.grounds, row.reasons = out.value, [g.value for g in ground_list], codes
            row.retained, row.answer = retained, answer
            row.alternative_measures = alternative_measures
            row.decided_at, row.decided_by = utcnow(), actor_id
            row.notice_due_on = (row.due_on if out is Outcome.full else
                                 refusal_notice_due(day, self.policy.requests.refusal_notice_days, row.due_on,
                                                    self.calendar))
            self._event(s, row, actor_id, "decided", RequestState.decided, codes,
                        {"outcome": out.value, "grounds": len(ground_list), "retained": len(retained),
                         "erased_items": len(answer.get("erased", [])),
                         "external_rows": sum(c.rows for c in external or ()),
                         "corrected_items": len(answer.get("corrected", []))})
            return self._view(s, row, full=True)

    def _erase_external(self, actor_id: str, facts: RequestView, keep: set[str]) -> list[ErasureCount]:
        """Erase the person in the program's external databases, keeping ``keep``; a failure changes nothing here.

        Raises :class:`VaultError` with the connector's field and rule (``CONN-…``) after auditing the failure,
        so the caller records no decision.
        """
        from hogo.requests.package import external_keep, read_subject_keys

        conns = self.connectors or Connectors(self.policy)
        try:
            keys = read_subject_keys(self.policy, self.vault, self._reads(), facts.subject_id, conns)
            return conns.erase(keys, keep=external_keep(self.policy, keep))
        except ConnectorError as exc:
            with unit_of_work(self.sessions) as s:
                audit.append(s, action="connectors.erase", allowed=False, actor_id=actor_id,
                             subject_id=facts.subject_id, reasons=(exc.rule,),
                             detail={"request_id": facts.id, "field": exc.field})
            raise VaultError(exc.field, exc.rule, exc.message + "; the decision was not recorded — decide again "
                             "once the database is reachable") from None
        finally:
            if self.connectors is None:
                conns.close()

    def _external_answer(self, s: Session, row: SubjectRequest, actor_id: str, counts: Sequence[ErasureCount],
                         to_erase: Sequence[str], retained: Mapping[str, str]) -> dict[str, Any]:
        """The answer's account of the external databases: per source what was done, and where kept items stay."""
        from hogo.requests.package import erasure_detail

        per_source = [{"source": f"{c.connector_id}:{c.table}", "action": c.action, "rows": c.rows,
                       "nulled_columns": list(c.nulled_columns), "kept_columns": list(c.kept_columns)}
                      for c in counts]
        columns = {f"{c.id}:{t.db_schema + '.' if t.db_schema else ''}{t.table}": set(t.columns.values())
                   for c in self.policy.connectors for t in c.tables}
        kept = [{"item": item, "where": "vault.records", "basis": why} for item, why in retained.items()]
        kept += [{"item": item, "where": src["source"], "basis": why}
                 for item, why in retained.items() for src in per_source
                 if src["action"] == "null_columns" and src["rows"] and item in columns.get(src["source"], ())]
        detail = erasure_detail(counts)
        audit.append(s, action="connectors.erase", allowed=True, actor_id=actor_id, subject_id=row.subject_id,
                     items=sorted(to_erase), reasons=("APPI-35-2",),
                     detail={**detail, "request_id": row.id, "kept_items": len(retained)})
        return {"external": per_source, "external_rows_deleted": detail["rows_deleted"],
                "external_rows_nulled": detail["rows_nulled"], "kept": kept}

    def _held_items(self, subject_id: str) -> list[str]:
        """Every item the person currently has a value for (an erasure request naming no item means all)."""
        with self._reads()() as s:
            records = self.vault.current(s, subject_id, [i.id for i in self.policy.items])
            return list(dict.fromkeys(r.item_id for r in records))

    def _answer(self, s: Session, row: SubjectRequest, actor_id: str, corrections: Mapping[str, str],
                to_erase: Sequence[str], effect_items: Sequence[str], *, whole: bool) -> dict[str, Any]:
        """The effects inside the decision's own transaction (vault writes) and the answer's ids and counts."""
        t, subject_id = row.type, row.subject_id
        answer: dict[str, Any] = {}
        if t == "purpose_notice":
            subject = s.get(Subject, subject_id)
            answer["purposes"] = [p.id for p in self.policy.purposes
                                  if not p.subject_types or subject.subject_type in p.subject_types]
        elif t == "disclosure":
            wanted = list(effect_items) or [i.id for i in self.policy.items]
            held = self.vault.current(s, subject_id, wanted)
            answer["items"] = sorted({r.item_id for r in held})
            answer["records"] = len(held)
        elif t == "my_number_held":
            mn = [i.id for i in self.policy.items if str(i.category) == Category.MY_NUMBER.value]
            answer["my_number_held"] = bool(mn and self.vault.current(s, subject_id, mn))
        elif t in ("correction", "erasure"):
            if corrections:
                current = {r.item_id: r for r in self.vault.current(s, subject_id, list(corrections))}
                for item_id, value in corrections.items():
                    prior = current.get(item_id)
                    purpose = prior.purpose_id if prior else self._purpose_for(item_id)
                    self.vault.put(s, subject_id, {item_id: value}, purpose_id=purpose, actor_id=actor_id,
                                   retain_until=prior.retain_until if prior else None)
                answer["corrected"] = list(corrections)
                audit.append(s, action="request.correct", allowed=True, actor_id=actor_id, subject_id=subject_id,
                             items=list(corrections), reasons=["APPI-34"], detail={"request_id": row.id})
            if to_erase:
                if whole:
                    keys = self.vault.shred(s, subject_id)
                    answer["shredded"] = True
                    answer["keys_destroyed"] = keys
                    erased = 0
                else:
                    erased = self.vault.erase(s, subject_id, to_erase)
                answer["erased"] = list(to_erase)
                answer["records_erased"] = erased
                audit.append(s, action="request.erase", allowed=True, actor_id=actor_id, subject_id=subject_id,
                             items=list(to_erase), reasons=["APPI-34" if t == "correction" else "APPI-35-2"],
                             detail={"request_id": row.id, "records": erased, "shredded": whole})
        return answer

    def _purpose_for(self, item_id: str) -> str:
        for p in self.policy.purposes:
            if item_id in [i.id for i in self.policy.items_of(p)]:
                return p.id
        return self.policy.purposes[0].id

    def close(self, actor_id: str, request_id: str) -> RequestView:
        """The answer (or the notice of refusal with its reasons, Art. 36) went out: the request is closed.

        A disclosure package written under the packager's root has been sent, so its files carrying values are
        deleted once the close is committed (its manifest stays as the proof of what was sent).
        """
        with unit_of_work(self.sessions) as s:
            row = self._load(s, request_id, lock=True)
            self._event(s, row, actor_id, "closed", RequestState.closed, list(row.reasons or []) or ["APPI-37"])
            row.closed_at = utcnow()
            view = self._view(s, row, full=True)
        if self.packager is not None:
            self.packager.discard(request_id)
        return view

    def package(self, request_id: str, *, out_dir: Any = None, actor_id: str | None = None) -> Any:
        """The disclosure package of a decided disclosure-type request, built and written by the packager."""
        self._packageable(request_id)
        return self.packager.package(request_id, out_dir=out_dir, actor_id=actor_id)  # type: ignore[union-attr]

    def package_manifest(self, request_id: str, *, actor_id: str | None = None) -> dict:
        """The manifest of the request's package (sources and counts, file hashes; never a value)."""
        self._packageable(request_id)
        return self.packager.manifest(request_id, actor_id=actor_id)  # type: ignore[union-attr]

    def _packageable(self, request_id: str) -> None:
        view = self.show(request_id)
        if view.type not in ("disclosure", "provision_records", "my_number_held"):
            raise _err("type", "REQ-TYPE", "only disclosure requests have a package")
        if view.state not in (RequestState.decided, RequestState.closed) or view.outcome == Outcome.refused:
            raise _err("state", "REQ-TRANSITION", "a package follows a decision to disclose (full or partial)")
        if self.packager is None:
            raise _err("packager", "REQ-TYPE", "no packager is configured")

    # --- reading --------------------------------------------------------------------------------------------

    def show(self, request_id: str) -> RequestView:
        with self._reads()() as s:
            return self._view(s, self._load(s, request_id), full=True)

    def list(self, *, state: str | None = None, subject_id: str | None = None, limit: int = 500) -> list[RequestView]:
        stmt = select(SubjectRequest).order_by(SubjectRequest.received_on, SubjectRequest.id).limit(limit)
        if state is not None:
            stmt = stmt.where(SubjectRequest.state == state)
        if subject_id is not None:
            stmt = stmt.where(SubjectRequest.subject_id == subject_id)
        with self._reads()() as s:
            return [self._view(s, r) for r in s.scalars(stmt)]

    def queue(self, as_of: dt.date | None = None, *, remind_business_days: int = 2) -> list[QueueEntry]:
        """Open requests by the deadline that matters now: overdue first, then due today, reminders, the rest.

        A reminder is due ``remind_business_days`` business days before the deadline.
        """
        day = as_of or clock.today()
        cutoff = self.calendar.add_business_days(day, remind_business_days)
        cols = (SubjectRequest.id, SubjectRequest.type, SubjectRequest.subject_id, SubjectRequest.state,
                SubjectRequest.due_on, SubjectRequest.payment_due_on, SubjectRequest.notice_due_on)
        with self._reads()() as s:
            rows = s.execute(select(*cols).where(SubjectRequest.state.not_in([c.value for c in CLOSED_STATES]))).all()
        entries = []
        for rid, rtype, sid, state, due, pay_due, notice_due in rows:
            if state == RequestState.awaiting_payment:
                kind, when = "payment", pay_due
            elif state == RequestState.decided:
                kind, when = "notice", notice_due
            else:
                kind, when = "answer", due
            if when is None:
                status, left = "waiting", None
            else:
                status = ("overdue" if when < day else "due_today" if when == day
                          else "reminder" if when <= cutoff else "open")
                left = self.calendar.business_days_between(day, when)
            entries.append(QueueEntry(rid, rtype, sid, state, kind, when, status, left))
        order = {"overdue": 0, "due_today": 1, "reminder": 2, "open": 3, "waiting": 4}
        entries.sort(key=lambda e: (order[e.status], e.due_on or dt.date.max, e.request_id))
        return entries

