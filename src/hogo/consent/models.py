"""The consent room's tables: consent events and opt-out events, both insert-only.

A consent is never edited: giving, withdrawing and expiry are each a new row, so the history of what a
person agreed to (which document, which version, when, how, on what evidence, by whom) stays provable.
The ORM refuses to UPDATE or DELETE these rows (see :func:`_immutable`); the service only inserts.
No column holds a personal value: ``evidence_ref`` points to a scanned form, a recording or a web log
entry kept elsewhere.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow


class ConsentEventKind(StrEnum):
    given = "given"
    withdrawn = "withdrawn"
    expired = "expired"


class OptOutEventKind(StrEnum):
    opted_out = "opted_out"  # stop use for the purpose (e.g. DM refusal)
    opted_in = "opted_in"  # the person takes the opt-out back


class ConsentChannel(StrEnum):
    written = "written"  # 書面 (signed form)
    web = "web"
    phone = "phone"  # recorded call
    in_person = "in_person"
    email = "email"
    app = "app"


class ConsentEvent(Base):
    """One consent event of a subject for one consent document (and version)."""

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_subject_document", "subject_id", "document_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    document_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(16), doc="given, withdrawn, expired")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    evidence_ref: Mapped[str | None] = mapped_column(String(256), doc="form / recording reference, never a value")
    actor_id: Mapped[str | None] = mapped_column(String(36))
    guardian_subject_id: Mapped[str | None] = mapped_column(ForeignKey("subjects.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OptOutEvent(Base):
    """An opt-out of (or back into) a direct-marketing purpose; the latest event per purpose counts."""

    __tablename__ = "opt_outs"
    __table_args__ = (Index("ix_opt_outs_subject_purpose", "subject_id", "purpose_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    purpose_id: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(16), doc="opted_out, opted_in")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    evidence_ref: Mapped[str | None] = mapped_column(String(256))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImmutableRowError(RuntimeError):
    """Consent and opt-out events are insert-only."""


def _immutable(mapper, connection, target) -> None:
    raise ImmutableRowError(f"{type(target).__tablename__} rows are insert-only: record a new event instead")


for _model in (ConsentEvent, OptOutEvent):
    event.listen(_model, "before_update", _immutable)
    event.listen(_model, "before_delete", _immutable)
