"""The retention room's tables: events periods count from, legal holds, sweeps, their progress and certificates.

None of them holds a personal value: subjects and records appear by id, items by name, holds by a reason the
officer writes (a case reference, not the person's data). ``retention_work`` is a staging table: one sweep
chunk writes the ids it disposes of there and clears them in the same transaction, so a crash leaves nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow


class SweepStatus(StrEnum):
    running = "running"  # started, or interrupted (a crash): the next sweep resumes it
    finished = "finished"


class DisposalMethod(StrEnum):
    shred = "shred"  # the records were deleted and the data key they were encrypted under was destroyed
    delete = "delete"  # the records were deleted; the subject's key lives on for other, still-kept records
    keeper = "keeper"  # a law-kept record disposed of by its own room (provision records, request files …)


class RetentionEvent(Base):
    """An event a retention period counts from (同意の撤回, 完済, 退職 …), as a date, per subject."""

    __tablename__ = "retention_events"
    __table_args__ = (Index("ix_retention_events_event_subject", "event", "subject_id", "on_date"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    on_date: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(36))


class LegalHold(Base):
    """A legal hold (訴訟・調査のための保存指示): no disposal of the subject's, or one record's, data while active."""

    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str | None] = mapped_column(String(36), index=True)
    record_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reason: Mapped[str] = mapped_column(Text, doc="why: litigation, investigation — a case reference")
    placed_by: Mapped[str] = mapped_column(String(36), doc="actor id")
    placed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_date: Mapped[dt.date] = mapped_column(Date)
    until_date: Mapped[dt.date | None] = mapped_column(Date)
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(String(36))
    release_reason: Mapped[str | None] = mapped_column(Text)


class Sweep(Base):
    """One execution of the disposal engine (dry runs are not recorded: they change nothing)."""

    __tablename__ = "retention_sweeps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    as_of: Mapped[dt.date] = mapped_column(Date)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default=SweepStatus.running.value, index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resumed: Mapped[int] = mapped_column(Integer, default=0, doc="how many times it was resumed after a crash")
    disposed: Mapped[int] = mapped_column(Integer, default=0)
    start_audit_seq: Mapped[int | None] = mapped_column(Integer)
    audit_seq: Mapped[int | None] = mapped_column(Integer, doc="the audit entry that closed the sweep")


class SweepLock(Base):
    """The one row naming the sweep that is disposing now, who runs it and since when: one sweep at a time.

    Every sweep locks this row to start (a row lock on PostgreSQL, SQLite's write lock), so two cannot start
    together. Whether the holder still lives is told on PostgreSQL by a session-level advisory lock it keeps for
    the whole sweep (a crashed process loses its connection, hence the lock); on SQLite by its host and pid and
    by ``heartbeat_at``, which every chunk moves. Only identifiers and times: no personal value.
    """

    __tablename__ = "retention_sweep_lock"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    sweep_id: Mapped[str | None] = mapped_column(String(36))
    holder: Mapped[str | None] = mapped_column(String(36), doc="token of the running sweep call; none when free")
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    acquired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SweepProgress(Base):
    """Per rule (or keeper) checkpoint of a sweep: the last subject id done; chunks after it are still to do."""

    __tablename__ = "retention_sweep_progress"

    sweep_id: Mapped[str] = mapped_column(ForeignKey("retention_sweeps.id"), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_key: Mapped[str | None] = mapped_column(String(36))
    disposed: Mapped[int] = mapped_column(Integer, default=0)
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(Base):
    """A line of a disposal certificate (廃棄記録): how many records of which item a rule disposed of, and how."""

    __tablename__ = "retention_certificates"
    __table_args__ = (UniqueConstraint("sweep_id", "rule_id", "item_id", "method"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sweep_id: Mapped[str] = mapped_column(ForeignKey("retention_sweeps.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[list] = mapped_column(JSON, doc="reason codes citing the rule's grounds")
    basis: Mapped[str | None] = mapped_column(Text, doc="the rule's statutory basis, as written in the program")
    audit_seq: Mapped[int | None] = mapped_column(Integer, doc="the audit entry of the last chunk counted here")


class WorkRow(Base):
    """Staging for one chunk of one sweep; filled and emptied inside the chunk's transaction.

    UNLOGGED on PostgreSQL (no WAL): its rows never outlive a transaction, so a crash can lose nothing of value.
    """

    __tablename__ = "retention_work"

    sweep_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(36))
    item_id: Mapped[str] = mapped_column(String(64))
    key_scope: Mapped[str] = mapped_column(String(16))
