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


class ProviderKind(StrEnum):
    recipient = "recipient"  # policy.recipients
    credit_bureau = "credit_bureau"  # policy.credit_bureaus
    joint_use = "joint_use"  # policy.joint_uses
    outsourcee = "outsourcee"  # policy.outsourcing.outsourcees
    ad_hoc = "ad_hoc"  # a business named on the receipt itself
    individual = "individual"  # a private individual: a subject of the vault (no name in plaintext here)


class Receipt(Base):
    """One receipt of personal data (a batch of subjects) from one provider, with the Art. 30(1) confirmations.

    The provider's name, address and representative are a business's particulars (Rules 22/24), not personal
    data; a private individual provider is named only by ``provider_subject_id`` (the vault holds the name).
    """

    __tablename__ = "receipts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider_kind: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True, doc="policy id, if the program has it")
    provider_name: Mapped[str | None] = mapped_column(Text)
    provider_address: Mapped[str | None] = mapped_column(Text)
    provider_representative: Mapped[str | None] = mapped_column(Text)
    provider_subject_id: Mapped[str | None] = mapped_column(ForeignKey("subjects.id"))
    acquired_how: Mapped[str | None] = mapped_column(Text, doc="how the provider acquired the data (取得の経緯)")
    confirmed_by: Mapped[str | None] = mapped_column(String(32), doc="declaration, contract, other (Rules 22)")
    basis: Mapped[str] = mapped_column(String(40), doc="the provider's basis")
    ppc_publication: Mapped[str | None] = mapped_column(Text, doc="opt-out: the PPC publication relied on")
    purpose_id: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_on: Mapped[dt.date] = mapped_column(Date)
    subject_count: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSON)
    reasons: Mapped[list] = mapped_column(JSON)
    improper_found_on: Mapped[dt.date | None] = mapped_column(
        Date, doc="the day the provider's acquisition was found improper (Art. 20(1))")
    improper_finding: Mapped[str | None] = mapped_column(Text, doc="what was found (about the provider, no person)")


class ReceivedSubject(Base):
    """Whose data a receipt brought in: the data's lineage, kept while the company holds it.

    Not a Rules 24 record (those are disposed of after Rules 25): the Art. 27(2) proviso — data received by
    opt-out, or acquired improperly, is never provided onward by opt-out — does not lapse with the record.
    """

    __tablename__ = "received_subjects"
    __table_args__ = (Index("ix_received_subjects_subject", "subject_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"), index=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))


class ReceiptRecord(Base):
    """The Art. 30(3) confirmation record of one subject's data received (Rules 24 items), kept per Rules 25."""

    __tablename__ = "receipt_records"
    __table_args__ = (Index("ix_receipt_records_subject", "subject_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"), index=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    kind: Mapped[str] = mapped_column(String(32), doc="hogo.law.provision.RecordKind")
    items: Mapped[list] = mapped_column(JSON)
    consent_ref: Mapped[str | None] = mapped_column(String(256), doc="the consent confirmed (form/clause ref)")
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(24))
    retain_until: Mapped[dt.date] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RelatedProvision(Base):
    """The confirmation record of a provision of personal-related information (Art. 31(3); Rules 28 items).

    Written only where the law requires a record (the recipient will tie the data to a person and no
    27(1) exception applies); other provisions leave an audit entry only. No person is named: the provider cannot identify them (that is what makes it personal-related
    information); ``identifiers`` is how many (e.g. cookie IDs) were provided.
    """

    __tablename__ = "related_provisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[str | None] = mapped_column(String(64), index=True)
    recipient_name: Mapped[str] = mapped_column(Text)
    recipient_address: Mapped[str | None] = mapped_column(Text)
    recipient_representative: Mapped[str | None] = mapped_column(Text)
    recipient_country: Mapped[str] = mapped_column(String(2))
    items: Mapped[list] = mapped_column(JSON)
    identifiers: Mapped[int | None] = mapped_column(Integer)
    consent_confirmed: Mapped[bool] = mapped_column(Boolean)
    rules17_confirmed: Mapped[bool] = mapped_column(Boolean)
    confirmed_by: Mapped[str | None] = mapped_column(String(32), doc="declaration, contract, other (Rules 26)")
    provided_on: Mapped[dt.date] = mapped_column(Date, doc="bulk: the first day of the period")
    last_provided_on: Mapped[dt.date | None] = mapped_column(Date, doc="bulk: the last day of the period")
    method: Mapped[str] = mapped_column(String(24))
    retain_until: Mapped[dt.date] = mapped_column(Date, index=True)
    reasons: Mapped[list] = mapped_column(JSON)
    actor_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
