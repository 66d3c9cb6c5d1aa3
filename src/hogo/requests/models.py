"""The requests room's tables: data-subject requests, their history (events) and identity checks.

No column holds a personal value in plaintext. A request names the person by subject id and its scope by
item, purpose and recipient ids; the requester's free text (what they wrote on the form) is AES-256-GCM
ciphertext under the person's own data key, so shredding the person makes it unreadable too. Identity
checks keep the *kind* of document and the result — never a document number or what was printed on it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow


class SubjectRequest(Base):
    """One request (開示等の請求) of one person to one company (the BPO seed: 1 company, 1 person)."""

    __tablename__ = "requests"
    __table_args__ = (Index("ix_requests_state_due", "state", "due_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"), index=True)
    requester_kind: Mapped[str] = mapped_column(String(16), doc="person, agent or staff")
    agent_kind: Mapped[str | None] = mapped_column(String(24), doc="legal_representative or appointed")
    channel: Mapped[str] = mapped_column(String(16), doc="mail, phone, in_person, web, email, api")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_on: Mapped[dt.date] = mapped_column(Date, doc="the day the request reached the company (Art. 39)")
    state: Mapped[str] = mapped_column(String(24))
    due_on: Mapped[dt.date] = mapped_column(Date, doc="answer deadline (business days of the program)")
    complete_on: Mapped[dt.date | None] = mapped_column(Date, doc="identity confirmed and fee paid")
    fee_yen: Mapped[int | None] = mapped_column(Integer, doc="None: not yet fixed")
    fee_waived: Mapped[bool] = mapped_column(Boolean, default=False)
    fee_reasons: Mapped[list] = mapped_column(JSON, default=list)
    company_caused_leak: Mapped[bool] = mapped_column(Boolean, default=False)
    contacted_on: Mapped[dt.date | None] = mapped_column(Date, doc="fee communicated (or contact attempted)")
    contact_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_due_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refund_yen: Mapped[int | None] = mapped_column(Integer, doc="None: no refund; else the yen given back (once)")
    refunded_on: Mapped[dt.date | None] = mapped_column(Date)
    refund_reasons: Mapped[list | None] = mapped_column(JSON, doc="reason codes of the refund")
    identity_confirmed: Mapped[bool | None] = mapped_column(Boolean, doc="None: not checked yet")
    scope: Mapped[dict] = mapped_column(JSON, default=dict, doc="item / purpose / recipient ids and the basis")
    response_method: Mapped[str | None] = mapped_column(String(24))
    details: Mapped[bytes | None] = mapped_column(LargeBinary, doc="the requester's text, encrypted")
    outcome: Mapped[str | None] = mapped_column(String(16), doc="full, partial or refused")
    grounds: Mapped[list] = mapped_column(JSON, default=list)
    reasons: Mapped[list] = mapped_column(JSON, default=list, doc="reason codes of the decision")
    retained: Mapped[dict] = mapped_column(JSON, default=dict, doc="item id -> why it is kept (erasure)")
    answer: Mapped[dict] = mapped_column(JSON, default=dict, doc="ids and counts only, never values")
    alternative_measures: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(36))
    notice_due_on: Mapped[dt.date | None] = mapped_column(Date, doc="when the answer / refusal must reach the person")
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequestEvent(Base):
    """One step of a request's life: who moved it from which state to which, when and why (codes)."""

    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_request_seq", "request_id", "seq", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    event: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    detail: Mapped[dict] = mapped_column(JSON, default=dict, doc="identifiers and counts only")


class IdentityCheck(Base):
    """One document checked for a request: its kind and the result — never its number or contents."""

    __tablename__ = "request_identity_checks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, doc="order of the checks within the request")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    holder: Mapped[str] = mapped_column(String(16), doc="person or agent")
    role: Mapped[str] = mapped_column(String(16), doc="identity or proof (of an agent's authority)")
    document_kind: Mapped[str] = mapped_column(String(200))
    photo: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[str] = mapped_column(String(24))
    code: Mapped[str] = mapped_column(String(32))
