"""The vault's tables: subjects, engagements, records (ciphertext only) and their data keys.

No column ever holds a personal value in plaintext. A record's value is AES-256-GCM ciphertext under the
subject's data key for the item's key scope; look-ups go through a keyed blind index. Corrections never
overwrite: the old record gets ``valid_to`` and a new one is written, so history is kept.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Source(StrEnum):
    """Where a record came from: it decides the Art. 30 confirmation duty and the notice wording."""

    direct = "direct"  # from the person
    third_party = "third_party"  # from another business (Art. 30 record)
    public = "public"  # public source (官報, 電話帳 …): used only within that source's purpose


class Channel(StrEnum):
    written = "written"  # 書面 (incl. web forms: Art. 21(2) purpose stated in advance)
    web = "web"
    phone = "phone"
    in_person = "in_person"
    file = "file"  # bulk import from another system
    api = "api"


class Subject(Base):
    """A person the data is about (本人): customer, guarantor, applicant, employee, caller, visitor."""

    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("subject_type", "external_ref"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_type: Mapped[str] = mapped_column(String(64))
    external_ref: Mapped[str | None] = mapped_column(String(128), doc="business key, e.g. customer number")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    shredded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Engagement(Base):
    """A contract or transaction (契約・取引) and the subject's role in it; retention counts from these."""

    __tablename__ = "engagements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64), doc="contract, application, transaction …")
    reference: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(64), doc="contractor, joint_guarantor, applicant …")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class DataKey(Base):
    """A subject's data key for one key scope, wrapped by the master key. Shredding deletes ``wrapped``."""

    __tablename__ = "data_keys"

    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), primary_key=True, doc="standard, sensitive, my_number")
    master_key_id: Mapped[str | None] = mapped_column(String(32))
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    destroyed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Record(Base):
    """One stored value of an item for a subject (個人データ), with where it came from and why."""

    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_subject_item", "subject_id", "item_id"),
        Index("ix_records_item_blind_index", "item_id", "blind_index"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    key_scope: Mapped[str] = mapped_column(String(16))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    blind_index: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    purpose_id: Mapped[str] = mapped_column(String(64), doc="purpose at acquisition")
    consent_ref: Mapped[str | None] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(256), doc="third party the record came from")
    valid_from: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    retain_until: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
