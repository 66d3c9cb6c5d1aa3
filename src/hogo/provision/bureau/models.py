"""The credit-bureau room's tables: credit applications, inquiries (receipts), registrations (provisions).

Rows hold identifiers, amounts, dates, purposes and reason codes — never personal values: a person is
named by subject id (the vault identifies them), a bureau by its policy id. An inquiry is a receipt of
personal data from the bureau (Art. 30), so its row carries the Art. 30(1) confirmation fields (the
provider's name and address and how it acquired the data) copied from the program at the time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow

SOURCE_HOGO = "hogo"  # inquired through Bureaus.inquire (decided by the law core)
SOURCE_BUREAU_LOG = "bureau_log"  # taken from the bureau's own log of our inquiries (reconciliation)
REGISTERED = "registered"
REMOVED = "removed"


class CreditApplication(Base):
    """An application for credit posted by a business system; the inquiry duty is judged on its amount."""

    __tablename__ = "credit_applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"), index=True)
    application_ref: Mapped[str] = mapped_column(String(64), unique=True)
    amount_yen: Mapped[int] = mapped_column(BigInteger)
    applied_on: Mapped[dt.date] = mapped_column(Date, index=True)
    contracted_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class BureauInquiry(Base):
    """One inquiry (照会) at a bureau about one person: the Art. 30 receipt record."""

    __tablename__ = "bureau_inquiries"
    __table_args__ = (Index("ix_bureau_inquiries_subject_bureau", "subject_id", "bureau_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    bureau_id: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    purpose: Mapped[str | None] = mapped_column(String(32), doc="InquiryPurpose value (as stated, for log rows)")
    purpose_id: Mapped[str | None] = mapped_column(String(64), doc="the program purpose the actor acted under")
    application_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    inquired_on: Mapped[dt.date] = mapped_column(Date, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    result_ref: Mapped[str | None] = mapped_column(String(64), doc="the bureau's reference of the answer")
    source: Mapped[str] = mapped_column(String(16), default=SOURCE_HOGO)
    provider_name: Mapped[str] = mapped_column(Text, doc="Art. 30(1)(i): the bureau's name")
    provider_address: Mapped[str] = mapped_column(Text, doc="Art. 30(1)(i): the bureau's address")
    acquisition: Mapped[str] = mapped_column(Text, doc="Art. 30(1)(ii): how the bureau acquired the data")
    reasons: Mapped[list] = mapped_column(JSON)
    retain_until: Mapped[dt.date] = mapped_column(Date, doc="Rules 25: record kept until")


class BureauRegistration(Base):
    """One information type of one person registered with a bureau, kept until ``registered_until``."""

    __tablename__ = "bureau_registrations"
    __table_args__ = (
        Index("ix_bureau_registrations_subject", "subject_id", "bureau_id", "info_type_index"),
        Index("ix_bureau_registrations_until", "status", "registered_until"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    bureau_id: Mapped[str] = mapped_column(String(64))
    info_type_index: Mapped[int] = mapped_column(Integer, doc="index into the bureau's registrations")
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    application_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    events: Mapped[dict] = mapped_column(JSON, doc="event name -> ISO date (contract_end, inquiry …)")
    registered_on: Mapped[dt.date] = mapped_column(Date, index=True)
    registered_until: Mapped[dt.date | None] = mapped_column(Date, doc="None: the contract still runs")
    status: Mapped[str] = mapped_column(String(12), default=REGISTERED)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    provision_id: Mapped[str | None] = mapped_column(String(36), doc="the provision room's batch (Art. 29)")
    actor_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
