"""Who acts, and what was decided: actors, API tokens, suspensions and the audit chain.

The audit chain is append-only; each entry carries the hash of the previous one, and ``audit_head`` holds
the last sequence number and hash in a single row that every append locks, so concurrent writers can
neither fork the chain nor leave a gap. Entries hold identifiers and item names only, never values.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow


class Actor(Base):
    """A member of staff or a business system (従業者 / system) with a role from the policy."""

    __tablename__ = "actors"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database dump yields no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12), doc="first characters, to tell tokens apart")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Suspension(Base):
    """Use of a subject's data for a purpose is suspended (利用停止, Art. 35) — or all purposes if '*'."""

    __tablename__ = "suspensions"
    __table_args__ = (UniqueConstraint("subject_id", "purpose_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"), index=True)
    purpose_id: Mapped[str] = mapped_column(String(64))
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(64), doc="a reason code, e.g. APPI-35-5")


class AuditEntry(Base):
    """One decision or event, chained by hash to the one before it."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(36), index=True)
    purpose_id: Mapped[str | None] = mapped_column(String(64))
    items: Mapped[list] = mapped_column(JSON)
    allowed: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list] = mapped_column(JSON)
    detail: Mapped[dict] = mapped_column(JSON, doc="identifiers and counts only, never personal values")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's tip, one row (id = 1); appends lock it (SELECT … FOR UPDATE / SQLite write lock)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
