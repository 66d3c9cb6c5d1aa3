"""The provision room's tables: provisions, their Art. 29 records, stop-provision requests, Art. 30 receipts.

Rows hold identifiers, item *names*, basis and reason codes and dates — never personal values. A record
names the subject by id (the person is identified through the vault), the recipient by its policy id.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow

ALL_RECIPIENTS = "*"


class RecipientKind(StrEnum):
    recipient = "recipient"  # policy.recipients
    credit_bureau = "credit_bureau"  # policy.credit_bureaus
    joint_use = "joint_use"  # policy.joint_uses
    outsourcee = "outsourcee"  # policy.outsourcing.outsourcees


class Provision(Base):
    """One provision (a batch of subjects) to one recipient, on one basis, for one purpose."""

    __tablename__ = "provisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recipient_id: Mapped[str] = mapped_column(String(64), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(40))
    purpose_id: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    subject_count: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSON)
    cross_border: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list] = mapped_column(JSON, doc="the law's reason codes for the provision")
    justification: Mapped[str | None] = mapped_column(Text, doc="for a statutory exception: why it applies")


class ProvisionRecord(Base):
    """The Art. 29 record of one subject's data provided (Rules 20 items), kept until ``retain_until``."""

    __tablename__ = "provision_records"
    __table_args__ = (Index("ix_provision_records_subject", "subject_id", "recipient_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provision_id: Mapped[str] = mapped_column(ForeignKey("provisions.id"), index=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    recipient_id: Mapped[str] = mapped_column(String(64))
    items: Mapped[list] = mapped_column(JSON)
    basis: Mapped[str] = mapped_column(String(40))
    consent_document_id: Mapped[str | None] = mapped_column(String(64))
    consent_version: Mapped[str | None] = mapped_column(String(32))
    provided_on: Mapped[dt.date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(24))
    retain_until: Mapped[dt.date] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProvisionStop(Base):
    """A person asked that their data no longer be provided to a recipient ('*': to anyone) (Art. 35(3))."""

    __tablename__ = "provision_stops"
    __table_args__ = (Index("ix_provision_stops_subject_recipient", "subject_id", "recipient_id", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    recipient_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str | None] = mapped_column(String(36))
