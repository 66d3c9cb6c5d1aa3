"""Tables of the outsourcing sub-room: selection evaluations, contracts, re-outsourcing permissions,
supervision records and the data handed out to outsourcees (委託先の監督, APPI Art. 25).

Rows hold policy ids, dates, clause ids, criterion numbers, document references and subject *ids* —
never personal values. Which outsourcee is meant is the policy's ``outsourcing.outsourcees[].id``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow


class SupervisionKind(StrEnum):
    on_site_audit = "on_site_audit"  # 実地監査
    report = "report"  # 報告徴収 (the outsourcee's written report)
    questionnaire = "questionnaire"  # チェックリスト・アンケート


class OutsourceeEvaluation(Base):
    """A selection evaluation (委託先評価): one result per selection criterion of the program."""

    __tablename__ = "outsourcing_evaluations"
    __table_args__ = (Index("ix_outsourcing_evaluations_outsourcee", "outsourcee_id", "evaluated_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    outsourcee_id: Mapped[str] = mapped_column(String(64))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    results: Mapped[dict] = mapped_column(JSON, doc='criterion number (1-based, as listed) → met: {"1": true}')
    outcome: Mapped[str] = mapped_column(String(16), doc="passed / failed (see hogo.law.outsourcing.Outcome)")
    evaluator_id: Mapped[str] = mapped_column(String(36), doc="the actor who evaluated")
    evidence_ref: Mapped[str | None] = mapped_column(String(256), doc="the evaluation sheet's reference")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutsourcingContract(Base):
    """A contract with an outsourcee (委託契約) and the program's clauses it contains."""

    __tablename__ = "outsourcing_contracts"
    __table_args__ = (Index("ix_outsourcing_contracts_outsourcee", "outsourcee_id", "starts_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    outsourcee_id: Mapped[str] = mapped_column(String(64))
    contract_ref: Mapped[str] = mapped_column(String(256), doc="the signed contract's document reference")
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, doc="None: open-ended")
    clauses: Mapped[list] = mapped_column(JSON, doc="clause ids of outsourcing.clauses the contract contains")
    signed_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReOutsourcingPermission(Base):
    """Our permission for an outsourcee to re-outsource (再委託の許諾); My Number needs one (MNA Art. 10)."""

    __tablename__ = "outsourcing_permissions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    outsourcee_id: Mapped[str] = mapped_column(String(64), index=True)
    sub_outsourcee: Mapped[str] = mapped_column(String(256), doc="the re-outsourcee's company name")
    items: Mapped[list] = mapped_column(JSON)
    my_number: Mapped[bool] = mapped_column(Boolean, default=False, doc="covers My Number affairs")
    granted_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    granted_by: Mapped[str] = mapped_column(String(36))
    evidence_ref: Mapped[str] = mapped_column(String(256), doc="the written permission's reference")
    reasons: Mapped[list] = mapped_column(JSON, doc="the law's reason codes for the decision")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupervisionRecord(Base):
    """One act of grasping the outsourcee's handling: an audit, a report or a questionnaire."""

    __tablename__ = "outsourcing_supervisions"
    __table_args__ = (Index("ix_outsourcing_supervisions_outsourcee", "outsourcee_id", "performed_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    outsourcee_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    performed_on: Mapped[dt.date] = mapped_column(Date)
    findings: Mapped[list] = mapped_column(JSON, doc="short findings about the outsourcee's handling")
    follow_up: Mapped[str | None] = mapped_column(Text, doc="the corrective action asked for")
    follow_up_due: Mapped[dt.date | None] = mapped_column(Date)
    actor_id: Mapped[str] = mapped_column(String(36))
    evidence_ref: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Handout(Base):
    """One person's data handed to an outsourcee (預託), until returned or deleted with a certificate."""

    __tablename__ = "outsourcing_handouts"
    __table_args__ = (
        Index("ix_outsourcing_handouts_open", "outsourcee_id", "closed_at"),
        Index("ix_outsourcing_handouts_subject", "subject_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    outsourcee_id: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    items: Mapped[list] = mapped_column(JSON)
    purpose_id: Mapped[str] = mapped_column(String(64))
    provision_id: Mapped[str] = mapped_column(ForeignKey("provisions.id"), index=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("outsourcing_contracts.id"))
    handed_out_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str] = mapped_column(String(36))
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, doc="returned_at or deleted_at: None = out")
    certificate_ref: Mapped[str | None] = mapped_column(String(256), doc="certificate of return / deletion")
    closed_by: Mapped[str | None] = mapped_column(String(36))
